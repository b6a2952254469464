// Fused attention kernel against the reference decomposition (scores, logsumexp, exp, product) on
// the WASM backend, forward only (the gradient recomputes the probabilities either way): the two
// alternate within each round; medians with min–max over the rounds, ms per call.
// Build first: pnpm turbo run build --filter=@nnet/backend-wasm...
//   node bench/attention.mjs [--threads 1] [--rounds 5]
import { performance } from 'node:perf_hooks';
import {
  attentionReference,
  full,
  manualSeed,
  randn,
  registerBackend,
  scaledDotProductAttention,
  setBackend,
  tidy,
  triu,
} from '@nnet/tensor';
import { createWasmBackend } from '../dist/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const threads = arg('--threads', 1);
const rounds = arg('--rounds', 5);
const backend = await createWasmBackend({ threads });
registerBackend('wasm-bench', () => backend, 100);
await setBackend('wasm-bench');

/** Median ms of `fn` over a batch of calls lasting about 200 ms. */
function msPerCall(fn) {
  fn();
  const t = [];
  const end = performance.now() + 200;
  while (performance.now() < end || t.length < 5) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

const stats = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return `${s[s.length >> 1].toFixed(3)} (${s[0].toFixed(3)}–${s[s.length - 1].toFixed(3)})`;
};

const shapes = [
  // the charlm example's model: batch 16, 4 heads, context 64, head dim 16, causal
  { name: 'charlm [16,4,64,16] causal', b: [16, 4], L: 64, E: 16, causal: true },
  { name: '[2,8,256,64] causal', b: [2, 8], L: 256, E: 64, causal: true },
  { name: '[2,8,256,64] full', b: [2, 8], L: 256, E: 64, causal: false },
];
console.log(
  `wasm, ${threads} thread(s), relaxed SIMD: ${backend.relaxed}; ms per forward call, median (min–max) over ${rounds} rounds`,
);
for (const s of shapes) {
  manualSeed(1);
  const q = randn([...s.b, s.L, s.E]);
  const k = randn([...s.b, s.L, s.E]);
  const v = randn([...s.b, s.L, s.E]);
  const fused = () => tidy(() => scaledDotProductAttention(q, k, v, { isCausal: s.causal }).dataSync());
  // The reference with the same causal triangle as an additive mask (made once, outside the timing).
  const mask = s.causal ? triu(full([s.L, s.L], Number.NEGATIVE_INFINITY), 1) : null;
  const reference = () => tidy(() => attentionReference(q, k, v, mask, 1 / Math.sqrt(s.E)).out.dataSync());
  const f = [];
  const r = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2) {
      r.push(msPerCall(reference));
      f.push(msPerCall(fused));
    } else {
      f.push(msPerCall(fused));
      r.push(msPerCall(reference));
    }
  }
  const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  console.log(
    `${s.name}: fused ${stats(f)}, reference ${stats(r)}, reference/fused ${(med(r) / med(f)).toFixed(2)}x`,
  );
}
backend.dispose();
