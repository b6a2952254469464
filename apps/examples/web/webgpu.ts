/**
 * A check page for the WebGPU backend in a browser: a subset of kernels run through the same front
 * end on webgpu (any adapter, a software one included) and on cpu, from the same seeded inputs,
 * then compared. The report goes to #result's data-report (the e2e test reads it).
 */
import '@nnet/backend-cpu';
import '@nnet/backend-webgpu';
import type { WebGpuBackend } from '@nnet/backend-webgpu';
import {
  argmax,
  conv2d,
  findBackend,
  gather,
  indexSelect,
  linear,
  logSoftmax,
  manualSeed,
  randint,
  randn,
  setBackend,
  softmax,
  type Tensor,
} from '@nnet/tensor';

/** One check: makes its inputs from the seeded RNG and returns the tensors to compare. */
interface Case {
  readonly name: string;
  /** Allowed |webgpu − cpu| is atol + rtol·|cpu| (sums run in another order on the GPU). */
  readonly rtol: number;
  readonly atol: number;
  run(): Tensor[];
}

/** A float32 input that records its gradient. */
const param = (shape: number[]) => {
  const t = randn(shape);
  t.requiresGrad = true;
  return t;
};

const cases: Case[] = [
  {
    name: 'matmul 256x256 @ 256x256',
    rtol: 1e-4,
    atol: 1e-4,
    run: () => [randn([256, 256]).matmul(randn([256, 256]))],
  },
  {
    name: 'matmul batched, broadcast, transposed (tiles that do not divide)',
    rtol: 1e-4,
    atol: 1e-4,
    run: () => {
      const a = randn([3, 70, 130]);
      const b = randn([90, 130]);
      return [
        a.matmul(b.transpose(0, 1)),
        randn([130, 33])
          .transpose(0, 1)
          .matmul(randn([130, 47])),
      ];
    },
  },
  {
    name: 'linear + relu and its gradients',
    rtol: 1e-4,
    atol: 1e-5,
    run: () => {
      const x = param([32, 64]);
      const w = param([48, 64]);
      const b = param([48]);
      const y = linear(x, w, b).relu();
      y.mul(randn([32, 48]))
        .sum()
        .backward();
      return [y, x.grad as Tensor, w.grad as Tensor, b.grad as Tensor];
    },
  },
  {
    name: 'softmax (rows of 10 and of 1000) and logSoftmax, with gradients',
    rtol: 1e-4,
    atol: 1e-6,
    run: () => {
      const short = param([64, 10]);
      const long = param([6, 1000]);
      const p = softmax(long.mul(3), 1);
      const l = logSoftmax(short, 1);
      p.mul(randn([6, 1000]))
        .sum()
        .add(l.mul(randn([64, 10])).sum())
        .backward();
      return [p, l, short.grad as Tensor, long.grad as Tensor];
    },
  },
  {
    name: 'conv2d (padding 1, stride 1 and 2) with input, filter and bias gradients',
    rtol: 1e-4,
    atol: 1e-4,
    run: () => {
      const x = param([2, 3, 13, 13]);
      const w = param([8, 3, 3, 3]);
      const b = param([8]);
      const y1 = conv2d(x, w, b, { padding: 1 });
      const y2 = conv2d(x, w, null, { stride: 2 });
      y1.mul(randn(y1.shape))
        .sum()
        .add(y2.mul(randn(y2.shape)).sum())
        .backward();
      return [y1, y2, x.grad as Tensor, w.grad as Tensor, b.grad as Tensor];
    },
  },
  {
    name: 'reductions: sum over short and long rows, max, mean of 100000, argmax',
    rtol: 1e-4,
    atol: 1e-4,
    run: () => {
      const x = randn([5, 20000]);
      const y = randn([300, 7]);
      return [x.sum(1), x.max(1), randn([100000]).mean(), y.sum(0), y.max(0), argmax(y, 1)];
    },
  },
  {
    name: 'gather and indexSelect (repeated indices) with their scatter-add gradients',
    rtol: 1e-5,
    atol: 1e-6,
    run: () => {
      const x = param([40, 16]);
      const table = param([50, 8]);
      const g = gather(x, 1, randint(0, 16, [40, 30], { dtype: 'int32' }));
      const e = indexSelect(table, 0, randint(0, 50, [200], { dtype: 'int32' }));
      g.mul(randn([40, 30]))
        .sum()
        .add(e.mul(randn([200, 8])).sum())
        .backward();
      return [g, e, x.grad as Tensor, table.grad as Tensor];
    },
  },
];

type Values = Float32Array | Int32Array | Uint8Array;

/** Every case's outputs on `backend`, read asynchronously (a GPU backend has no synchronous read). */
async function runAll(backend: 'cpu' | 'webgpu'): Promise<Values[][]> {
  await setBackend(backend);
  const all: Values[][] = [];
  for (const [i, c] of cases.entries()) {
    manualSeed(100 + i);
    const outs = c.run();
    all.push((await Promise.all(outs.map((t) => t.data()))) as Values[]);
    for (const t of outs) t.dispose();
  }
  return all;
}

interface CaseReport {
  name: string;
  /** Largest |webgpu − cpu| over the case's outputs. */
  maxAbs: number;
  elements: number;
  ok: boolean;
}

function compare(c: Case, want: Values[], got: Values[]): CaseReport {
  let maxAbs = 0;
  let elements = 0;
  let ok = want.length === got.length;
  for (const [k, w] of want.entries()) {
    const g = got[k];
    if (!g || g.length !== w.length) {
      ok = false;
      continue;
    }
    elements += w.length;
    for (let i = 0; i < w.length; i++) {
      const d = Math.abs(g[i] - w[i]);
      if (!(d <= c.atol + c.rtol * Math.abs(w[i]))) ok = false;
      if (d > maxAbs || Number.isNaN(d)) maxAbs = d;
    }
  }
  return { name: c.name, maxAbs, elements, ok };
}

async function run(): Promise<void> {
  const want = await runAll('cpu');
  const got = await runAll('webgpu');
  const { adapter } = findBackend('webgpu') as WebGpuBackend;
  const reports = cases.map((c, i) => compare(c, want[i], got[i]));
  const table = document.getElementById('cases') as HTMLTableElement;
  for (const r of reports) {
    const row = table.insertRow();
    row.insertCell().textContent = r.ok ? 'ok' : 'MISMATCH';
    row.insertCell().textContent = r.name;
    row.insertCell().textContent = `${r.elements} values, max |webgpu − cpu| ${r.maxAbs.toExponential(2)}`;
  }
  const adapterLine = document.getElementById('adapter') as HTMLElement;
  adapterLine.textContent = `Adapter: ${adapter.description}${adapter.software ? ' (software)' : ''}`;
  adapterLine.dataset.adapter = adapter.description;
  adapterLine.dataset.software = String(adapter.software);
  const result = document.getElementById('result') as HTMLElement;
  const failed = reports.filter((r) => !r.ok).length;
  result.textContent = failed
    ? `${failed} of ${reports.length} checks differ from the CPU backend`
    : `All ${reports.length} checks match the CPU backend`;
  result.dataset.report = JSON.stringify(reports);
  document.body.dataset.state = 'done';
}

run().catch((err: unknown) => {
  (document.getElementById('result') as HTMLElement).textContent = `Error: ${String(err)}`;
  document.body.dataset.state = 'error';
});
