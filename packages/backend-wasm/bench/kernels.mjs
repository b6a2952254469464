// Milliseconds per call (median) of the non-GEMM kernels on the WASM and CPU backends, called
// directly through the Backend interface on 1M-element tensors: the AssemblyScript paths and the
// TypeScript fallbacks (int32/bool arithmetic, bool where, float→int casts, host reductions).
// Build first: pnpm turbo run build --filter=@nnet/backend-wasm...
//   node bench/kernels.mjs [--wasm <module>] [--cpu <module>] [--only <substring>]
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
/** A module path given on the command line, relative to the working directory. */
const given = (name, fallback) => {
  const path = arg(name, null);
  return path === null ? fallback : pathToFileURL(resolve(path)).href;
};
const wasmModule = await import(given('--wasm', '../dist/index.js'));
const cpuModule = await import(given('--cpu', '@nnet/backend-cpu'));
const only = arg('--only', '');

const N = 1 << 20;
const ROWS = 1024;
const COLS = N / ROWS;

function median(fn, reps) {
  fn();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

let seed = 1;
function random(dtype, n, lo = -3, hi = 3) {
  const a =
    dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const u = seed / 2147483648;
    a[i] =
      dtype === 'bool'
        ? u < 0.5
          ? 1
          : 0
        : dtype === 'int32'
          ? Math.floor(lo + u * (hi - lo))
          : lo + u * (hi - lo);
  }
  return a;
}

/** The cases: name → (backend, tensor maker) → a function running the kernel once. */
function cases(be, t) {
  const f = t('float32', [ROWS, COLS]);
  const g = t('float32', [ROWS, COLS]);
  const row = t('float32', [1, COLS]);
  const i32 = t('int32', [ROWS, COLS]);
  const j32 = t('int32', [ROWS, COLS]);
  const b1 = t('bool', [ROWS, COLS]);
  const b2 = t('bool', [ROWS, COLS]);
  const of = t('float32', [ROWS, COLS], null);
  const oi = t('int32', [ROWS, COLS], null);
  const ob = t('bool', [ROWS, COLS], null);
  const idx = t('int32', [ROWS, COLS], [0, ROWS]);
  const sums = t('int32', [ROWS, 1], null);
  const p = t('float32', [N], null);
  const m1 = t('float32', [N], null);
  const m2 = t('float32', [N], null);
  const gr = t('float32', [N]);
  const sgd = { lr: 0.01, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 1e-4, first: false };
  const adam = {
    lr: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0,
    decoupled: false,
    amsgrad: false,
    step: 3,
  };
  return {
    'unary.exp f32': () => be.unary('exp', f, of),
    'unary.sigmoid f32': () => be.unary('sigmoid', f, of),
    'unary.erf f32': () => be.unary('erf', f, of),
    'unary.round f32': () => be.unary('round', f, of),
    'unary.abs i32': () => be.unary('abs', i32, oi),
    'unary.logicalNot bool': () => be.unary('logicalNot', b1, ob),
    'binary.add f32': () => be.binary('add', f, g, of),
    'binary.mul f32 row-broadcast': () => be.binary('mul', f, row, of),
    'binary.pow f32': () => be.binary('pow', f, g, of),
    'binary.add i32': () => be.binary('add', i32, j32, oi),
    'binary.pow i32': () => be.binary('pow', i32, j32, oi),
    'binary.logicalAnd bool': () => be.binary('logicalAnd', b1, b2, ob),
    'compare.lt f32': () => be.compare('lt', f, g, ob),
    'compare.eq bool': () => be.compare('eq', b1, b2, ob),
    'where f32': () => be.where(b1, f, g, of),
    'where bool': () => be.where(b1, b1, b2, ob),
    'cast f32>i32': () => be.cast(f, oi),
    'cast bool>f32': () => be.cast(b1, of),
    'reduce.sum i32 rows': () => be.reduce('sum', i32, [1], sums),
    'gather f32 axis 0': () => be.gather(f, 0, idx, of),
    'scatterAdd f32 axis 0': () => be.scatterAdd(of, 0, idx, g),
    sgdUpdate: () => be.sgdUpdate(p, gr, m1, sgd),
    adamUpdate: () => be.adamUpdate(p, gr, m1, m2, null, adam),
  };
}

function tensors(be) {
  return (dtype, shape, range = [-3, 3]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const handle = be.alloc(dtype, n);
    be.write(handle, range ? random(dtype, n, range[0], range[1]) : random(dtype, n, 0, 0));
    return { handle, dtype, shape };
  };
}

const wasm = await wasmModule.createWasmBackend({ threads: 1 });
const cpu = new cpuModule.CpuBackend();
const runs = { wasm: cases(wasm, tensors(wasm)), cpu: cases(cpu, tensors(cpu)) };
console.log(`${'kernel (1M elements)'.padEnd(32)} ${'wasm ms'.padStart(9)} ${'cpu ms'.padStart(9)}`);
for (const name of Object.keys(runs.wasm)) {
  if (only && !name.includes(only)) continue;
  const w = median(runs.wasm[name], 9);
  const c = median(runs.cpu[name], 9);
  console.log(`${name.padEnd(32)} ${w.toFixed(3).padStart(9)} ${c.toFixed(3).padStart(9)}`);
}
wasm.dispose();
