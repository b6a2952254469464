export {
  assertClose,
  type CloseOptions,
  type CloseReport,
  compareClose,
  isClose,
  MismatchError,
} from './close.js';
export {
  centralDifference,
  type DifferenceArray,
  type GradcheckOptions,
  gradcheck,
} from './finite_difference.js';
