/**
 * Checkpoints on disk (Node): a model's state dict and, optionally, an optimizer's state and the
 * epoch, in one safetensors file. The model's tensors are stored as `model.<PyTorch name>` (counts
 * as I64), the optimizer's as `optim.<index>.<key>`, the rest as JSON in the `nnet` metadata.
 * A save writes a temporary file and renames it over the target (see @nnet/layers/node's
 * writeFileAtomic), so an interrupted save never leaves a half-written checkpoint.
 * `exportModelFromCheckpoint` writes the model part as a file PyTorch loads strictly.
 */
import { readFile } from 'node:fs/promises';
import type { Module } from '@nnet/layers';
import { writeFileAtomic, writeFileAtomicSync } from '@nnet/layers/node';
import {
  decodeSafetensors,
  encodeSafetensors,
  encodeSafetensorsAsync,
  fmtShape,
  type Generator,
  shapesEqual,
  type Tensor,
  ValueError,
} from '@nnet/tensor';
import type { Callback, EpochLogs, FitContext } from '../fit.js';

export { writeFileAtomic, writeFileAtomicSync };

/**
 * What an optimizer's stateDict() / loadStateDict() exchange (see @nnet/optim).
 * @inline
 */
interface OptimizerState {
  /** Each parameter's state (moments, step count), by the parameter's index over all groups. */
  state: Record<number, Record<string, Tensor | number>>;
  /** Each group's options and the indices of its parameters. */
  groups: {
    /** The group's options (lr, momentum, ...). */
    options: unknown;
    /** The indices of the group's parameters. */
    params: number[];
  }[];
}
/**
 * An optimizer whose state a checkpoint saves and restores (every @nnet/optim optimizer).
 * @inline
 */
interface StatefulOptimizer {
  /** The optimizer's state: per-parameter tensors and numbers, and the groups. */
  stateDict(): OptimizerState;
  /** Restores a state from `stateDict()`. */
  loadStateDict(dict: OptimizerState): void;
}

/**
 * A learning-rate scheduler whose state (plain JSON) a checkpoint saves and restores (see
 * @nnet/optim's LRScheduler).
 * @inline
 */
interface StatefulScheduler {
  /** The scheduler's state, as plain JSON. */
  stateDict(): unknown;
  /** Restores a state from `stateDict()`. */
  loadStateDict(state: never): void;
}

/**
 * What a checkpoint holds. For a resume that continues the same curve bit for bit, save the
 * scheduler and every generator training draws from (the DataLoader's shuffle generator and the
 * default generator that dropout uses), and the history so far.
 *
 * @example
 * ```ts
 * await saveCheckpoint('ckpt.safetensors', {
 *   model, optimizer, scheduler, epoch: 4, history,
 *   generators: { loader: loader.generator, default: defaultGenerator },
 * });
 * ```
 */
export interface CheckpointContents {
  /** The model; its state dict is saved under PyTorch's names, prefixed `model.`. */
  model: Module;
  /** The optimizer, whose state (moments, step counts) is saved as `optim.<index>.<key>`. */
  optimizer?: StatefulOptimizer;
  /** The learning-rate scheduler, whose state is saved as JSON. */
  scheduler?: StatefulScheduler;
  /** Random generators by name; their states are saved and restored by the same names. */
  generators?: Record<string, Generator>;
  /** The epoch just finished. */
  epoch?: number;
  /** The per-epoch logs so far (fit's history), so a resumed run can draw the whole curve. */
  history?: EpochLogs[];
  /** Anything else to keep, as JSON (e.g. the run's configuration). */
  extra?: Record<string, unknown>;
}

/**
 * What loadCheckpoint restores into; every part is optional but the model.
 *
 * @example
 * ```ts
 * await loadCheckpoint('ckpt.safetensors', { model, optimizer, generators: { loader: loader.generator } });
 * ```
 */
export interface CheckpointTargets {
  /** Loaded strictly: every parameter and buffer, of the same shapes. */
  model: Module;
  /** Loaded when given; the checkpoint must hold an optimizer state that fits it. */
  optimizer?: StatefulOptimizer;
  /** Loaded when given; the checkpoint must hold a scheduler state. */
  scheduler?: StatefulScheduler;
  /** Generators to restore, by the names they were saved under. */
  generators?: Record<string, Generator>;
}

/**
 * What {@link loadCheckpoint} resolves to besides the restored targets.
 *
 * @example
 * ```ts
 * const { epoch, history } = await loadCheckpoint('ckpt.safetensors', { model, optimizer });
 * await fit(model, loader, { epochs: 10, initialEpoch: (epoch ?? -1) + 1, loss, optimizer });
 * ```
 */
export interface LoadedCheckpoint {
  /** The epoch saved (the last one finished), or null when none was. */
  epoch: number | null;
  /** The per-epoch logs saved (empty when none were). */
  history: EpochLogs[];
  /** The `extra` data saved (empty when none was). */
  extra: Record<string, unknown>;
}

/**
 * Saves a checkpoint. The state is captured when this is called (every read is issued before the
 * first await), and it reads asynchronously, so it works on every backend.
 */
export async function saveCheckpoint(path: string, what: CheckpointContents): Promise<void> {
  await writeFileAtomic(path, await encodeCheckpointAsync(what));
}

/**
 * The checkpoint's bytes: the model's state dict, the optimizer's state and the epoch. Reads
 * synchronously (cpu, wasm); `encodeCheckpointAsync` works on every backend.
 */
export function encodeCheckpoint(what: CheckpointContents): Uint8Array {
  const { tensors, meta, owned } = checkpointParts(what);
  try {
    return encodeSafetensors(tensors, { intDtype: 'I64', metadata: { nnet: JSON.stringify(meta) } });
  } finally {
    for (const t of owned) t.dispose();
  }
}

/** `encodeCheckpoint` reading asynchronously (the state is captured when called). */
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
 *   const { epoch } = await loadCheckpoint('ckpt.safetensors', { model, optimizer });
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

/**
 * Saves a checkpoint after each epoch whose monitored value improved (or every epoch with
 * `saveBestOnly: false`). `fit` awaits the save before the next epoch starts, so a run killed
 * mid-training can resume from the last epoch; reads are asynchronous (every backend).
 *
 * @example
 * ```ts
 * const ckpt = new ModelCheckpoint({ path: 'best.safetensors', optimizer, monitor: 'val_loss' });
 * await fit(model, loader, { epochs: 20, loss, optimizer, validation: valLoader, callbacks: [ckpt] });
 * ```
 */
export class ModelCheckpoint implements Callback {
  private best: number;
  private readonly history: EpochLogs[];

  /** @param options Where to save, what to save besides the model, and when. */
  constructor(
    /** Where to save, what to save besides the model, and when. */
    readonly options: {
      /** The checkpoint file, replaced atomically at each save. */
      path: string;
      /** Saved with the model when given. */
      optimizer?: StatefulOptimizer;
      /** Saved with the model when given. */
      scheduler?: StatefulScheduler;
      /** Generators whose states are saved, by name (see {@link CheckpointContents.generators}). */
      generators?: Record<string, Generator>;
      /** Logs of earlier epochs (a resumed run's), kept in front of this run's in every save. */
      history?: EpochLogs[];
      /** The logs' key to watch (default `'val_loss'`, or `'loss'` when the logs lack it). */
      monitor?: string;
      /** `'min'` (default): lower is better; `'max'`: higher is better. */
      mode?: 'min' | 'max';
      /** Save only when the monitored value improved (default true); false saves every epoch. */
      saveBestOnly?: boolean;
    },
  ) {
    this.history = [...(options.history ?? [])];
    this.best = (options.mode ?? 'min') === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** Saves the model (and the rest) when the monitored value improved, or always without saveBestOnly. */
  async onEpochEnd(logs: EpochLogs, context: FitContext): Promise<void> {
    this.history.push({ ...logs });
    const key = this.options.monitor ?? 'val_loss';
    const value = logs[key] ?? logs.loss;
    const better = (this.options.mode ?? 'min') === 'min' ? value < this.best : value > this.best;
    if (this.options.saveBestOnly === false || better) {
      if (better) this.best = value;
      await writeFileAtomic(
        this.options.path,
        await encodeCheckpointAsync({
          model: context.model,
          optimizer: this.options.optimizer,
          scheduler: this.options.scheduler,
          generators: this.options.generators,
          epoch: logs.epoch,
          history: this.history,
        }),
      );
    }
  }
}
