/**
 * Numerics at the edges, against PyTorch 1.13 (fixtures/numerics.json, written by
 * scripts/gen_hostile_fixtures.py): bce at p = 0 and 1, bce through a saturated sigmoid, the
 * gradient of max/min over a slice holding NaN, and softmax with an infinite logit (through the
 * front end's reference decomposition). Also anomaly detection (setDebug({ detectAnomaly })).
 */
import { readFileSync } from 'node:fs';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@nnet/layers';
import { bce, crossEntropy } from '@nnet/loss';
import {
  AnomalyError,
  type Backend,
  getBackend,
  getBackendName,
  log,
  logSoftmax,
  NNetError,
  rand,
  registerBackend,
  removeBackend,
  setBackend,
  setDebug,
  softmax,
  sqrt,
  type Tensor,
  tensor,
} from '@nnet/tensor';
import { expectClose } from '@nnet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';

type Num = number | string;
type Nested = Num | Nested[];
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/numerics.json', import.meta.url), 'utf8')) as {
  cases: Record<string, Record<string, Nested>>;
};
const cases = fixtures.cases;
const backend = process.env.NNET_BACKEND ?? 'cpu';

function decode(v: Nested): number[] {
  if (Array.isArray(v)) return v.flatMap(decode);
  if (v === 'NaN') return [Number.NaN];
  if (v === 'Infinity') return [Number.POSITIVE_INFINITY];
  if (v === '-Infinity') return [Number.NEGATIVE_INFINITY];
  return [v as number];
}

function nested(v: Nested): number[] | number[][] {
  return (Array.isArray(v) && Array.isArray(v[0]) ? (v as Nested[]).map(decode) : decode(v)) as number[][];
}

/** test-utils's expectClose (same NaN/infinity pattern) at this suite's tighter defaults. */
const close = (got: Tensor, want: number[], rtol = 1e-5, atol = 1e-7) => expectClose(got, want, rtol, atol);

const leaf = (v: Nested): Tensor => tensor(nested(v), { requiresGrad: true });

describe(`numerics as PyTorch's (${backend})`, () => {
  it('bce at p = 0 and p = 1: the loss and its gradient are finite and equal PyTorch', async () => {
    const c = cases.bce_ends;
    const p = leaf(c.p);
    const loss = bce(p, tensor(decode(c.target)));
    await close(loss, decode(c.loss));
    loss.backward();
    await close(p.grad!, decode(c.grad));
  });

  it('bce through a sigmoid that rounds to exactly 0 or 1 (|x| > 17)', async () => {
    const c = cases.bce_sigmoid_saturated;
    const x = leaf(c.x);
    const s = x.sigmoid();
    await close(s, decode(c.sigmoid));
    const loss = bce(s, tensor(decode(c.target)));
    await close(loss, decode(c.loss));
    loss.backward();
    await close(x.grad!, decode(c.grad), 1e-4, 1e-9);
  });

  it('the gradient of max/min over a slice holding NaN goes to the NaN', async () => {
    const all = cases.max_nan_all;
    const x = leaf(all.x);
    x.max().backward();
    await close(x.grad!, decode(all.grad));
    for (const [name, op] of [
      ['max_nan_dim1', 'max'],
      ['min_nan_dim1', 'min'],
    ] as const) {
      const c = cases[name];
      const y = leaf(c.x);
      y[op](1).sum().backward();
      await close(y.grad!, decode(c.grad));
    }
  });
});

describe(`softmax with infinite logits through the reference decomposition (${backend})`, () => {
  // dispose is hidden too: removing the wrapper must not dispose the real backend under it.
  const hidden = new Set(['softmax', 'logSoftmax', 'dispose']);
  afterEach(async () => {
    await setBackend(backend);
    removeBackend('hostile-reference');
  });

  it('gives NaN everywhere in a slice holding +Infinity, as PyTorch', async () => {
    const real = getBackend();
    // The current backend with its softmax kernels hidden, so the front end's reference runs.
    registerBackend('hostile-reference', () => {
      return new Proxy(real, {
        get(target, key, receiver) {
          if (typeof key === 'string' && hidden.has(key)) return undefined;
          const v = Reflect.get(target, key, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      }) as Backend;
    });
    await setBackend('hostile-reference');
    expect(getBackendName()).toBe('hostile-reference');
    const c = cases.softmax_inf;
    const x = tensor(nested(c.x));
    await close(softmax(x, 1), decode(c.softmax));
    await close(logSoftmax(x, 1), decode(c.logSoftmax));
  });
});

describe(`anomaly detection (${backend})`, () => {
  afterEach(() => {
    setDebug({ detectAnomaly: false });
  });

  it('is off by default: NaN flows silently, as in PyTorch', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    const y = log(x).sum();
    expect(y.item()).toBe(Number.NEGATIVE_INFINITY);
  });

  it('names the first op whose forward output is not finite', () => {
    setDebug({ detectAnomaly: true });
    const x = tensor([0, 1], { requiresGrad: true });
    const h = x.mul(2); // finite: no error
    let err: unknown = null;
    try {
      log(h).sum();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AnomalyError);
    expect(err).toBeInstanceOf(NNetError);
    expect((err as Error).message).toMatch(/^log: anomaly detected in the forward pass/);
    expect((err as Error).message).toContain('-Infinity');
  });

  it('names the op whose backward produced a non-finite gradient', () => {
    setDebug({ detectAnomaly: true });
    const x = tensor([0, 4], { requiresGrad: true });
    const y = sqrt(x).sum(); // forward finite: sqrt(0) = 0
    expect(() => y.backward()).toThrow(AnomalyError);
    const x2 = tensor([0, 4], { requiresGrad: true });
    let msg = '';
    try {
      sqrt(x2).sum().backward();
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/^sqrt: anomaly detected in the backward pass/);
    expect(msg).toContain('its backward produced it');
  });

  it('checks ops on tensors that do not require grad too (outside noGrad)', () => {
    setDebug({ detectAnomaly: true });
    expect(() => tensor([1, 0]).reciprocal()).toThrow(/^reciprocal: anomaly detected in the forward pass/);
    expect(() => tensor([-1]).sqrt()).toThrow(AnomalyError);
  });

  it('lets finite training steps through untouched', async () => {
    setDebug({ detectAnomaly: true });
    const x = tensor([0.5, 2], { requiresGrad: true });
    const y = log(x).mul(x).sum();
    y.backward();
    await close(x.grad!, [Math.log(0.5) + 1, Math.log(2) + 1], 1e-6);
    // A small CNN's training step (conv, pooling, softmax cross-entropy, bce): no false alarm.
    const net = new Sequential(
      new Conv2d(1, 2, 3, { padding: 1 }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(8, 3),
    );
    const out = net.forward(rand([2, 1, 4, 4]));
    const loss = crossEntropy(out, tensor([0, 2], { dtype: 'int32' })).add(bce(out.sigmoid(), rand([2, 3])));
    loss.backward();
    expect(Number.isFinite(loss.item())).toBe(true);
    net.dispose();
  });
});
