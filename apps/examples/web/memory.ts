/**
 * A check page for step-bounded reclamation in the browser (docs/memory.md): a worker runs a
 * training loop that awaits every step and manages no memory itself; the page shows the worker's
 * live tensors and backend bytes at step 200 and at the last step.
 */
import type { MemoryReport } from './memory_worker.js';

const result = document.getElementById('result') as HTMLElement;
const worker = new Worker(new URL('./memory_worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (e: MessageEvent<MemoryReport>) => {
  const r = e.data;
  if (r.error) {
    result.textContent = `Error: ${r.error}`;
    document.body.dataset.state = 'error';
    return;
  }
  const [a, b] = r.samples;
  result.textContent =
    `${r.backend}: step ${a.step}: ${a.tensors} tensors, ${a.bytes} bytes; ` +
    `step ${b.step}: ${b.tensors} tensors, ${b.bytes} bytes; loss ${r.firstLoss.toFixed(3)} → ${r.lastLoss.toFixed(3)}`;
  result.dataset.report = JSON.stringify(r);
  document.body.dataset.state = 'done';
};
worker.onerror = (e) => {
  result.textContent = `Error: ${e.message}`;
  document.body.dataset.state = 'error';
};
