export {
  type CheckpointContents,
  type CheckpointTargets,
  encodeCheckpoint,
  type LoadedCheckpoint,
  loadCheckpoint,
  ModelCheckpoint,
  saveCheckpoint,
  writeFileAtomic,
  writeFileAtomicSync,
} from './checkpoint.js';
export { ProgressBar, type ProgressOptions } from './progress.js';
