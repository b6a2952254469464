/**
 * Sliding windows for the reference convolution and pooling, without index tables: the input is
 * padded once, and every window position is a strided view of the padded planes
 * ([N, C, kH, kW, Ho, Wo], im2col as one strided copy); the adjoint (col2im) puts each window
 * offset's columns back by zero-interleaving (the stride) and padding (the offset), then sums.
 */
import { add } from '../ops/binary.js';
import { full, zeros } from '../ops/creation.js';
import { cat, stack } from '../ops/join.js';
import { materialize } from '../ops/kernel.js';
import { narrow, reshape, select, stridedView } from '../ops/views.js';
import type { Window } from '../ops/window.js';
import type { Tensor } from '../tensor.js';

/** Pads `n` elements of `value` before and after along `dim` (x itself when n is 0). */
function padAlong(x: Tensor, dim: number, n: number, value: number): Tensor {
  if (n === 0) return x;
  const side = [...x.shape];
  side[dim] = n;
  const edge = full(side, value, { dtype: x.dtype });
  return cat([edge, x, edge], dim);
}

/** x [N, C, H, W] padded by pH rows and pW columns of `value` on each side, dense. */
export function padPlanes(x: Tensor, pH: number, pW: number, value: number): Tensor {
  const padded = padAlong(padAlong(x, 2, pH, value), 3, pW, value);
  return padded._isDense() ? padded : materialize(padded);
}

/**
 * The windows of dense padded planes xp [N, C, Hp, Wp] as a view [N, C, kH, kW, Ho, Wo]:
 * element (n, c, i, j, oh, ow) is xp[n, c, oh·sH + i·dH, ow·sW + j·dW].
 */
export function windows(xp: Tensor, w: Window, Ho: number, Wo: number): Tensor {
  const [N, C, Hp, Wp] = xp.shape;
  return stridedView(
    xp,
    [N, C, w.kH, w.kW, Ho, Wo],
    [C * Hp * Wp, Hp * Wp, w.dH * Wp, w.dW, w.sH * Wp, w.sW],
    xp.offset,
  );
}

/** im2col of x [N, C, H, W]: [N, C, kH·kW, Ho·Wo] with `padValue` in the padding. */
export function im2col(x: Tensor, w: Window, Ho: number, Wo: number, padValue: number): Tensor {
  const [N, C] = x.shape;
  const cols = materialize(windows(padPlanes(x, w.pH, w.pW, padValue), w, Ho, Wo));
  return reshape(cols, [N, C, w.kH * w.kW, Ho * Wo]);
}

/** t with s − 1 zeros after each element along `dim` (t itself when s is 1). */
function interleaveZeros(t: Tensor, dim: number, s: number): Tensor {
  if (s === 1) return t;
  const gap = zeros(t.shape, { dtype: t.dtype });
  const parts = [t, ...new Array<Tensor>(s - 1).fill(gap)];
  const shape = [...t.shape];
  shape[dim] *= s;
  return reshape(stack(parts, dim + 1), shape);
}

/** t placed at `offset` along `dim` in a zero tensor of length `total` there (cut at the end). */
function placeAlong(t: Tensor, dim: number, offset: number, total: number): Tensor {
  const keep = Math.min(t.shape[dim], total - offset);
  const parts: Tensor[] = [];
  const side = (n: number) => {
    const shape = [...t.shape];
    shape[dim] = n;
    return zeros(shape, { dtype: t.dtype });
  };
  if (offset > 0) parts.push(side(offset));
  parts.push(narrow(t, dim, 0, keep));
  if (total - offset - keep > 0) parts.push(side(total - offset - keep));
  return parts.length === 1 ? parts[0] : cat(parts, dim);
}

/**
 * col2im, the adjoint of `im2col`: columns [N, C, kH·kW, Ho·Wo] summed back into [N, C, H, W]
 * (overlapping windows add up; what fell in the padding is dropped).
 */
export function col2im(cols: Tensor, H: number, W: number, w: Window, Ho: number, Wo: number): Tensor {
  const [N, C] = cols.shape;
  const Hp = H + 2 * w.pH;
  const Wp = W + 2 * w.pW;
  // Stride first: each column lands every sH rows and sW columns of the padded plane.
  const spread = interleaveZeros(
    interleaveZeros(reshape(cols, [N, C, w.kH, w.kW, Ho, Wo]), 4, w.sH),
    5,
    w.sW,
  );
  let acc: Tensor | null = null;
  for (let i = 0; i < w.kH; i++) {
    for (let j = 0; j < w.kW; j++) {
      const part = select(select(spread, 2, i), 2, j); // [N, C, Ho·sH, Wo·sW]
      const placed = placeAlong(placeAlong(part, 2, i * w.dH, Hp), 3, j * w.dW, Wp);
      acc = acc ? add(acc, placed) : placed;
    }
  }
  const planes = acc ?? zeros([N, C, Hp, Wp]);
  return narrow(narrow(planes, 2, w.pH, H), 3, w.pW, W);
}
