/**
 * Reading a checkpoint back: loadCheckpoint (all or nothing, every target checked before any is
 * changed) and exportModelFromCheckpoint (the model part as a file PyTorch loads strictly).
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@nnet/layers/node';
import {
  decodeSafetensors,
  encodeSafetensorsAsync,
  fmtShape,
  shapesEqual,
  type Tensor,
  ValueError,
} from '@nnet/tensor';
import type { EpochLogs } from '../fit_types.js';
import type {
  CheckpointTargets,
  LoadedCheckpoint,
  OptimizerState,
  StatefulOptimizer,
} from './checkpoint_types.js';

interface CheckpointMeta {
  epoch: number | null;
  history?: EpochLogs[];
  extra: Record<string, unknown>;
  scheduler?: unknown;
  generators?: Record<string, (number | null)[]>;
  optimizer?: { groups: OptimizerState['groups']; numbers: Record<string, Record<string, number>> };
}

/** The checkpoint's tensors split into the model's and the optimizer's, and its metadata. */
function readCheckpoint(op: string, path: string, bytes: Uint8Array) {
  const { tensors, metadata } = decodeSafetensors(bytes);
  try {
    let meta: CheckpointMeta;
    try {
      meta = JSON.parse(metadata.nnet ?? '');
      if (typeof meta !== 'object' || meta === null) throw new Error('not an object');
    } catch {
      throw new ValueError(
        `${op}: ${path} is a safetensors file but not an nnet checkpoint (no 'nnet' metadata).`,
      );
    }
    const model: Record<string, Tensor> = {};
    const state: OptimizerState['state'] = {};
    for (const [name, t] of Object.entries(tensors)) {
      const optim = /^optim\.(\d+)\.([^.]+)$/.exec(name);
      if (name.startsWith('model.')) model[name.slice(6)] = t;
      else if (optim) {
        const slot = state[Number(optim[1])] ?? {};
        slot[optim[2]] = t;
        state[Number(optim[1])] = slot;
      } else
        throw new ValueError(
          `${op}: ${path} holds a tensor '${name}' that is neither model.* nor optim.<i>.<key>.`,
        );
    }
    return { tensors, meta, model, state };
  } catch (err) {
    for (const t of Object.values(tensors)) t.dispose();
    throw err;
  }
}

/**
 * Loads a checkpoint into `model` (strict) and the optional optimizer, scheduler and generators;
 * returns the saved epoch, history and extra data. All or nothing: the model's state dict, the
 * optimizer's groups and state shapes, the scheduler's and generators' presence are all checked
 * before anything is changed, and if the optimizer or scheduler still rejects its state, both are
 * restored; after an error every target is as it was.
 * @example
 * ```ts
 * const model = new Linear(4, 2);
 * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * await saveCheckpoint('ckpt.safetensors', { model, optimizer, epoch: 4 });
 * const { epoch } = await loadCheckpoint('ckpt.safetensors', { model, optimizer });
 * epoch; // 4
 * ```
 */
export async function loadCheckpoint(path: string, into: CheckpointTargets): Promise<LoadedCheckpoint> {
  if (!into || typeof into !== 'object' || !into.model)
    throw new ValueError(
      'loadCheckpoint: pass the targets as { model, optimizer?, scheduler?, generators? }.',
    );
  const op = 'loadCheckpoint';
  const { tensors, meta, model, state } = readCheckpoint(op, path, new Uint8Array(await readFile(path)));
  try {
    // 1. Check everything.
    into.model.checkStateDict(model);
    if (into.optimizer) {
      if (!meta.optimizer)
        throw new ValueError(`${op}: ${path} holds no optimizer state; load without an optimizer.`);
      checkOptimizerState(op, into.optimizer, meta.optimizer.groups, state);
    }
    if (into.scheduler && meta.scheduler === undefined)
      throw new ValueError(`${op}: ${path} holds no scheduler state; load without a scheduler.`);
    const generatorStates = Object.keys(into.generators ?? {}).map((name) => {
      const saved = meta.generators?.[name];
      if (!Array.isArray(saved) || saved.length !== 5)
        throw new ValueError(
          `${op}: ${path} holds no state for the generator '${name}' (has: ${Object.keys(meta.generators ?? {}).join(', ') || 'none'}).`,
        );
      return [name, saved.map((v) => v ?? Number.NaN)] as const;
    });
    // 2. Apply. The optimizer and scheduler may still refuse (their own checks): then both are
    // restored, the scheduler first (its loadStateDict sets the optimizer's learning rates).
    if (into.optimizer) {
      for (const [i, nums] of Object.entries(meta.optimizer!.numbers)) {
        state[Number(i)] = { ...(state[Number(i)] ?? {}), ...nums };
      }
    }
    const optimizerBefore = into.optimizer?.stateDict();
    const schedulerBefore = into.scheduler?.stateDict();
    try {
      into.optimizer?.loadStateDict({ state, groups: meta.optimizer!.groups });
      into.scheduler?.loadStateDict(meta.scheduler as never);
    } catch (err) {
      into.scheduler?.loadStateDict(schedulerBefore as never);
      if (optimizerBefore) into.optimizer!.loadStateDict(optimizerBefore);
      throw err;
    } finally {
      for (const st of Object.values(optimizerBefore?.state ?? {}))
        for (const v of Object.values(st)) if (typeof v !== 'number') v.dispose();
    }
    for (const [name, s] of generatorStates) into.generators![name].setState(s);
    into.model.loadStateDict(model);
    return { epoch: meta.epoch, history: meta.history ?? [], extra: meta.extra };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

/**
 * The optimizer's own groups against the saved ones: the same number of groups and parameters,
 * and every saved state tensor of its parameter's shape (every nnet optimizer's state is). Checked
 * only when the optimizer exposes `paramGroups` (all of @nnet/optim's do).
 */
function checkOptimizerState(
  op: string,
  optimizer: StatefulOptimizer,
  groups: OptimizerState['groups'],
  state: OptimizerState['state'],
): void {
  const own = (optimizer as { paramGroups?: { params: Tensor[] }[] }).paramGroups;
  if (!Array.isArray(groups)) throw new ValueError(`${op}: the checkpoint's optimizer groups are malformed.`);
  if (!own) return;
  if (own.length !== groups.length)
    throw new ValueError(
      `${op}: the checkpoint's optimizer has ${groups.length} parameter groups, this one ${own.length}.`,
    );
  const params: Tensor[] = [];
  const problems: string[] = [];
  groups.forEach((g, gi) => {
    if (g.params.length !== own[gi].params.length)
      problems.push(
        `group ${gi} has ${g.params.length} parameters in the checkpoint, ${own[gi].params.length} here`,
      );
    else g.params.forEach((index, j) => (params[index] = own[gi].params[j]));
  });
  for (const [i, st] of Object.entries(state)) {
    const p = params[Number(i)];
    if (!p) {
      if (!problems.length) problems.push(`state for parameter ${i}, which no group lists`);
      continue;
    }
    for (const [k, t] of Object.entries(st))
      if (typeof t !== 'number' && !shapesEqual(t.shape, p.shape))
        problems.push(
          `'${k}' of parameter ${i} has shape ${fmtShape(t.shape)}, the parameter ${fmtShape(p.shape)}`,
        );
  }
  if (problems.length)
    throw new ValueError(
      `${op}: the optimizer state does not fit this optimizer: ${problems.join('; ')}. Nothing was loaded.`,
    );
}

/**
 * Writes the model part of a checkpoint as a safetensors file PyTorch loads with
 * `model.load_state_dict(safetensors.torch.load_file(outPath), strict=True)`: PyTorch's names
 * (without the `model.` prefix), counts as I64, metadata `format: 'pt'`; floats as F32 (default),
 * F16 or BF16. Written atomically; the checkpoint is not changed.
 * @example
 *   await exportModelFromCheckpoint('runs/best.safetensors', 'model.safetensors');
 */
export async function exportModelFromCheckpoint(
  checkpointPath: string,
  outPath: string,
  options: { dtype?: 'F32' | 'F16' | 'BF16' } = {},
): Promise<void> {
  const op = 'exportModelFromCheckpoint';
  for (const [name, p] of [
    ['checkpointPath', checkpointPath],
    ['outPath', outPath],
  ] as const)
    if (typeof p !== 'string' || p === '')
      throw new ValueError(`${op}: ${name} must be a non-empty string, got ${JSON.stringify(p)}.`);
  const { tensors, model } = readCheckpoint(
    op,
    checkpointPath,
    new Uint8Array(await readFile(checkpointPath)),
  );
  try {
    const bytes = await encodeSafetensorsAsync(model, {
      floatDtype: options.dtype ?? 'F32',
      intDtype: 'I64',
      metadata: { format: 'pt' },
    });
    await writeFileAtomic(outPath, bytes);
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
