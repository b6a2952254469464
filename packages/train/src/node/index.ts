export {
  type CheckpointContents,
  type CheckpointTargets,
  encodeCheckpoint,
  encodeCheckpointAsync,
  exportModelFromCheckpoint,
  type LoadedCheckpoint,
  loadCheckpoint,
  ModelCheckpoint,
  saveCheckpoint,
  writeFileAtomic,
  writeFileAtomicSync,
} from './checkpoint.js';
export { ProgressBar, type ProgressOptions } from './progress.js';
