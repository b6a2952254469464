/**
 * Checkpoints on disk (Node): a model's state dict and, optionally, an optimizer's state and the
 * epoch, in one safetensors file. A save writes a temporary file and renames it over the target,
 * so an interrupted save never leaves a half-written checkpoint.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Module } from '@nnet/layers';
import { decodeSafetensors, encodeSafetensors, type Generator, type Tensor, ValueError } from '@nnet/tensor';
import type { Callback, EpochLogs, FitContext } from '../fit.js';

/** What an optimizer's stateDict() / loadStateDict() exchange (see @nnet/optim). */
interface OptimizerState {
  state: Record<number, Record<string, Tensor | number>>;
  groups: { options: unknown; params: number[] }[];
}
interface StatefulOptimizer {
  stateDict(): OptimizerState;
  loadStateDict(dict: OptimizerState): void;
}

/** Writes `bytes` to `path` atomically (temporary file in the same folder, then rename). */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** A learning-rate scheduler's state (see @nnet/optim's LRScheduler): plain JSON. */
interface StatefulScheduler {
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

/**
 * What a checkpoint holds. For a resume that continues the same curve bit for bit, save the
 * scheduler and every generator training draws from (the DataLoader's shuffle generator and the
 * default generator that dropout uses), and the history so far.
 */
export interface CheckpointContents {
  model: Module;
  optimizer?: StatefulOptimizer;
  scheduler?: StatefulScheduler;
  /** Random generators by name; their states are saved and restored by the same names. */
  generators?: Record<string, Generator>;
  /** The epoch just finished. */
  epoch?: number;
  /** The per-epoch logs so far (fit's history), so a resumed run can draw the whole curve. */
  history?: EpochLogs[];
  extra?: Record<string, unknown>;
}

/** What loadCheckpoint restores into; every part is optional but the model. */
export interface CheckpointTargets {
  model: Module;
  optimizer?: StatefulOptimizer;
  scheduler?: StatefulScheduler;
  generators?: Record<string, Generator>;
}

export interface LoadedCheckpoint {
  epoch: number | null;
  history: EpochLogs[];
  extra: Record<string, unknown>;
}

/** writeFileAtomic's synchronous form (for callbacks of the synchronous fit). */
export function writeFileAtomicSync(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Saves a checkpoint (the state is captured synchronously, before the first await). */
export async function saveCheckpoint(path: string, what: CheckpointContents): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(what));
}

/** The checkpoint's bytes: the model's state dict, the optimizer's state and the epoch. */
export function encodeCheckpoint(what: CheckpointContents): Uint8Array {
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
  try {
    return encodeSafetensors(tensors, { metadata: { nnet: JSON.stringify(meta) } });
  } finally {
    for (const t of owned) t.dispose();
  }
}

/** Loads a checkpoint into `model` (strict) and `optimizer`; returns the saved epoch and extra data. */
export async function loadCheckpoint(path: string, into: CheckpointTargets): Promise<LoadedCheckpoint> {
  const { tensors, metadata } = decodeSafetensors(new Uint8Array(await readFile(path)));
  try {
    let meta: {
      epoch: number | null;
      history?: EpochLogs[];
      extra: Record<string, unknown>;
      scheduler?: unknown;
      generators?: Record<string, (number | null)[]>;
      optimizer?: { groups: OptimizerState['groups']; numbers: Record<string, Record<string, number>> };
    };
    try {
      meta = JSON.parse(metadata.nnet ?? '');
    } catch {
      throw new ValueError(
        `loadCheckpoint: ${path} is a safetensors file but not an nnet checkpoint (no 'nnet' metadata).`,
      );
    }
    const model: Record<string, Tensor> = {};
    const state: OptimizerState['state'] = {};
    for (const [name, t] of Object.entries(tensors)) {
      if (name.startsWith('model.')) model[name.slice(6)] = t;
      else if (name.startsWith('optim.')) {
        const [, i, key] = name.split('.');
        const slot = state[Number(i)] ?? {};
        slot[key] = t;
        state[Number(i)] = slot;
      }
    }
    into.model.loadStateDict(model);
    if (into.optimizer) {
      if (!meta.optimizer) throw new ValueError(`loadCheckpoint: ${path} holds no optimizer state.`);
      for (const [i, nums] of Object.entries(meta.optimizer.numbers)) {
        state[Number(i)] = { ...(state[Number(i)] ?? {}), ...nums };
      }
      into.optimizer.loadStateDict({ state, groups: meta.optimizer.groups });
    }
    if (into.scheduler) {
      if (meta.scheduler === undefined)
        throw new ValueError(`loadCheckpoint: ${path} holds no scheduler state; load without a scheduler.`);
      into.scheduler.loadStateDict(meta.scheduler as never);
    }
    for (const [name, g] of Object.entries(into.generators ?? {})) {
      const saved = meta.generators?.[name];
      if (!saved)
        throw new ValueError(
          `loadCheckpoint: ${path} holds no state for the generator '${name}' (has: ${Object.keys(meta.generators ?? {}).join(', ') || 'none'}).`,
        );
      g.setState(saved.map((v) => v ?? Number.NaN));
    }
    return { epoch: meta.epoch, history: meta.history ?? [], extra: meta.extra };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

/**
 * Saves a checkpoint after each epoch whose monitored value improved (or every epoch with
 * `saveBestOnly: false`). The file is written before the next epoch starts (synchronously: fit
 * never yields to the event loop), so a run killed mid-training can resume from the last epoch.
 */
export class ModelCheckpoint implements Callback {
  private best: number;
  private readonly history: EpochLogs[];

  constructor(
    readonly options: {
      path: string;
      optimizer?: StatefulOptimizer;
      scheduler?: StatefulScheduler;
      generators?: Record<string, Generator>;
      /** Logs of earlier epochs (a resumed run's), kept in front of this run's in every save. */
      history?: EpochLogs[];
      monitor?: string;
      mode?: 'min' | 'max';
      saveBestOnly?: boolean;
    },
  ) {
    this.history = [...(options.history ?? [])];
    this.best = (options.mode ?? 'min') === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  onEpochEnd(logs: EpochLogs, context: FitContext): void {
    this.history.push({ ...logs });
    const key = this.options.monitor ?? 'val_loss';
    const value = logs[key] ?? logs.loss;
    const better = (this.options.mode ?? 'min') === 'min' ? value < this.best : value > this.best;
    if (this.options.saveBestOnly === false || better) {
      if (better) this.best = value;
      writeFileAtomicSync(
        this.options.path,
        encodeCheckpoint({
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
