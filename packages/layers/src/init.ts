/**
 * Initialisers, in place on a parameter (like torch.nn.init), drawing from the seeded generator.
 * fanIn = size(1)·receptive field, fanOut = size(0)·receptive field (receptive field = product of
 * dims 2.., 1 for a matrix); gain defaults follow calculate_gain (linear/sigmoid 1, tanh 5/3,
 * relu √2, leakyRelu √(2 / (1 + slope²))).
 *   xavierUniform:  U(-a, a),  a = gain·√(6 / (fanIn + fanOut))
 *   xavierNormal:   N(0, σ²),  σ = gain·√(2 / (fanIn + fanOut))
 *   kaimingUniform: U(-b, b),  b = gain·√(3 / fan)           (fan = fanIn by default)
 *   kaimingNormal:  N(0, σ²),  σ = gain / √fan
 */
import { fmtShape, fullLike, noGrad, rand, randn, type Tensor, ValueError } from '@nnet/tensor';

/**
 * The nonlinearities calculateGain knows.
 */
export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu';

/**
 * PyTorch's recommended gain for a nonlinearity (linear/sigmoid 1, tanh 5/3, relu √2,
 * leakyRelu √(2 / (1 + slope²))).
 *
 *   xavierUniform_(w, calculateGain('tanh'));
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu':
      return Math.sqrt(2 / (1 + (param ?? 0.01) ** 2));
    default:
      throw new ValueError(`calculateGain: unknown nonlinearity '${String(nonlinearity)}'.`);
  }
}

/**
 * fanIn and fanOut of a weight of rank >= 2: [size(1)·receptive field, size(0)·receptive field].
 *
 *   fans(zeros([16, 3, 3, 3])); // [27, 144]
 */
export function fans(t: Tensor): [number, number] {
  if (t.ndim < 2)
    throw new ValueError(
      `init: fan in and fan out need a tensor with at least 2 dims, got ${fmtShape(t.shape)}.`,
    );
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fill(t: Tensor, make: () => Tensor): Tensor {
  noGrad(() => {
    const v = make();
    t.assign(v);
    v.dispose();
  });
  return t;
}

/**
 * Fills t [*] in place with U(a, b) (default U(0, 1)); returns t.
 *
 *   uniform_(layer.weight, -0.1, 0.1);
 */
export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return fill(t, () =>
    rand(t.shape as number[])
      .mul(b - a)
      .add(a),
  );
}

/**
 * Fills t [*] in place with N(mean, std²) (default N(0, 1)); returns t.
 *
 *   normal_(layer.weight, 0, 0.02);
 */
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return fill(t, () =>
    randn(t.shape as number[])
      .mul(std)
      .add(mean),
  );
}

/**
 * Fills t [*] in place with 0; returns t.
 *
 *   zeros_(layer.bias);
 */
export function zeros_(t: Tensor): Tensor {
  return fill(t, () => fullLike(t, 0));
}

/**
 * Fills t [*] in place with 1; returns t.
 *
 *   ones_(norm.weight);
 */
export function ones_(t: Tensor): Tensor {
  return fill(t, () => fullLike(t, 1));
}

/**
 * Xavier/Glorot uniform in place: U(-a, a), a = gain·√(6 / (fanIn + fanOut)); t of rank >= 2.
 *
 *   xavierUniform_(linear.weight);
 */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = fans(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a);
}

/**
 * Xavier/Glorot normal in place: N(0, σ²), σ = gain·√(2 / (fanIn + fanOut)); t of rank >= 2.
 *
 *   xavierNormal_(linear.weight);
 */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = fans(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

/**
 * Options of the Kaiming initialisers: a (the leaky slope, default 0), mode ('fanIn' default or
 * 'fanOut'), nonlinearity (default 'leakyRelu').
 */
export interface KaimingOptions {
  /** Negative slope for leakyRelu (PyTorch's `a`, default 0). */
  a?: number;
  /** Use fan in (default; keeps the forward variance) or fan out (keeps the backward one). */
  mode?: 'fanIn' | 'fanOut';
  /** The activation the gain is computed for (default 'leakyRelu'). */
  nonlinearity?: Nonlinearity;
}

function kaimingScale(t: Tensor, o: KaimingOptions): [number, number] {
  const [fanIn, fanOut] = fans(t);
  const fan = (o.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut;
  const gain = calculateGain(o.nonlinearity ?? 'leakyRelu', o.a ?? 0);
  return [gain, fan];
}

/**
 * Kaiming/He uniform in place: U(-b, b), b = gain·√(3 / fan); t of rank >= 2.
 *
 *   kaimingUniform_(conv.weight, { nonlinearity: 'relu' });
 */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const [gain, fan] = kaimingScale(t, options);
  const b = gain * Math.sqrt(3 / fan);
  return uniform_(t, -b, b);
}

/**
 * Kaiming/He normal in place: N(0, σ²), σ = gain / √fan; t of rank >= 2.
 *
 *   kaimingNormal_(conv.weight, { mode: 'fanOut', nonlinearity: 'relu' });
 */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const [gain, fan] = kaimingScale(t, options);
  return normal_(t, 0, gain / Math.sqrt(fan));
}
