/**
 * The browser benchmark page: nnet-wasm (worker pool, relaxed SIMD where the browser validates it)
 * and TensorFlow.js's WASM backend (its threaded-SIMD build) in the same page at one thread count
 * (`?threads=n`), each workload alternating the two libraries (`?first=tfjs-wasm` flips the order).
 * The result is left in `window.nnetBench` and the page's state in `body[data-state]`.
 */

import * as nn from '@nnet/tensor';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { type Lib, loadLib } from '../src/libs.js';
import { measureWorkload } from '../src/measure.js';
import { type PageLib, type PageResult, type PageRow, pageJobs } from '../src/page_protocol.js';

declare global {
  interface Window {
    nnetBench?: PageResult;
  }
}

const log = document.getElementById('log') as HTMLElement;
const say = (s: string) => {
  log.textContent = `${log.textContent === 'Running…' ? '' : log.textContent}${s}\n`;
};

async function run(): Promise<PageResult> {
  const params = new URLSearchParams(location.search);
  const threads = Number(params.get('threads') ?? '1');
  const quick = params.get('quick') === '1';
  const first = (params.get('first') ?? 'nnet-wasm') as PageLib;
  // TensorFlow.js: its three builds served by this page; the thread count must be set before it initialises.
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plainWasm,
    'tfjs-backend-wasm-simd.wasm': simdWasm,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedWasm,
  });
  setThreadsCount(threads);
  const libs: Record<PageLib, Lib> = {
    'nnet-wasm': await loadLib('nnet-wasm', threads),
    'tfjs-wasm': await loadLib('tfjs-wasm', threads),
  };
  const tfjsWasm = await import('@tensorflow/tfjs-backend-wasm');
  const tf = await import('@tensorflow/tfjs');
  const nnetWasm = await import('@nnet/backend-wasm');
  const result: PageResult = {
    threads,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    userAgent: navigator.userAgent,
    nnetRelaxed: libs['nnet-wasm'].relaxed ?? null,
    nnetThreads: nnetWasm.getThreads(),
    nnetDispatchUs: null,
    tfjsThreads: tfjsWasm.getThreadsCount(),
    tfjsMultithread: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
    rows: [],
  };
  say(
    `threads ${threads}; isolated ${result.crossOriginIsolated}; nnet relaxed ${result.nnetRelaxed}, pool ${result.nnetThreads}; tfjs threads ${result.tfjsThreads}, multithread ${result.tfjsMultithread}`,
  );
  const order: PageLib[] = first === 'tfjs-wasm' ? ['tfjs-wasm', 'nnet-wasm'] : ['nnet-wasm', 'tfjs-wasm'];
  for (const job of pageJobs(quick)) {
    for (const lib of order) {
      let row: PageRow;
      try {
        row = { ...job, lib, ...measureWorkload(libs[lib], job.workload, job.size, quick) };
      } catch (err) {
        row = { ...job, lib, value: null, unit: '', error: err instanceof Error ? err.message : String(err) };
      }
      result.rows.push(row);
      say(
        `${job.workload} ${job.size} ${lib}: ${row.value === null ? `n/a (${row.error})` : `${row.value.toFixed(2)} ${row.unit}`}`,
      );
      // Let the page breathe between figures (and the driver see progress).
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  const backend = nn.findBackend('wasm');
  if (threads > 1 && backend instanceof nnetWasm.WasmBackend) {
    const model = backend.costModel();
    result.nnetDispatchUs = { cold: model.dispatch / 1000, hot: model.hotDispatch / 1000 };
    say(
      `nnet dispatch: ${result.nnetDispatchUs.cold.toFixed(1)} µs dozing, ${result.nnetDispatchUs.hot.toFixed(1)} µs polling`,
    );
  }
  return result;
}

run()
  .then((r) => {
    window.nnetBench = r;
    document.body.dataset.state = 'done';
  })
  .catch((err: unknown) => {
    window.nnetBench = {
      threads: 0,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      userAgent: navigator.userAgent,
      nnetRelaxed: null,
      nnetThreads: null,
      nnetDispatchUs: null,
      tfjsThreads: null,
      tfjsMultithread: null,
      rows: [],
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    };
    say(`Error: ${String(err)}`);
    document.body.dataset.state = 'error';
  });
