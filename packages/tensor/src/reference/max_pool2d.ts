/**
 * Reference decomposition of the optional kernel `maxPool2d` (see `OptionalKernels.maxPool2d`):
 * im2col with −∞ padding (reference/windows.ts), the max over each window, and the position of
 * its first maximum (a NaN first) among the in-bounds elements, as h·W + w in the input plane.
 */
import type { Pool2dParams, TensorInfo } from '../backend.js';
import { add, logicalAnd, logicalOr, mul } from '../ops/binary.js';
import { eq, isnan } from '../ops/compare.js';
import { fromTypedArray } from '../ops/creation.js';
import { argmax, max } from '../ops/reduce.js';
import { cast, floor } from '../ops/unary.js';
import { reshape } from '../ops/views.js';
import { borrow, runReference, writeTo } from './borrow.js';
import { insideWindows, poolWindow } from './pool_window.js';
import { im2col } from './windows.js';

/** maxPool2d by decomposition: out [N, C, Ho, Wo] the window maxima, indices their positions. */
export function maxPool2dReference(
  x: TensorInfo,
  params: Pool2dParams,
  out: TensorInfo,
  indices: TensorInfo,
): void {
  runReference(() => {
    const [, , H, W] = x.shape;
    const [, , Ho, Wo] = out.shape;
    const w = poolWindow(params);
    const cols = im2col(borrow(x), w, Ho, Wo, Number.NEGATIVE_INFINITY); // [N, C, K, L]
    const values = max(cols, 2, true);
    const hit = logicalAnd(logicalOr(eq(cols, values), isnan(cols)), insideWindows(H, W, w, Ho, Wo));
    const k = cast(argmax(cast(hit, 'float32'), 2), 'float32'); // [N, C, L]: window element (i, j)
    const i = floor(mul(k, 1 / w.kW));
    const j = add(k, mul(i, -w.kW));
    // The window's top-left input position per output, (oh·sH − pH)·W + ow·sW − pW.
    const corner = Float32Array.from({ length: Ho * Wo }, (_, l) => {
      const oh = Math.floor(l / Wo);
      return (oh * w.sH - w.pH) * W + (l - oh * Wo) * w.sW - w.pW;
    });
    const position = add(add(mul(i, W), j), fromTypedArray(corner, [1, 1, Ho * Wo], 'float32'));
    writeTo(out, values);
    writeTo(indices, reshape(cast(position, 'int32'), out.shape));
  });
}
