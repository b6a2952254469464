/**
 * ONNX's RNN, LSTM and GRU operators (forward direction, layout 0), with nnet tensor ops.
 *
 * Inputs: X [T, N, in], W [1, G·H, in], R [1, G·H, H], B [1, 2·G·H] (W's biases then R's),
 * sequence_lens (unsupported), initial_h [1, N, H], initial_c [1, N, H] (LSTM).
 * Outputs: Y [T, 1, N, H], Y_h [1, N, H], Y_c [1, N, H] (LSTM). Gate blocks in ONNX order:
 *   LSTM i, o, f, c:  c' = σ(f)·c + σ(i)·tanh(c̃),  h' = σ(o)·tanh(c')
 *   GRU  z, r, h:     n = tanh(Wn·x + bWn + r·(Rn·h + bRn))  (linear_before_reset = 1)
 *                     n = tanh(Wn·x + bWn + Rn·(r·h) + bRn)  (linear_before_reset = 0)
 *                     h' = (1 - z)·n + z·h
 *   RNN:              h' = f(W·x + bW + R·h + bR), f = Tanh or Relu
 */
import { linear, stack, type Tensor, zeros } from '@nnet/tensor';
import { asTensor, type OpContext, type Value } from './op_context.js';

type Kind = 'RNN' | 'LSTM' | 'GRU';
const GATES: Record<Kind, number> = { RNN: 1, LSTM: 4, GRU: 3 };
const DEFAULT_ACTIVATIONS: Record<Kind, string[]> = {
  RNN: ['Tanh'],
  LSTM: ['Sigmoid', 'Tanh', 'Tanh'],
  GRU: ['Sigmoid', 'Tanh'],
};

function check(kind: Kind, c: OpContext): string | null {
  const direction = c.attrs.string('direction', 'forward');
  if (direction !== 'forward') return `direction='${direction}' is not supported (only forward)`;
  if (c.attrs.int('layout', 0) !== 0) return 'layout=1 is not supported';
  if (c.attrs.has('clip')) return 'clip is not supported';
  if (c.attrs.int('input_forget', 0) !== 0) return 'input_forget is not supported';
  const acts = c.attrs.strings('activations');
  if (acts) {
    const ok =
      kind === 'RNN'
        ? acts.length === 1 && (acts[0] === 'Tanh' || acts[0] === 'Relu')
        : acts.join() === DEFAULT_ACTIVATIONS[kind].join();
    if (!ok) return `activations [${acts.join(', ')}] are not supported`;
  }
  const inputs = c.node.input ?? [];
  if (inputs[4]) return 'sequence_lens is not supported (all sequences must have the full length)';
  if (kind === 'LSTM' && inputs[7]) return 'peepholes (input P) are not supported';
  return null;
}

function run(kind: Kind, inputs: (Value | null)[], c: OpContext): Value[] {
  const x = asTensor(inputs[0], c, 0);
  const W = asTensor(inputs[1], c, 1).select(0, 0);
  const R = asTensor(inputs[2], c, 2).select(0, 0);
  const H = R.shape[1];
  const G = GATES[kind] * H;
  let bW: Tensor | null = null;
  let bR: Tensor | null = null;
  if (inputs[3]) {
    const B = asTensor(inputs[3], c, 3).select(0, 0);
    bW = B.narrow(0, 0, G);
    bR = B.narrow(0, G, G);
  }
  const [T, N] = x.shape;
  let h = inputs[5] ? asTensor(inputs[5], c, 5).select(0, 0) : zeros([N, H]);
  let cell = kind === 'LSTM' ? (inputs[6] ? asTensor(inputs[6], c, 6).select(0, 0) : zeros([N, H])) : null;
  const relu = kind === 'RNN' && c.attrs.strings('activations')?.[0] === 'Relu';
  const beforeReset = c.attrs.int('linear_before_reset', 0) === 1;
  // The input projection of every step at once: [T, N, G].
  const projected = linear(x, W, bW);
  const ys: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const xt = projected.select(0, t);
    if (kind === 'LSTM') {
      const [i, o, f, cc] = xt.add(linear(h, R, bR)).chunk(4, 1);
      cell = f.sigmoid().mul(cell!).add(i.sigmoid().mul(cc.tanh()));
      h = o.sigmoid().mul(cell.tanh());
    } else if (kind === 'GRU') {
      const [xz, xr, xn] = xt.chunk(3, 1);
      let z: Tensor;
      let n: Tensor;
      if (beforeReset) {
        const [hz, hr, hn] = linear(h, R, bR).chunk(3, 1);
        z = xz.add(hz).sigmoid();
        n = xn.add(xr.add(hr).sigmoid().mul(hn)).tanh();
      } else {
        const [Rz, Rr, Rn] = R.chunk(3, 0);
        const [bz, br, bn] = bR ? bR.chunk(3, 0) : [null, null, null];
        z = xz.add(linear(h, Rz, bz)).sigmoid();
        const r = xr.add(linear(h, Rr, br)).sigmoid();
        n = xn.add(linear(r.mul(h), Rn, bn)).tanh();
      }
      h = z.neg().add(1).mul(n).add(z.mul(h));
    } else {
      const pre = xt.add(linear(h, R, bR));
      h = relu ? pre.relu() : pre.tanh();
    }
    ys.push(h);
  }
  const Y = T > 0 ? stack(ys, 0).unsqueeze(1) : zeros([0, 1, N, H]);
  const out: Value[] = [Y, h.unsqueeze(0)];
  if (cell) out.push(cell.unsqueeze(0));
  return out;
}

/** `check(kind, context)` at import, `run(kind, inputs, context)` in forward. */
export const runRecurrent = { check, run };
