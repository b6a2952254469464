export {
  encodeCheckpoint,
  loadCheckpoint,
  ModelCheckpoint,
  saveCheckpoint,
  writeFileAtomic,
} from './checkpoint.js';
export { ProgressBar, type ProgressOptions } from './progress.js';
