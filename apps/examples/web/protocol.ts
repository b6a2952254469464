/**
 * Messages between the page (main.ts, charlm_demo.ts) and its workers: the digits trainer
 * (trainer.ts) and the character-level GPT (charlm_worker.ts).
 */
import type { EpochLogs } from '@nnet/train';

/**
 * 'auto': webgpu on a hardware adapter, else wasm (SIMD), else cpu. 'webgpu' also accepts a
 * software adapter (SwiftShader, lavapipe): slow, for tests.
 */
export type BackendChoice = 'auto' | 'webgpu' | 'wasm' | 'cpu';

/** The backend a worker runs on (its status line). */
export interface BackendInfo {
  backend: string;
  /** The WebGPU adapter's vendor/architecture/description (null on another backend). */
  adapter: string | null;
  threads: number;
  simd: boolean;
  isolated: boolean;
}

export type ToTrainer =
  | { type: 'init'; backend: BackendChoice }
  | { type: 'train'; epochs: number; seed: number }
  | { type: 'stop' }
  | { type: 'predict'; pixels: Float32Array };

export type FromTrainer =
  | ({ type: 'ready'; trainSize: number; testSize: number } & BackendInfo)
  | { type: 'progress'; epoch: number; epochs: number; batch: number; batches: number }
  | { type: 'epoch'; logs: EpochLogs }
  | { type: 'done'; accuracy: number; seconds: number; stopped: boolean }
  | { type: 'prediction'; probabilities: number[] }
  | { type: 'error'; message: string };

/** The char model's sizes on the page: 'small' for a quick look (and the browser test). */
export type CharLmSize = 'small' | 'default';

export type ToCharLm =
  | { type: 'init'; backend: BackendChoice }
  /** A fresh model: `steps` steps, a report and a streamed sample every `every` steps. */
  | { type: 'start'; size: CharLmSize; steps: number; every: number; seed: number }
  /** Pause after the current step (or sample chunk); `resume` continues the same run. */
  | { type: 'stop' }
  | { type: 'resume' };

export type FromCharLm =
  | ({
      type: 'ready';
      /** Characters of the bundled slice, of the whole book, and in the vocabulary. */
      corpusChars: number;
      bookChars: number;
      vocabularySize: number;
    } & BackendInfo)
  | {
      type: 'started';
      steps: number;
      every: number;
      parameters: number;
      description: string;
    }
  /** Training progress, at most every ~100 ms. */
  | { type: 'step'; step: number; steps: number }
  /** Every `every` steps: the mean training loss since the last report and the validation loss (nats/char). */
  | { type: 'report'; step: number; trainLoss: number; valLoss: number; seconds: number }
  /** A piece of the sample of the model at `step`; `end` on its last piece. */
  | { type: 'sample'; step: number; text: string; end: boolean }
  | { type: 'paused'; step: number }
  | { type: 'done'; step: number; seconds: number }
  | { type: 'error'; message: string };
