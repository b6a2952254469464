/// <reference types="node" />
/**
 * One-call safetensors files for a module (Node): the file is the module's state dict with
 * PyTorch's names, so `model.load_state_dict(safetensors.torch.load_file(path))` in PyTorch loads
 * what `saveSafetensors` wrote, strictly, and `loadSafetensors` reads what PyTorch saved.
 */
import { readFile } from 'node:fs/promises';
import { decodeSafetensors, encodeSafetensorsAsync, ValueError } from '@nnet/tensor';
import { Module } from '../module.js';
import type { LoadStateDictResult } from '../state_dict.js';
import { writeFileAtomic } from './atomic.js';

/** Options of `saveSafetensors`. */
export interface SaveSafetensorsOptions {
  /** How float32 values are stored: 'F32' (default, exact), 'F16' or 'BF16' (rounded to nearest even; out of range → ±Inf). */
  dtype?: 'F32' | 'F16' | 'BF16';
  /** String metadata; `format: 'pt'` is added unless given (Hugging Face loaders expect it). */
  metadata?: Record<string, string>;
}

function checkModule(op: string, model: unknown, path: unknown): void {
  if (!(model instanceof Module))
    throw new ValueError(`${op}: the first argument must be a Module (the model).`);
  if (typeof path !== 'string' || path === '')
    throw new ValueError(`${op}: path must be a non-empty string, got ${JSON.stringify(path)}.`);
}

/**
 * Writes `model.stateDict()` to a safetensors file, atomically. Integer buffers (BatchNorm's
 * `num_batches_tracked`) are written as I64, as PyTorch keeps them.
 * @example
 * ```ts
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * await saveSafetensors(model, 'model.safetensors');                  // F32
 * await saveSafetensors(model, 'model-f16.safetensors', { dtype: 'F16' });
 * ```
 */
export async function saveSafetensors(
  model: Module,
  path: string,
  options: SaveSafetensorsOptions = {},
): Promise<void> {
  checkModule('saveSafetensors', model, path);
  const bytes = await encodeSafetensorsAsync(model.stateDict(), {
    floatDtype: options.dtype ?? 'F32',
    intDtype: 'I64',
    metadata: { format: 'pt', ...options.metadata },
  });
  await writeFileAtomic(path, bytes);
}

/**
 * Loads a safetensors file (from PyTorch or nnet; any dtype `decodeSafetensors` reads) into
 * `model`: all or nothing, strict by default (see `Module.loadStateDict`).
 * Returns the keys that did not match (non-strict) and the file's metadata.
 * @example
 * ```ts
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * await saveSafetensors(model, 'model.safetensors');
 * await loadSafetensors(model, 'model.safetensors');
 * await saveSafetensors(new Linear(4, 8), 'backbone.safetensors'); // keys 'weight', 'bias'
 * const { missingKeys } = await loadSafetensors(model, 'backbone.safetensors', { strict: false });
 * missingKeys.length; // 4: none of the model's keys is in that file
 * ```
 */
export async function loadSafetensors(
  model: Module,
  path: string,
  options: { strict?: boolean } = {},
): Promise<
  LoadStateDictResult & {
    /** The file header's `__metadata__` strings ({} when absent). */
    metadata: Record<string, string>;
  }
> {
  checkModule('loadSafetensors', model, path);
  const { tensors, metadata } = decodeSafetensors(new Uint8Array(await readFile(path)));
  try {
    return { ...model.loadStateDict(tensors, options), metadata };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
