/**
 * The page's second demo: starts the char model's worker (charlm_worker.ts) on the first Start,
 * and shows what it posts as it arrives: progress, a table row per report (training and validation
 * loss, bits per character) and the samples, newest first, growing a few characters at a time.
 * The section's data-state says where the run is: idle, loading, training, stopping, paused, done
 * or error.
 */
import type { BackendChoice, CharLmSize, FromCharLm, ToCharLm } from './protocol.js';
import { showBackend } from './status.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const section = $('charlm');
const sizeSelect = $<HTMLSelectElement>('lm-size');
const stepsInput = $<HTMLInputElement>('lm-steps');
const everyInput = $<HTMLInputElement>('lm-every');
const startButton = $<HTMLButtonElement>('lm-start');
const stopButton = $<HTMLButtonElement>('lm-stop');
const resumeButton = $<HTMLButtonElement>('lm-resume');
const status = $('lm-status');
const progress = $<HTMLProgressElement>('lm-progress');
const progressLabel = $('lm-progress-label');
const reports = $<HTMLTableElement>('lm-reports').tBodies[0];
const samples = $('lm-samples');

type State = 'idle' | 'loading' | 'training' | 'stopping' | 'paused' | 'done' | 'error';
function setState(state: State): void {
  section.dataset.state = state;
  const busy = state === 'loading' || state === 'training' || state === 'stopping';
  startButton.disabled = busy;
  stopButton.disabled = state !== 'training';
  resumeButton.disabled = state !== 'paused';
  for (const input of [sizeSelect, stepsInput, everyInput]) input.disabled = busy;
}

let worker: Worker | null = null;
const send = (m: ToCharLm) => worker?.postMessage(m);
/** The start asked for before the worker was ready. */
let pending: ToCharLm | null = null;
let description = '';

/** The worker, made on the first Start (so the digits demo loads without it). */
function ensureWorker(): void {
  if (worker) return;
  worker = new Worker(new URL('./charlm_worker.ts', import.meta.url), { type: 'module' });
  worker.addEventListener('message', (event: MessageEvent<FromCharLm>) => onMessage(event.data));
  const choice = new URLSearchParams(location.search).get('backend');
  send({
    type: 'init',
    backend: (['webgpu', 'wasm', 'cpu'].includes(choice ?? '') ? choice : 'auto') as BackendChoice,
  });
}

const positiveInt = (input: HTMLInputElement) => {
  const n = Number(input.value);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : null;
};

startButton.addEventListener('click', () => {
  const steps = positiveInt(stepsInput);
  const every = positiveInt(everyInput);
  if (steps === null || every === null) {
    progressLabel.textContent = 'Steps and "report every" must be whole numbers from 1 to 100,000.';
    return;
  }
  reports.replaceChildren();
  samples.replaceChildren();
  progress.value = 0;
  const start: ToCharLm = { type: 'start', size: sizeSelect.value as CharLmSize, steps, every, seed: 0 };
  if (worker && section.dataset.ready === 'true') {
    setState('training');
    send(start);
  } else {
    pending = start;
    setState('loading');
    status.textContent = 'Loading the backend and the text…';
    ensureWorker();
  }
});
stopButton.addEventListener('click', () => {
  setState('stopping');
  progressLabel.textContent = 'Stopping after this step…';
  send({ type: 'stop' });
});
resumeButton.addEventListener('click', () => {
  setState('training');
  send({ type: 'resume' });
});

const fmt = (x: number) => x.toFixed(4);

/** The figure of the sample at `step`, made on its first piece (newest first). */
function sampleText(step: number): HTMLElement {
  const existing = samples.querySelector<HTMLElement>(`figure[data-step="${step}"] pre`);
  if (existing) return existing;
  const figure = document.createElement('figure');
  figure.dataset.step = String(step);
  const caption = document.createElement('figcaption');
  caption.textContent = `sample after step ${step} (temperature 0.8, top-k 20)`;
  const pre = document.createElement('pre');
  figure.append(caption, pre);
  samples.prepend(figure);
  return pre;
}

function onMessage(m: FromCharLm): void {
  switch (m.type) {
    case 'ready':
      section.dataset.ready = 'true';
      showBackend(
        status,
        m,
        ` · ${m.corpusChars.toLocaleString('en-US')} of the book's ${m.bookChars.toLocaleString('en-US')} characters, ${m.vocabularySize} distinct`,
      );
      if (pending) {
        setState('training');
        send(pending);
        pending = null;
      }
      break;
    case 'started':
      description = `${m.parameters.toLocaleString('en-US')} parameters (${m.description})`;
      progressLabel.textContent = `step 0 of ${m.steps}; ${description}`;
      break;
    case 'step':
      progress.value = m.step / m.steps;
      if (section.dataset.state === 'training')
        progressLabel.textContent = `step ${m.step} of ${m.steps}; ${description}`;
      break;
    case 'report': {
      const row = reports.insertRow();
      row.dataset.step = String(m.step);
      row.dataset.trainLoss = String(m.trainLoss);
      row.dataset.valLoss = String(m.valLoss);
      for (const v of [
        String(m.step),
        fmt(m.trainLoss),
        fmt(m.valLoss),
        (m.valLoss / Math.LN2).toFixed(3),
        m.seconds.toFixed(1),
      ])
        row.insertCell().textContent = v;
      break;
    }
    case 'sample': {
      const pre = sampleText(m.step);
      pre.textContent += m.text;
      if (m.end) pre.dataset.complete = 'true';
      break;
    }
    case 'paused':
      progressLabel.textContent = `Stopped at step ${m.step}; Resume continues the same run.`;
      setState('paused');
      break;
    case 'done':
      progress.value = 1;
      progressLabel.textContent = `Done: ${m.step} steps in ${m.seconds.toFixed(1)} s; ${description}.`;
      setState('done');
      break;
    case 'error':
      status.textContent = `Error: ${m.message}`;
      setState('error');
      break;
  }
}
