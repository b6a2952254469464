/**
 * Recurrent layers, as PyTorch's nn.RNN / nn.LSTM / nn.GRU (unidirectional).
 *
 * Shapes: input [T, N, inputSize] ([N, T, inputSize] with batchFirst; [T, inputSize] unbatched),
 * initial state [numLayers, N, hiddenSize] (zeros by default); `forwardWithState` returns the
 * output of the last layer at every step [T, N, hiddenSize] and the final state of every layer
 * (for LSTM, the pair [h, c]). `forward(x)` returns the output alone.
 *
 * Per layer, with x the layer's input at step t and h the previous hidden state:
 *   RNN:  h' = tanh(W_ih·x + b_ih + W_hh·h + b_hh)                     (or relu)
 *   LSTM: i, f, g, o = σ, σ, tanh, σ of the 4 blocks of W_ih·x + b_ih + W_hh·h + b_hh
 *         c' = f·c + i·g,  h' = o·tanh(c')
 *   GRU:  r, z = σ of the first 2 blocks of W_ih·x + b_ih + W_hh·h + b_hh
 *         n = tanh(W_in·x + b_in + r·(W_hn·h + b_hn)),  h' = (1 - z)·n + z·h
 * Parameters weight_ih_l{k} [G·H, in], weight_hh_l{k} [G·H, H], bias_ih_l{k}, bias_hh_l{k} [G·H]
 * (G = 1, 4, 3), all ~ U(-1/√H, 1/√H).
 */
import {
  checkOptions,
  fmtShape,
  linear,
  ShapeError,
  stack,
  type Tensor,
  tidy,
  ValueError,
  zeros,
} from '@nnet/tensor';
import { uniformParameter } from './linear.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

/**
 * Options of RNN/LSTM/GRU: numLayers (default 1), bias (default true), batchFirst (default false).
 */
export interface RNNOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** x is [N, L, inputSize] (default false: [L, N, inputSize]). */
  batchFirst?: boolean;
}

type Cell = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
const GATES: Record<Cell, number> = { rnn_tanh: 1, rnn_relu: 1, lstm: 4, gru: 3 };

abstract class RecurrentBase extends Module {
  /** Stacked layers (default 1). */
  readonly numLayers: number;
  /** x is [N, L, inputSize] (default false: [L, N, inputSize]). */
  readonly batchFirst: boolean;
  private readonly layers: {
    wih: Parameter;
    whh: Parameter;
    bih: Parameter | null;
    bhh: Parameter | null;
  }[] = [];

  constructor(
    private readonly cell: Cell,
    /** Features per time step (last dim of x). */
    readonly inputSize: number,
    /** H, features of the hidden state. */
    readonly hiddenSize: number,
    options: RNNOptions,
  ) {
    super();
    const keys = ['numLayers', 'bias', 'batchFirst'];
    checkOptions(this.constructor.name, options, cell.startsWith('rnn') ? [...keys, 'nonlinearity'] : keys);
    this.numLayers = options.numLayers ?? 1;
    this.batchFirst = options.batchFirst ?? false;
    for (const [n, v] of [
      ['inputSize', inputSize],
      ['hiddenSize', hiddenSize],
      ['numLayers', this.numLayers],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0)
        throw new ValueError(`${this.constructor.name}: ${n} must be a positive integer, got ${v}.`);
    }
    const G = GATES[cell] * hiddenSize;
    const bound = 1 / Math.sqrt(hiddenSize);
    for (let k = 0; k < this.numLayers; k++) {
      const inF = k === 0 ? inputSize : hiddenSize;
      const wih = this.registerParameter(`weight_ih_l${k}`, uniformParameter([G, inF], bound))!;
      const whh = this.registerParameter(`weight_hh_l${k}`, uniformParameter([G, hiddenSize], bound))!;
      const bih = this.registerParameter(
        `bias_ih_l${k}`,
        options.bias === false ? null : uniformParameter([G], bound),
      );
      const bhh = this.registerParameter(
        `bias_hh_l${k}`,
        options.bias === false ? null : uniformParameter([G], bound),
      );
      this.layers.push({ wih, whh, bih, bhh });
    }
  }

  /** Checks the input and returns it as [T, N, inputSize] with a flag for unbatched input. */
  private prepare(x: Tensor): { seq: Tensor; unbatched: boolean } {
    if (x.ndim !== 2 && x.ndim !== 3) {
      throw new ShapeError(
        `${this.constructor.name}: input must be 3-D [T, N, ${this.inputSize}] (or [N, T, ${this.inputSize}] with batchFirst, ` +
          `or 2-D [T, ${this.inputSize}] unbatched), got ${fmtShape(x.shape)}.`,
      );
    }
    if (x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ShapeError(
        `${this.constructor.name}: input ${fmtShape(x.shape)} has ${x.shape[x.ndim - 1]} features, expected inputSize ${this.inputSize}.`,
      );
    }
    if (x.ndim === 2) return { seq: x.unsqueeze(1), unbatched: true };
    return { seq: this.batchFirst ? x.transpose(0, 1) : x, unbatched: false };
  }

  private checkState(h: Tensor, N: number, name: string): void {
    const want = [this.numLayers, N, this.hiddenSize];
    if (h.ndim !== 3 || h.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(
        `${this.constructor.name}: initial ${name} must have shape ${fmtShape(want)}, got ${fmtShape(h.shape)}.`,
      );
    }
  }

  /** Runs the sequence; `state` is h0 (or [h0, c0] for LSTM) with shape [numLayers, N, H]. */
  protected run(
    x: Tensor,
    state: Tensor[] | null,
  ): {
    /** The last layer's hidden state at every step, [L, N, H] ([N, L, H] with batchFirst). */
    output: Tensor;
    /** The final h (then c for LSTM), [numLayers, N, H] each. */
    state: Tensor[];
  } {
    return tidy(() => {
      const { seq, unbatched } = this.prepare(x);
      const [T, N] = seq.shape;
      const H = this.hiddenSize;
      const lstm = this.cell === 'lstm';
      const initial = state ?? [
        zeros([this.numLayers, N, H]),
        ...(lstm ? [zeros([this.numLayers, N, H])] : []),
      ];
      if (unbatched)
        for (let i = 0; i < initial.length; i++)
          initial[i] = initial[i].ndim === 2 ? initial[i].unsqueeze(1) : initial[i];
      initial.forEach((s, i) => this.checkState(s, N, i === 0 ? 'hidden state' : 'cell state'));
      let input = seq;
      const finalH: Tensor[] = [];
      const finalC: Tensor[] = [];
      this.layers.forEach((p, k) => {
        // The input projection of every step at once: [T, N, G·H].
        const projected = linear(input, p.wih, p.bih);
        let h = initial[0].select(0, k);
        let c = lstm ? initial[1].select(0, k) : null;
        const outputs: Tensor[] = [];
        for (let t = 0; t < T; t++) {
          const xi = projected.select(0, t);
          const hh = linear(h, p.whh, p.bhh);
          if (this.cell === 'lstm') {
            const [i, f, g, o] = xi.add(hh).chunk(4, 1);
            c = f.sigmoid().mul(c!).add(i.sigmoid().mul(g.tanh()));
            h = o.sigmoid().mul(c.tanh());
          } else if (this.cell === 'gru') {
            const [xr, xz, xn] = xi.chunk(3, 1);
            const [hr, hz, hn] = hh.chunk(3, 1);
            const r = xr.add(hr).sigmoid();
            const z = xz.add(hz).sigmoid();
            const n = xn.add(r.mul(hn)).tanh();
            h = z.neg().add(1).mul(n).add(z.mul(h));
          } else {
            const pre = xi.add(hh);
            h = this.cell === 'rnn_relu' ? pre.relu() : pre.tanh();
          }
          outputs.push(h);
        }
        finalH.push(h);
        if (c) finalC.push(c);
        input = stack(outputs, 0);
      });
      let output = input;
      if (unbatched) output = output.squeeze(1);
      else if (this.batchFirst) output = output.transpose(0, 1).contiguous();
      const hN = stack(finalH, 0);
      const states = lstm ? [hN, stack(finalC, 0)] : [hN];
      return { output, state: unbatched ? states.map((s) => s.squeeze(1)) : states };
    });
  }

  forward(x: Tensor): Tensor {
    const { output, state } = this.run(x, null);
    for (const s of state) s.dispose();
    return output;
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.numLayers > 1 ? `, numLayers=${this.numLayers}` : ''}${this.batchFirst ? ', batchFirst=true' : ''}`;
  }
}

/**
 * Elman RNN, PyTorch's nn.RNN (tanh, or relu with { nonlinearity: 'relu' }): x [T, N, inputSize]
 * → output [T, N, hiddenSize] (see the file's shapes and formulas).
 *
 * ```ts
 * const x = randn([10, 4, 8]); // [T, N, 8]
 * const rnn = new RNN(8, 16, { numLayers: 2 });
 * const [out, h] = rnn.forwardWithState(x); // out [T, N, 16], h [2, N, 16]
 * [out.shape, h.shape]; // [[10, 4, 16], [2, 4, 16]]
 * ```
 */
export class RNN extends RecurrentBase {
  constructor(
    inputSize: number,
    hiddenSize: number,
    options: RNNOptions & { nonlinearity?: 'tanh' | 'relu' } = {},
  ) {
    super(options.nonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh', inputSize, hiddenSize, options);
  }
  /** Output [T, N, H] and the final hidden state [numLayers, N, H]. */
  forwardWithState(x: Tensor, h0?: Tensor): [Tensor, Tensor] {
    const { output, state } = this.run(x, h0 ? [h0] : null);
    return [output, state[0]];
  }
}

/**
 * GRU, PyTorch's nn.GRU: x [T, N, inputSize] → output [T, N, hiddenSize], final h
 * [numLayers, N, hiddenSize].
 *
 * ```ts
 * const x = randn([4, 10, 8]);
 * const gru = new GRU(8, 16, { batchFirst: true });
 * const y = gru.forward(x); // [N, T, 8] → [N, T, 16]
 * y.shape; // [4, 10, 16]
 * ```
 */
export class GRU extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('gru', inputSize, hiddenSize, options);
  }
  /** Output [T, N, H] and the final hidden state [numLayers, N, H]. */
  forwardWithState(x: Tensor, h0?: Tensor): [Tensor, Tensor] {
    const { output, state } = this.run(x, h0 ? [h0] : null);
    return [output, state[0]];
  }
}

/**
 * LSTM, PyTorch's nn.LSTM: x [T, N, inputSize] → output [T, N, hiddenSize], final [h, c] each
 * [numLayers, N, hiddenSize].
 *
 * ```ts
 * const x = randn([10, 4, 8]); // [T, N, 8]
 * const lstm = new LSTM(8, 16);
 * const [out, [h, c]] = lstm.forwardWithState(x);
 * [out.shape, h.shape, c.shape]; // [[10, 4, 16], [1, 4, 16], [1, 4, 16]]
 * ```
 */
export class LSTM extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('lstm', inputSize, hiddenSize, options);
  }
  /** Output [T, N, H] and the final [h, c], each [numLayers, N, H]. */
  forwardWithState(x: Tensor, state?: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const { output, state: s } = this.run(x, state ? [...state] : null);
    return [output, [s[0], s[1]]];
  }
}
