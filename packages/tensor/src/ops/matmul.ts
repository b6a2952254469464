/**
 * Matrix products: `matmul` (1-D, 2-D and batched with broadcast batch dims) and `linear`
 * (act(x·Wᵀ + b), the optional kernel `linear`; reference: reference/linear.ts).
 */

import { compute, noGrad, record } from '../autograd.js';
import type { FusedActivation, TensorInfo } from '../backend.js';
import { checkOptions, DTypeError, ShapeError, ValueError } from '../errors.js';
import { optionalKernel } from '../reference/index.js';
import { tidy } from '../scope.js';
import { broadcastShapes, contiguousStrides, fmtShape, padShape, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul, sub } from './binary.js';
import { backendFor, checkTensor, empty, materialize, runKernel } from './kernel.js';
import { sum } from './reduce.js';
import { unaryKernel } from './unary.js';
import { expand, reshape, squeeze, transpose, unsqueeze } from './views.js';

function requireFloat(op: string, x: Tensor, name = 'input'): void {
  checkTensor(op, x, name);
  if (x.dtype !== 'float32') {
    throw new DTypeError(
      `${op}: expects float32 tensors, got ${x.dtype} (shape ${fmtShape(x.shape)}); use x.to('float32').`,
    );
  }
}

/** True when `x` ([..., r, c]) is the transpose of a dense [..., c, r] tensor. */
function isTransposedDense(x: Tensor): boolean {
  const n = x.ndim;
  if (x.offset !== 0 || n < 2) return false;
  const swapped = [...x.shape];
  [swapped[n - 2], swapped[n - 1]] = [swapped[n - 1], swapped[n - 2]];
  const s = contiguousStrides(swapped);
  [s[n - 2], s[n - 1]] = [s[n - 1], s[n - 2]];
  for (let i = 0; i < n; i++) if (x.shape[i] !== 1 && x.strides[i] !== s[i]) return false;
  return true;
}

interface Operand {
  info: TensorInfo;
  trans: boolean;
  temp: Tensor | null;
}

/** A [B', r, c] kernel operand for x [..., r, c] (B' is 1 or the full batch). */
function operand(x: Tensor, batchShape: readonly number[]): Operand {
  const r = x.shape[x.ndim - 2];
  const c = x.shape[x.ndim - 1];
  let src = x;
  let temp: Tensor | null = null;
  const own = x.shape.slice(0, -2);
  if (sizeOf(own) !== 1 && !shapesEqual(padShape(own, batchShape.length), batchShape)) {
    // Partial broadcast (e.g. [2, 1] against [2, 3]): materialise the expanded batch.
    const expanded = noGrad(() => expand(x, [...batchShape, r, c]));
    temp = materialize(expanded, 'matmul');
    expanded.dispose();
    src = temp;
  }
  const batch = sizeOf(src.shape.slice(0, -2));
  if (src._isDense())
    return {
      info: { handle: src._storage.handle, dtype: 'float32', shape: [batch, r, c] },
      trans: false,
      temp,
    };
  if (isTransposedDense(src)) {
    return {
      info: { handle: src._storage.handle, dtype: 'float32', shape: [batch, c, r] },
      trans: true,
      temp,
    };
  }
  const dense = materialize(src, 'matmul');
  temp?.dispose();
  return {
    info: { handle: dense._storage.handle, dtype: 'float32', shape: [batch, r, c] },
    trans: false,
    temp: dense,
  };
}

/** The batched product of a [..., M, K] and b [..., K, N] (both at least 2-D), unrecorded. */
function gemm(a: Tensor, b: Tensor): Tensor {
  const backend = backendFor('matmul', [a, b]);
  const M = a.shape[a.ndim - 2];
  const K = a.shape[a.ndim - 1];
  const N = b.shape[b.ndim - 1];
  if (b.shape[b.ndim - 2] !== K) {
    throw new ShapeError(
      `matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be multiplied ` +
        `(${K} columns vs ${b.shape[b.ndim - 2]} rows). The last dim of the first must equal the ` +
        'second-to-last of the second; transpose one operand?',
    );
  }
  const batchShape = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = empty([...batchShape, M, N], 'float32', 'matmul');
  if (out.size === 0) return out;
  if (K === 0) {
    backend.fill(out._info(), 0);
    return out;
  }
  const B = sizeOf(batchShape);
  // A shared right operand: fold a's batch into its rows, one large product instead of B small ones.
  const foldable =
    B > 1 && sizeOf(b.shape.slice(0, -2)) === 1 && a._isDense() && sizeOf(a.shape.slice(0, -2)) === B;
  const pa: Operand = foldable
    ? {
        info: { handle: a._storage.handle, dtype: 'float32', shape: [1, B * M, K] },
        trans: false,
        temp: null,
      }
    : operand(a, batchShape);
  const pb = operand(b, batchShape);
  try {
    const o: TensorInfo = {
      handle: out._storage.handle,
      dtype: 'float32',
      shape: foldable ? [1, B * M, N] : [B, M, N],
    };
    backend.matmul(pa.info, pb.info, o, { transA: pa.trans, transB: pb.trans });
  } finally {
    pa.temp?.dispose();
    pb.temp?.dispose();
  }
  return out;
}

/**
 * Matrix product with PyTorch semantics: 1-D·1-D is a dot product (0-d), a 1-D operand is
 * treated as a row (left) or column (right) vector and that dim is removed, and leading batch
 * dims broadcast. a [..., M, K] · b [..., K, N] → [..., M, N].
 *   ∂/∂a = g·bᵀ, ∂/∂b = aᵀ·g (summed over broadcast batch dims)
 *
 * ```ts
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[1], [1]]))   // [2, 2]·[2, 1] → [2, 1]: [[3], [7]]
 * matmul(tensor([1, 2]), tensor([3, 4]))   // [2]·[2] → []: 11
 * matmul(randn([5, 2, 3]), randn([3, 4])).shape   // [5, 2, 4] (b broadcast over the batch)
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  requireFloat('matmul', a, 'input');
  requireFloat('matmul', b, 'other');
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `matmul: both operands need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}; use mul() for scalars.`,
    );
  }
  if (a.ndim === 1 || b.ndim === 1) {
    return tidy(() => {
      const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
      const b2 = b.ndim === 1 ? unsqueeze(b, -1) : b;
      let y = matmul(a2, b2);
      if (b.ndim === 1) y = squeeze(y, -1);
      if (a.ndim === 1) y = squeeze(y, a.ndim === 1 && b.ndim === 1 ? -1 : -2);
      return y;
    });
  }
  const y = gemm(a, b);
  return record('matmul', [a, b], y, [a, b], (g, [sa, sb], needs) => [
    needs[0] ? matmul(g, transpose(sb, -1, -2)) : null,
    needs[1] ? matmul(transpose(sa, -1, -2), g) : null,
  ]);
}

/** Options of `linear`. */
export interface LinearOptions {
  /** Applied to x·Wᵀ + b inside the fused kernel: 'none' (default), 'relu', 'tanh' or 'sigmoid'. */
  activation?: FusedActivation;
}

const ACTIVATIONS: readonly FusedActivation[] = ['none', 'relu', 'tanh', 'sigmoid'];

/**
 * g·act'(z) from the saved output y = act(z): relu' = sign(y) (y = max(z, 0) >= 0, so 1 where
 * z > 0, else 0: two kernels, no bool mask and cast), tanh' = 1 − y², sigmoid' = y(1 − y).
 */
function activationGrad(g: Tensor, y: Tensor, activation: FusedActivation): Tensor {
  switch (activation) {
    case 'relu':
      return mul(g, unaryKernel('sign', y));
    case 'tanh':
      return mul(g, sub(1, mul(y, y)));
    case 'sigmoid':
      return mul(g, mul(y, sub(1, y)));
    default:
      return g;
  }
}

/**
 * y = act(x·Wᵀ + b), fused into one kernel (the optional kernel `linear`; activation 'none'
 * unless given). x [..., in], weight [out, in], bias [out] (optional) → [..., out].
 *   with z = x·Wᵀ + b and gz = g·act'(z) (from the saved y): ∂/∂x = gz·W, ∂/∂W = gzᵀ·x,
 *   ∂/∂b = Σ gz over all leading dims
 *
 * ```ts
 * linear(randn([8, 4]), randn([3, 4]), zeros([3]), { activation: 'relu' })   // [8, 3], >= 0
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null, options: LinearOptions = {}): Tensor {
  requireFloat('linear', x, 'input');
  requireFloat('linear', weight, 'weight');
  if (bias !== undefined && bias !== null) requireFloat('linear', bias, 'bias');
  checkOptions('linear', options, ['activation']);
  const activation = options.activation ?? 'none';
  if (!ACTIVATIONS.includes(activation)) {
    throw new ValueError(
      `linear: activation must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(activation)}.`,
    );
  }
  if (weight.ndim !== 2) {
    throw new ShapeError(`linear: weight must be 2-D [out, in], got ${fmtShape(weight.shape)}.`);
  }
  const [outF, inF] = weight.shape;
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== inF) {
    throw new ShapeError(
      `linear: input ${fmtShape(x.shape)} has ${x.shape[x.ndim - 1] ?? 0} features but weight ${fmtShape(weight.shape)} ` +
        `expects ${inF}; the input's last dim must equal in_features.`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new ShapeError(`linear: bias must have shape [${outF}], got ${fmtShape(bias.shape)}.`);
  }
  const lead = x.shape.slice(0, -1);
  const M = sizeOf(lead);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const fused = (x2: Tensor): Tensor =>
    runKernel('linear', bias ? [x2, weight, bias] : [x2, weight], [M, outF], 'float32', (infos, o, b) =>
      optionalKernel(b, 'linear')(infos[0], infos[1], infos[2] ?? null, activation, o),
    );
  // A 2-D x is the kernel's [M, in] already: one kernel, nothing to free, so no tidy scope
  // (the output is tracked as compute's result would be). Else [M, in] and [..., out] views.
  const y =
    x.ndim === 2
      ? noGrad(() => fused(x))
      : compute(() => reshape(fused(reshape(x, [M, inF])), [...lead, outF]));
  const saved = activation === 'none' ? [x, weight] : [x, weight, y];
  return record('linear', inputs, y, saved, (g, [sx, sw, sy], needs) => {
    const gz = sy ? activationGrad(g, sy, activation) : g;
    // A 2-D x (the usual case) needs no [M, ·] views.
    const g2 = gz.ndim === 2 ? gz : reshape(gz, [M, outF]);
    return [
      needs[0] ? matmul(gz, sw) : null,
      needs[1] ? matmul(transpose(g2, 0, 1), sx.ndim === 2 ? sx : reshape(sx, [M, inF])) : null,
      needs[2] ? sum(g2, 0) : null,
    ];
  });
}
