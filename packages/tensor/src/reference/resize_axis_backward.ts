/**
 * Reference decomposition of the optional kernel `resizeAxisBackward` (see
 * `OptionalKernels.resizeAxisBackward`): the adjoint of `resizeAxis`, each output position's
 * gradient scatter-added back to its source rows with the same weights.
 */
import type { ResizeAxisParams, TensorInfo } from '../backend.js';
import { add, mul } from '../ops/binary.js';
import { fromTypedArray } from '../ops/creation.js';
import { scatterAddInto } from '../ops/indexing.js';
import { materialize } from '../ops/kernel.js';
import { expand } from '../ops/views.js';
import type { Tensor } from '../tensor.js';
import { borrow, runReference, writeTo } from './borrow.js';
import { alongAxis, resizeTable } from './resize_axis.js';

/** resizeAxisBackward by decomposition: dx[i0] += (1 − λ)·dy, dx[i1] += λ·dy along params.axis. */
export function resizeAxisBackwardReference(dy: TensorInfo, params: ResizeAxisParams, dx: TensorInfo): void {
  runReference(() => {
    const { axis } = params;
    const o = dy.shape[axis];
    const rank = dy.shape.length;
    const t = resizeTable(dx.shape[axis], o, params);
    const g = borrow(dy);
    const indexOf = (rows: Int32Array): Tensor => {
      const shape = Array.from({ length: rank }, (_, j) => (j === axis ? o : 1));
      return materialize(expand(fromTypedArray(rows, shape, 'int32'), dy.shape));
    };
    if (params.mode === 'nearest') {
      writeTo(dx, scatterAddInto(dx.shape, axis, indexOf(t.i0), g));
      return;
    }
    const ga = mul(
      g,
      alongAxis(
        t.lambda.map((l) => 1 - l),
        axis,
        rank,
      ),
    );
    const gb = mul(g, alongAxis(t.lambda, axis, rank));
    writeTo(
      dx,
      add(
        scatterAddInto(dx.shape, axis, indexOf(t.i0), ga),
        scatterAddInto(dx.shape, axis, indexOf(t.i1), gb),
      ),
    );
  });
}
