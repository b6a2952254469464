/**
 * The page: starts the training worker, draws the live curves (the same Vega-Lite spec the Node
 * examples write as SVG), and turns drawings on the canvas into predictions.
 */
import type { EpochLogs } from '@nnet/train';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { curvePoints, curvesSpec } from '../src/curves.js';
import { sketchToDigit } from '../src/sketch.js';
import type { BackendChoice, FromTrainer, ToTrainer } from './protocol.js';
import { showBackend } from './status.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const trainButton = $<HTMLButtonElement>('train');
const stopButton = $<HTMLButtonElement>('stop');
const epochsInput = $<HTMLInputElement>('epochs');
const progress = $<HTMLProgressElement>('progress');
const progressLabel = $('progress-label');
const result = $('result');
const canvas = $<HTMLCanvasElement>('sketch');
const prediction = $('prediction');
const probabilitiesList = $('probabilities');

const setState = (state: 'loading' | 'ready' | 'training' | 'trained' | 'error') => {
  document.body.dataset.state = state;
};

const worker = new Worker(new URL('./trainer.ts', import.meta.url), { type: 'module' });
const send = (m: ToTrainer) => worker.postMessage(m);

// ---- the live chart -----------------------------------------------------------------------
const history: EpochLogs[] = [];
let view: View | null = null;
let viewOfOneEpoch = false;
/**
 * Draws the curves so far. The view is made at the first epoch (an empty faceted chart has no
 * size) and made again at the second, because a one-epoch chart is drawn differently (points,
 * an axis around them and a subtitle saying so); later epochs only update its data.
 */
function redraw(): void {
  const points = curvePoints(history);
  if (points.length === 0) return;
  const oneEpoch = history.length === 1;
  if (!view || oneEpoch !== viewOfOneEpoch) {
    view?.finalize();
    $('chart').replaceChildren();
    view = new View(parse(compile(curvesSpec('digits MLP: loss and accuracy per epoch', points)).spec), {
      renderer: 'svg',
      container: '#chart',
    });
    viewOfOneEpoch = oneEpoch;
    void view.runAsync();
  } else void view.data('points', points).runAsync();
}

// ---- training ------------------------------------------------------------------------------
let trained = false;
trainButton.addEventListener('click', () => {
  const epochs = Number(epochsInput.value);
  if (!(Number.isInteger(epochs) && epochs >= 1 && epochs <= 200)) {
    progressLabel.textContent = 'Epochs must be a whole number from 1 to 200.';
    return;
  }
  history.length = 0;
  redraw();
  trainButton.disabled = true;
  stopButton.disabled = false;
  result.textContent = '\u00a0';
  setState('training');
  send({ type: 'train', epochs, seed: 0 });
});
stopButton.addEventListener('click', () => {
  stopButton.disabled = true;
  progressLabel.textContent = 'Stopping after this epoch…';
  send({ type: 'stop' });
});

worker.addEventListener('message', (event: MessageEvent<FromTrainer>) => {
  const m = event.data;
  switch (m.type) {
    case 'ready':
      showBackend(status, m, ` · ${m.trainSize} training and ${m.testSize} test images`);
      trainButton.disabled = false;
      setState('ready');
      break;
    case 'progress':
      progress.value = (m.epoch + m.batch / Math.max(1, m.batches)) / m.epochs;
      progressLabel.textContent = `epoch ${m.epoch + 1} of ${m.epochs}, batch ${m.batch} of ${m.batches}`;
      break;
    case 'epoch':
      history.push(m.logs);
      redraw();
      break;
    case 'done':
      trained = true;
      trainButton.disabled = false;
      stopButton.disabled = true;
      progressLabel.textContent = `${m.stopped ? 'Stopped' : 'Done'} after ${history.length} epochs in ${m.seconds.toFixed(1)} s.`;
      result.textContent = `Test accuracy: ${(m.accuracy * 100).toFixed(1)} % on the held-out images.`;
      result.dataset.accuracy = String(m.accuracy);
      setState('trained');
      // A drawing made before or during training gets its prediction; otherwise the prompt changes.
      if (!predictDrawing()) showPrompt();
      break;
    case 'prediction':
      showPrediction(m.probabilities);
      break;
    case 'error':
      status.textContent = `Error: ${m.message}`;
      trainButton.disabled = false;
      stopButton.disabled = true;
      setState('error');
      break;
  }
});

const choice = new URLSearchParams(location.search).get('backend');
send({
  type: 'init',
  backend: (['webgpu', 'wasm', 'cpu'].includes(choice ?? '') ? choice : 'auto') as BackendChoice,
});

// ---- drawing -------------------------------------------------------------------------------
const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
/** The prompt under the canvas while there is no prediction to show. */
function showPrompt(): void {
  prediction.textContent = trained ? 'Draw a digit.' : 'Train the network, then draw.';
  prediction.dataset.class = '';
  probabilitiesList.replaceChildren();
}
function clearCanvas(): void {
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  showPrompt();
}
clearCanvas();
let last: { x: number; y: number } | null = null;
const at = (e: PointerEvent) => {
  const r = canvas.getBoundingClientRect();
  return {
    x: ((e.clientX - r.left) * canvas.width) / r.width,
    y: ((e.clientY - r.top) * canvas.height) / r.height,
  };
};
canvas.addEventListener('pointerdown', (e) => {
  canvas.setPointerCapture(e.pointerId);
  last = at(e);
});
canvas.addEventListener('pointermove', (e) => {
  if (!last) return;
  const p = at(e);
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 18;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(last.x, last.y);
  ctx.lineTo(p.x, p.y);
  ctx.stroke();
  last = p;
});
const endStroke = () => {
  if (!last) return;
  last = null;
  predictDrawing();
};
canvas.addEventListener('pointerup', endStroke);
canvas.addEventListener('pointercancel', endStroke);
$('clear').addEventListener('click', clearCanvas);

/** Sends the drawing to the worker for a prediction; false when untrained or nothing is drawn. */
function predictDrawing(): boolean {
  if (!trained) return false;
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const ink = new Uint8Array(canvas.width * canvas.height);
  for (let i = 0; i < ink.length; i++) ink[i] = data[4 * i] < 128 ? 1 : 0;
  const pixels = sketchToDigit(ink, canvas.width, canvas.height);
  if (!pixels) return false;
  send({ type: 'predict', pixels });
  return true;
}

function showPrediction(probabilities: number[]): void {
  const best = probabilities.indexOf(Math.max(...probabilities));
  prediction.textContent = `It looks like a ${best} (${(probabilities[best] * 100).toFixed(1)} %).`;
  prediction.dataset.class = String(best);
  const span = (text: string, className = '') =>
    Object.assign(document.createElement('span'), { textContent: text, className });
  probabilitiesList.replaceChildren(
    ...probabilities.map((p, digit) => {
      const track = span('');
      const bar = track.appendChild(span('', 'bar'));
      bar.style.width = `${(p * 100).toFixed(1)}%`;
      const li = document.createElement('li');
      li.append(span(String(digit)), track, span(`${(p * 100).toFixed(1)} %`));
      return li;
    }),
  );
}
