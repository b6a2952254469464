/**
 * Encoding a checkpoint: the model's state dict as `model.<name>` (counts as I64), the optimizer's
 * tensors as `optim.<index>.<key>`, the rest as JSON in the `nnet` metadata.
 */
import { writeFileAtomic } from '@nnet/layers/node';
import { encodeSafetensors, encodeSafetensorsAsync, type Tensor } from '@nnet/tensor';
import type { CheckpointContents } from './checkpoint_types.js';

/**
 * Saves a checkpoint. The state is captured when this is called (every read is issued before the
 * first await), and it reads asynchronously, so it works on every backend.
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * await saveCheckpoint('ckpt.safetensors', { model, optimizer, epoch: 4 });
 * ```
 */
export async function saveCheckpoint(path: string, what: CheckpointContents): Promise<void> {
  await writeFileAtomic(path, await encodeCheckpointAsync(what));
}

/**
 * The checkpoint's bytes: the model's state dict, the optimizer's state and the epoch. Reads
 * synchronously (cpu, wasm); `encodeCheckpointAsync` works on every backend.
 *
 * ```ts
 * const bytes = encodeCheckpoint({ model: new Linear(4, 2), epoch: 3 }); // a safetensors Uint8Array
 * ```
 */
export function encodeCheckpoint(what: CheckpointContents): Uint8Array {
  const { tensors, meta, owned } = checkpointParts(what);
  try {
    return encodeSafetensors(tensors, { intDtype: 'I64', metadata: { nnet: JSON.stringify(meta) } });
  } finally {
    for (const t of owned) t.dispose();
  }
}

/**
 * `encodeCheckpoint` reading asynchronously (the state is captured when called).
 *
 * ```ts
 * const model = new Linear(4, 2);
 * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * const bytes = await encodeCheckpointAsync({ model, optimizer, epoch: 3 }); // a safetensors Uint8Array
 * bytes instanceof Uint8Array; // true
 * ```
 */
export async function encodeCheckpointAsync(what: CheckpointContents): Promise<Uint8Array> {
  const { tensors, meta, owned } = checkpointParts(what);
  try {
    return await encodeSafetensorsAsync(tensors, {
      intDtype: 'I64',
      metadata: { nnet: JSON.stringify(meta) },
    });
  } finally {
    for (const t of owned) t.dispose();
  }
}

/** The named tensors and metadata of a checkpoint; `owned` are copies the caller frees. */
function checkpointParts(what: CheckpointContents): {
  tensors: Record<string, Tensor>;
  meta: Record<string, unknown>;
  owned: Tensor[];
} {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(what.model.stateDict())) tensors[`model.${k}`] = t;
  const meta: Record<string, unknown> = {
    epoch: what.epoch ?? null,
    history: what.history ?? [],
    extra: what.extra ?? {},
  };
  if (what.scheduler) meta.scheduler = what.scheduler.stateDict();
  if (what.generators) {
    meta.generators = Object.fromEntries(
      // NaN (no spare normal) is not JSON: store it as null.
      Object.entries(what.generators).map(([k, g]) => [
        k,
        g.getState().map((v) => (Number.isNaN(v) ? null : v)),
      ]),
    );
  }
  const owned: Tensor[] = [];
  if (what.optimizer) {
    const sd = what.optimizer.stateDict();
    const numbers: Record<string, Record<string, number>> = {};
    for (const [i, st] of Object.entries(sd.state)) {
      for (const [k, v] of Object.entries(st)) {
        if (typeof v === 'number') {
          numbers[i] = numbers[i] ?? {};
          numbers[i][k] = v;
        } else {
          tensors[`optim.${i}.${k}`] = v;
          owned.push(v);
        }
      }
    }
    meta.optimizer = { groups: sd.groups, numbers };
  }
  return { tensors, meta, owned };
}
