/** Messages between the page (main.ts) and the training worker (trainer.ts). */
import type { EpochLogs } from '@nnet/train';

/**
 * 'auto': webgpu on a hardware adapter, else wasm (SIMD), else cpu. 'webgpu' also accepts a
 * software adapter (SwiftShader, lavapipe): slow, for tests.
 */
export type BackendChoice = 'auto' | 'webgpu' | 'wasm' | 'cpu';

export type ToTrainer =
  | { type: 'init'; backend: BackendChoice }
  | { type: 'train'; epochs: number; seed: number }
  | { type: 'stop' }
  | { type: 'predict'; pixels: Float32Array };

export type FromTrainer =
  | {
      type: 'ready';
      backend: string;
      /** The WebGPU adapter's vendor/architecture/description (null on another backend). */
      adapter: string | null;
      threads: number;
      simd: boolean;
      isolated: boolean;
      trainSize: number;
      testSize: number;
    }
  | { type: 'progress'; epoch: number; epochs: number; batch: number; batches: number }
  | { type: 'epoch'; logs: EpochLogs }
  | { type: 'done'; accuracy: number; seconds: number; stopped: boolean }
  | { type: 'prediction'; probabilities: number[] }
  | { type: 'error'; message: string };
