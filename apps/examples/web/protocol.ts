/** Messages between the page (main.ts) and the training worker (trainer.ts). */
import type { EpochLogs } from '@nnet/train';

export type BackendChoice = 'auto' | 'wasm' | 'cpu';

export type ToTrainer =
  | { type: 'init'; backend: BackendChoice }
  | { type: 'train'; epochs: number; seed: number }
  | { type: 'stop' }
  | { type: 'predict'; pixels: Float32Array };

export type FromTrainer =
  | {
      type: 'ready';
      backend: string;
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
