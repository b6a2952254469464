/**
 * The comparison and selection ops `importOnnx` runs: Equal, Less, Greater, Not, And, Or and Where,
 * which PyTorch writes for attention masks (a bool key padding mask becomes
 * `Where(mask, -inf, scores_mask)`) and for dynamic-shape arithmetic. Each has a host version, so
 * that shape arithmetic stays on plain numbers.
 */
import { broadcastOffsets, broadcastShapes, padShape, type Tensor, where } from '@nnet/tensor';
import { hostBinary } from './host_ops.js';
import { asTensor, type OpDef } from './op_context.js';
import type { HostTensor } from './tensor_proto.js';

/** A comparison (bool result) on tensors and on host values. */
function compare(f: (a: Tensor, b: Tensor) => Tensor, h: (x: number, y: number) => boolean): OpDef {
  return {
    host: ([a, b], c) => [hostBinary(c.node.opType ?? '', a!, b!, (x, y) => (h(x, y) ? 1 : 0), 'bool')],
    run: ([a, b], c) => [f(asTensor(a, c, 0), asTensor(b, c, 1))],
  };
}

/** Where(condition, X, Y) on host values with NumPy broadcasting of all three. */
function hostWhere(cond: HostTensor, x: HostTensor, y: HostTensor): HostTensor {
  const shape = broadcastShapes('importOnnx: Where', cond.shape, x.shape, y.shape);
  const [oc, ox, oy] = [cond, x, y].map((t) => broadcastOffsets(shape, padShape(t.shape, shape.length)));
  const data = new Float64Array(oc.length);
  for (let i = 0; i < data.length; i++) data[i] = cond.data[oc[i]] ? x.data[ox[i]] : y.data[oy[i]];
  return { host: true, kind: x.kind, shape, data };
}

/** The logic ops, by op_type (default domain); merged into `OPS`. */
export const LOGIC_OPS: Record<string, OpDef> = {
  And: compare(
    (a, b) => a.logicalAnd(b),
    (x, y) => Boolean(x) && Boolean(y),
  ),
  Equal: compare(
    (a, b) => a.eq(b),
    (x, y) => x === y,
  ),
  Greater: compare(
    (a, b) => a.gt(b),
    (x, y) => x > y,
  ),
  Less: compare(
    (a, b) => a.lt(b),
    (x, y) => x < y,
  ),
  Not: {
    host: ([x]) => [{ ...x!, data: x!.data.map((v) => (v ? 0 : 1)) }],
    run: ([x], c) => [asTensor(x, c, 0).logicalNot()],
  },
  Or: compare(
    (a, b) => a.logicalOr(b),
    (x, y) => Boolean(x) || Boolean(y),
  ),
  Where: {
    host: ([cond, x, y]) => [hostWhere(cond!, x!, y!)],
    run: ([cond, x, y], c) => [where(asTensor(cond, c, 0), asTensor(x, c, 1), asTensor(y, c, 2))],
  },
};
