/**
 * `nnet/node`: what needs Node's file system or terminal — safetensors checkpoints
 * (`saveCheckpoint`, `loadCheckpoint`, the `ModelCheckpoint` callback) and the `ProgressBar`
 * callback — re-exported from `@nnet/train/node`.
 *
 * @example
 * ```ts
 * import { ModelCheckpoint, ProgressBar } from 'nnet/node';
 * ```
 * @module
 */
export * from '@nnet/train/node';
