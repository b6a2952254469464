/**
 * Scaled dot-product attention with PyTorch 2's `F.scaled_dot_product_attention` semantics:
 *   s = scale · q·kᵀ + mask;  out = dropout(softmax(s)) · v
 * Uses the optional kernel `attention` (the backend's, or its reference decomposition,
 * reference/attention.ts) unless dropout is asked for, which is decomposed here. Either way the forward produces the output and the
 * log-sum-exp of every score row; the gradient recomputes the probabilities from them
 * (P = exp(s - lse)) instead of keeping the [.., L, S] matrix alive between forward and backward.
 */
import { compute, record } from '../autograd.js';
import type { AttentionParams } from '../backend.js';
import { checkOptions, DTypeError, ShapeError, ValueError } from '../errors.js';
import type { Generator } from '../random.js';
import { optionalKernel } from '../reference/index.js';
import { tidy } from '../scope.js';
import { broadcastShapes, fmtShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add, mul, sub, where } from './binary.js';
import { ge } from './compare.js';
import { ones, rand, scalar } from './creation.js';
import { backendFor, checkTensor, empty, materialize } from './kernel.js';
import { tril } from './masking.js';
import { matmul } from './matmul.js';
import { logsumexp, sum } from './reduce.js';
import { exp } from './unary.js';
import { expand, reshape, transpose } from './views.js';

/** Options of `scaledDotProductAttention`. */
export interface AttentionOptions {
  /**
   * A mask broadcastable to [..., L, S]: bool (true = the query may attend to that key, PyTorch
   * 2's convention) or float32 added to the scores (0 to keep, -Infinity to drop; a float mask
   * that requires grad receives a gradient).
   */
  attnMask?: Tensor | null;
  /** Query i attends to keys j <= i only (top-left aligned when L != S). Not with attnMask. */
  isCausal?: boolean;
  /** Dropout probability on the attention weights (always applied when > 0, as PyTorch's). */
  dropoutP?: number;
  /** Multiplies q·kᵀ; default 1/√E. */
  scale?: number | null;
  /** The dropout masks' generator (default: the library's seeded one). */
  generator?: Generator;
}

const OPTION_KEYS = ['attnMask', 'isCausal', 'dropoutP', 'scale', 'generator'];
const OP = 'scaledDotProductAttention';

function requireFloat(name: string, x: Tensor): void {
  if (!(x instanceof Tensor)) throw new ValueError(`${OP}: ${name} must be a Tensor, got ${String(x)}.`);
  checkTensor(OP, x);
  if (x.dtype !== 'float32')
    throw new DTypeError(`${OP}: ${name} must be float32, got ${x.dtype}; use ${name}.to('float32').`);
  if (x.ndim < 2)
    throw new ShapeError(
      `${OP}: ${name} must have at least 2 dims [..., len, dim], got ${fmtShape(x.shape)}.`,
    );
}

/** The additive float32 mask for `attnMask` (bool → 0 / -Infinity). */
function additiveMask(mask: Tensor): Tensor {
  return mask.dtype === 'bool' ? where(mask, scalar(0), scalar(Number.NEGATIVE_INFINITY)) : mask;
}

/** A [L, S] additive causal mask: 0 where j <= i, -Infinity above the diagonal. */
function causalMask(L: number, S: number): Tensor {
  return tidy(() => additiveMask(tril(ones([L, S], { dtype: 'bool' }))));
}

/** s = scale · q·kᵀ (+ mask). */
function scores(q: Tensor, k: Tensor, mask: Tensor | null, scale: number): Tensor {
  const s = mul(matmul(q, transpose(k, -1, -2)), scale);
  return mask ? add(s, mask) : s;
}

/**
 * out = softmax(s)·v and lse = log Σⱼ exp(s) in broadcasting tensor ops, for q [..., L, E],
 * k [..., S, E], v [..., S, Ev] and an additive mask: the forward when L or S is 0 (outside the
 * kernel's contract).
 */
function attentionDecomposed(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  mask: Tensor | null,
  scale: number,
): { out: Tensor; lse: Tensor } {
  return compute(() => {
    const s = scores(q, k, mask, scale);
    const lse = logsumexp(s, -1, true);
    const out = matmul(exp(sub(s, lse)), v);
    return { out, lse };
  });
}

/**
 * The forward through the optional kernel `attention` (the backend's, or reference/attention.ts):
 * every operand flattened to [B, ., .].
 */
function attentionKernel(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  mask: Tensor | null,
  params: AttentionParams,
): { out: Tensor; lse: Tensor } {
  const backend = backendFor(OP, mask ? [q, k, v, mask] : [q, k, v]);
  const L = q.shape[q.ndim - 2];
  const S = k.shape[k.ndim - 2];
  const E = q.shape[q.ndim - 1];
  const Ev = v.shape[v.ndim - 1];
  const batch = broadcastShapes(OP, q.shape.slice(0, -2), k.shape.slice(0, -2), v.shape.slice(0, -2));
  const B = sizeOf(batch);
  return compute(() => {
    const flat = (x: Tensor, r: number, c: number, lead: readonly number[] = batch) => {
      const e = expand(x, [...lead, r, c]);
      const d = e._isDense() ? e : materialize(e);
      return reshape(d, [sizeOf(lead), r, c]);
    };
    const qi = flat(q, L, E);
    const ki = flat(k, S, E);
    const vi = flat(v, S, Ev);
    let mi: Tensor | null = null;
    if (mask) {
      // A mask shared by every slice stays [1, L, S]; otherwise it is expanded to [B, L, S].
      const shared = sizeOf(mask.shape.slice(0, -2)) === 1;
      const lead = shared ? mask.shape.slice(0, -2) : batch;
      mi = flat(mask, L, S, lead);
      if (shared) mi = reshape(mi, [1, L, S]);
    }
    const out = empty([B, L, Ev], 'float32');
    const lse = empty([B, L], 'float32');
    if (out.size > 0 || lse.size > 0) {
      optionalKernel(backend, 'attention')(
        qi._info(),
        ki._info(),
        vi._info(),
        mi ? mi._info() : null,
        params,
        out._info(),
        lse._info(),
      );
    }
    return { out: reshape(out, [...batch, L, Ev]), lse: reshape(lse, [...batch, L, 1]) };
  });
}

/**
 * Scaled dot-product attention (PyTorch 2's `F.scaled_dot_product_attention`):
 *   out = dropout(softmax(scale · q·kᵀ + mask)) · v
 * q [..., L, E], k [..., S, E], v [..., S, Ev] → [..., L, Ev]; the batch dims of q, k, v and the
 * mask broadcast. A bool mask keeps the positions where it is true; a float mask is added to the
 * scores. A query row whose keys are all masked gives NaN, as in PyTorch.
 *   ∂/∂v = Pᵀ·g,  dS = P ⊙ (dP - Σⱼ dP⊙P) with dP = g·vᵀ,  ∂/∂q = scale·dS·k,  ∂/∂k = scale·dSᵀ·q,
 *   ∂/∂mask = dS (float masks)
 *
 * ```ts
 * const q = randn([2, 4, 8, 16]);             // batch 2, 4 heads, 8 positions, head dim 16
 * const y = scaledDotProductAttention(q, q, q, { isCausal: true });   // [2, 4, 8, 16]
 * ```
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions = {},
): Tensor {
  checkOptions(OP, options, OPTION_KEYS);
  requireFloat('q', q);
  requireFloat('k', k);
  requireFloat('v', v);
  const L = q.shape[q.ndim - 2];
  const E = q.shape[q.ndim - 1];
  const S = k.shape[k.ndim - 2];
  if (k.shape[k.ndim - 1] !== E) {
    throw new ShapeError(
      `${OP}: q ${fmtShape(q.shape)} and k ${fmtShape(k.shape)} must share their last dim (the embedding), got ${E} and ${k.shape[k.ndim - 1]}.`,
    );
  }
  if (v.shape[v.ndim - 2] !== S) {
    throw new ShapeError(
      `${OP}: k ${fmtShape(k.shape)} and v ${fmtShape(v.shape)} must have the same number of keys (dim -2), got ${S} and ${v.shape[v.ndim - 2]}.`,
    );
  }
  const batch = broadcastShapes(OP, q.shape.slice(0, -2), k.shape.slice(0, -2), v.shape.slice(0, -2));
  const attnMask = options.attnMask ?? null;
  const isCausal = options.isCausal ?? false;
  const dropoutP = options.dropoutP ?? 0;
  if (typeof isCausal !== 'boolean')
    throw new ValueError(`${OP}: isCausal must be true or false, got ${String(isCausal)}.`);
  if (!(typeof dropoutP === 'number' && dropoutP >= 0 && dropoutP < 1))
    throw new ValueError(`${OP}: dropoutP must be a number in [0, 1), got ${String(dropoutP)}.`);
  const scale = options.scale ?? 1 / Math.sqrt(E);
  if (!(typeof scale === 'number' && Number.isFinite(scale)))
    throw new ValueError(`${OP}: scale must be a finite number, got ${String(scale)}.`);
  if (attnMask !== null) {
    if (isCausal)
      throw new ValueError(
        `${OP}: give either attnMask or isCausal, not both; fold the causal triangle into the mask instead.`,
      );
    if (!(attnMask instanceof Tensor))
      throw new ValueError(`${OP}: attnMask must be a Tensor, got ${String(attnMask)}.`);
    checkTensor(OP, attnMask, 'attnMask');
    if (attnMask.dtype !== 'bool' && attnMask.dtype !== 'float32') {
      throw new DTypeError(
        `${OP}: attnMask must be bool (true = attend) or float32 (added to the scores), got ${attnMask.dtype}.`,
      );
    }
    const want = [...batch, L, S];
    const m = attnMask.shape;
    const fits =
      m.length <= want.length && m.every((d, i) => d === 1 || d === want[want.length - m.length + i]);
    if (!fits) {
      throw new ShapeError(
        `${OP}: attnMask ${fmtShape(m)} does not broadcast to the scores' shape ${fmtShape(want)} ([..., L, S]).`,
      );
    }
  }

  const additive = attnMask
    ? attnMask.dtype === 'bool'
      ? compute(() => additiveMask(attnMask))
      : attnMask
    : null;
  const mask = additive ?? (isCausal ? causalMask(L, S) : null);
  const maskTemp = mask !== attnMask ? mask : null;
  try {
    let out: Tensor;
    let lse: Tensor;
    let drop: Tensor | null = null;
    if (dropoutP === 0 && L > 0 && S > 0) {
      ({ out, lse } = attentionKernel(q, k, v, additive, { scale, causal: isCausal }));
    } else if (dropoutP === 0) {
      ({ out, lse } = attentionDecomposed(q, k, v, mask, scale));
    } else {
      ({ out, lse, drop } = compute(() => {
        const s = scores(q, k, mask, scale);
        const lse = logsumexp(s, -1, true);
        const p = exp(sub(s, lse));
        const keep = ge(rand(p.shape, { generator: options.generator }), dropoutP);
        const drop = where(keep, scalar(1 / (1 - dropoutP)), scalar(0));
        return { out: matmul(mul(p, drop), v), lse, drop };
      }));
    }
    const gradMask = attnMask && attnMask.dtype === 'float32' ? attnMask : null;
    const inputs = gradMask ? [q, k, v, gradMask] : [q, k, v];
    const saved = [q, k, v, lse, ...(mask ? [mask] : []), ...(drop ? [drop] : [])];
    const hasMask = mask !== null;
    const y = record(OP, inputs, out, saved, (g, sv, needs) =>
      // One tidy per rule: the [.., L, S] temporaries go as soon as this node's gradients exist,
      // not at the end of the whole backward pass.
      tidy(() => {
        const [sq, sk, svv, slse] = sv;
        const sm = hasMask ? sv[4] : null;
        const sd = drop ? sv[hasMask ? 5 : 4] : null;
        const p = exp(sub(scores(sq, sk, sm, scale), slse));
        const pd = sd ? mul(p, sd) : p;
        const dv = needs[2] ? matmul(transpose(pd, -1, -2), g) : null;
        if (!needs[0] && !needs[1] && !needs[3]) return [null, null, dv, null];
        let dp = matmul(g, transpose(svv, -1, -2));
        if (sd) dp = mul(dp, sd);
        const ds = mul(p, sub(dp, sum(mul(dp, p), -1, true)));
        return [
          needs[0] ? mul(matmul(ds, sk), scale) : null,
          needs[1] ? mul(matmul(transpose(ds, -1, -2), sq), scale) : null,
          dv,
          needs[3] ? ds : null,
        ];
      }),
    );
    lse.dispose();
    drop?.dispose();
    return y;
  } finally {
    maskTemp?.dispose();
  }
}
