export {
  DEFAULT_TOLERANCE,
  identical,
  type MemorySnapshot,
  memoryDelta,
  mismatch,
  mismatchTyped,
  type Tolerance,
} from './compare.js';
export { runBackendConformance } from './conformance.js';
export {
  decode,
  decodeNumber,
  describeTensors,
  type EncodedTensor,
  type KernelCase,
  kernelCases,
  type OpCase,
  opCases,
} from './fixtures.js';
export {
  backendHas,
  isOptionalKernel,
  KERNEL_IDS,
  kernelMethod,
  OPTIONAL_KERNEL_IDS,
  REQUIRED_KERNEL_IDS,
  STORAGE_IDS,
} from './ids.js';
export { runKernelCase, SENTINEL } from './kernels.js';
export { formatMatrix, type KernelStatus, mergeStatus } from './matrix.js';
export { missingContract, missingMessage, STORAGE_METHODS } from './missing.js';
export { type OpConformanceOptions, requiredOnly, runOpConformance } from './op_conformance.js';
export {
  checkOpAgainstFixture,
  checkOpFiniteDifferences,
  type FiniteDifferenceOptions,
  forwardBackward,
  OPS,
  type OpFn,
} from './ops.js';
export type { ConformanceOptions } from './options.js';
export { runReferenceConformance, withReferenceKernels } from './references.js';
export { checkFloat32Rounding, ROUNDING_CAST_VALUES, ROUNDING_FILL_VALUES } from './rounding.js';
export { checkStorage } from './storage.js';
