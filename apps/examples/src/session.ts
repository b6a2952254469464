/**
 * What every data-set example does around `fit` (Node): a progress bar, the test set as the
 * validation data of each epoch, a checkpoint after every epoch that `--resume` continues from
 * (model, optimizer, scheduler, random generators and the history, so the resumed run draws the
 * same curve), and the loss and accuracy curves as an SVG.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Module } from '@nnet/layers';
import type { LRScheduler, Optimizer } from '@nnet/optim';
import { defaultGenerator, ValueError } from '@nnet/tensor';
import {
  Accuracy,
  type Callback,
  type DataLoader,
  type EpochLogs,
  evaluate,
  fit,
  type LossFn,
} from '@nnet/train';
import { loadCheckpoint, ModelCheckpoint, ProgressBar } from '@nnet/train/node';
import { curvesSvg } from './curves_svg.js';

/** The flags every data-set example takes. */
export interface ExampleOptions {
  seed?: number;
  epochs?: number;
  quiet?: boolean;
  /** Continue from `<outDir>/checkpoint.safetensors`. */
  resume?: boolean;
  /** Where the checkpoint, history.json and curves.svg go; nothing is written without it. */
  outDir?: string;
  /** How a path is shown in messages (the CLI: relative to where the user ran the command). */
  showPath?: (path: string) => string;
}

export interface TrainingPlan {
  title: string;
  model: Module;
  optimizer: Optimizer<object>;
  scheduler?: LRScheduler;
  /** When the scheduler steps (default 'epoch'). */
  schedulerInterval?: 'epoch' | 'batch';
  loss: LossFn;
  train: DataLoader;
  test: DataLoader;
  epochs: number;
}

export interface TrainingResult {
  /** Test accuracy after the last epoch. */
  accuracy: number;
  /** Every epoch's logs, the resumed-from run's included. */
  history: EpochLogs[];
  /** The epoch this run started at (0, or the one after the checkpoint's). */
  startEpoch: number;
}

export const checkpointPath = (outDir: string): string => join(outDir, 'checkpoint.safetensors');

export async function runTraining(plan: TrainingPlan, options: ExampleOptions): Promise<TrainingResult> {
  const { model, optimizer, scheduler, train, test, loss, epochs } = plan;
  const generators = { loader: train.generator, default: defaultGenerator };
  let history: EpochLogs[] = [];
  let startEpoch = 0;
  const outDir = options.outDir;
  const show = options.showPath ?? ((path: string) => path);
  if (options.resume) {
    if (!outDir) throw new ValueError('resume: there is no output folder to resume from; pass --out.');
    const path = checkpointPath(outDir);
    if (!existsSync(path))
      throw new ValueError(`resume: no checkpoint at ${show(path)}; run once without --resume to create it.`);
    const info = await loadCheckpoint(path, { model, optimizer, scheduler, generators });
    history = info.history;
    startEpoch = (info.epoch ?? -1) + 1;
    if (!options.quiet) console.log(`resumed from ${show(path)} after epoch ${startEpoch} of ${epochs}`);
  }
  const callbacks: Callback[] = options.quiet ? [] : [new ProgressBar({ epochs })];
  if (outDir) {
    await mkdir(outDir, { recursive: true });
    const checkpoint = new ModelCheckpoint({
      path: checkpointPath(outDir),
      optimizer,
      scheduler,
      generators,
      history,
      saveBestOnly: false,
    });
    callbacks.push(checkpoint);
  }
  const metrics = [new Accuracy()];
  const run: EpochLogs[] = [];
  // One epoch per fit call, so the curves are redrawn between epochs while the run goes on. The
  // checkpoint is written inside fit.
  for (let epoch = startEpoch; epoch < epochs; epoch++) {
    run.push(
      ...(await fit(model, train, {
        epochs: epoch + 1,
        initialEpoch: epoch,
        loss,
        optimizer,
        scheduler,
        schedulerInterval: plan.schedulerInterval,
        metrics,
        validation: test,
        callbacks,
      })),
    );
    if (outDir)
      await writeFile(join(outDir, 'curves.svg'), await curvesSvg(plan.title, [...history, ...run]));
  }
  history = [...history, ...run];
  if (outDir) await writeFile(join(outDir, 'history.json'), `${JSON.stringify(history, null, 2)}\n`);
  const last = run.at(-1);
  const accuracy = last ? last.val_accuracy : (await evaluate(model, test, { loss, metrics })).accuracy;
  if (!options.quiet && outDir)
    console.log(`wrote checkpoint.safetensors, curves.svg and history.json to ${show(outDir)}`);
  return { accuracy, history, startEpoch };
}
