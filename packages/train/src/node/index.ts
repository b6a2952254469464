export {
  type CheckpointContents,
  type CheckpointTargets,
  encodeCheckpoint,
  exportModelFromCheckpoint,
  type LoadedCheckpoint,
  loadCheckpoint,
  ModelCheckpoint,
  saveCheckpoint,
  writeFileAtomic,
  writeFileAtomicSync,
} from './checkpoint.js';
export { ProgressBar, type ProgressOptions } from './progress.js';
