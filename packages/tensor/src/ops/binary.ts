/**
 * Elementwise functions of two tensors with NumPy broadcasting, each beside its derivatives.
 * A plain number operand becomes a 0-d tensor (int32 if it is an integer and the other operand is
 * an integer tensor, float32 otherwise). Broadcast gradients are summed back by the engine.
 */

import { record } from '../autograd.js';
import type { BinaryOp } from '../backend.js';
import { type DType, isFloat, promoteTypes } from '../dtype.js';
import { DTypeError, describeValue } from '../errors.js';
import { broadcastShapes, fmtShape } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { eq, gt, lt } from './compare.js';
import { scalar } from './creation.js';
import { checkTensor, runKernel } from './kernel.js';
import { cast, log } from './unary.js';

/** The dtype a number takes next to a tensor of dtype `other`. */
function numberDType(n: number, other: DType): DType {
  if (other === 'float32' || !Number.isInteger(n)) return 'float32';
  return 'int32';
}

/**
 * Turns the operands into tensors of one dtype (`dtype` if given, else the promoted one), runs
 * `fn` with them, and disposes the temporaries it made (0-d scalars and casts).
 */
export function withOperands<T>(
  op: string,
  a: TensorLike,
  b: TensorLike,
  fn: (a: Tensor, b: Tensor, dtype: DType) => T,
  dtype?: DType,
): T {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new DTypeError(`${op}: at least one operand must be a Tensor, got two numbers.`);
  }
  const temps: Tensor[] = [];
  const toTensor = (x: TensorLike, other: TensorLike): Tensor => {
    if (x instanceof Tensor) return x._check(op);
    if (typeof x !== 'number')
      throw new DTypeError(
        `${op}: operand ${describeValue(x)} is neither a Tensor nor a number; pass a Tensor (make one with tensor(...)) or a number.`,
      );
    const t = scalar(x, numberDType(x, (other as Tensor).dtype));
    temps.push(t);
    return t;
  };
  let ta = toTensor(a, b);
  let tb = toTensor(b, a);
  const target = dtype ?? promoteTypes(ta.dtype, tb.dtype);
  if (ta.dtype !== target) {
    ta = cast(ta, target);
    temps.push(ta);
  }
  if (tb.dtype !== target) {
    tb = cast(tb, target);
    temps.push(tb);
  }
  try {
    return fn(ta, tb, target);
  } finally {
    for (const t of temps) t.dispose();
  }
}

/** Runs the broadcasting `binary` kernel (operands already share a dtype). */
export function binaryKernel(op: BinaryOp, a: Tensor, b: Tensor, outDtype: DType = a.dtype): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  return runKernel(
    op,
    [a, b],
    shape,
    outDtype,
    ([ai, bi], out, be) => be.binary(op, ai, bi, out),
    shape.length,
  );
}

/**
 * a + alpha·b.   ∂/∂a = 1, ∂/∂b = alpha
 * Shapes: a, b broadcast (NumPy rules) → broadcast shape; dtype is the promoted one.
 *
 * ```ts
 * add(tensor([[1, 2, 3]]), tensor([10]))   // [1, 3] + [1] → [[11, 12, 13]]
 * add(tensor([1, 2]), tensor([1, 1]), 10)   // [2] → [11, 12]
 * ```
 */
export function add(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  if (alpha !== 1) return withOperands('add', a, b, (x, y) => add(x, mul(y, alpha)));
  return withOperands('add', a, b, (x, y) =>
    record('add', [x, y], binaryKernel('add', x, y), [], (g) => [g, g]),
  );
}

/**
 * a - alpha·b.   ∂/∂a = 1, ∂/∂b = -alpha
 * Shapes: a, b broadcast → broadcast shape; dtype is the promoted one (bool is refused).
 *
 * ```ts
 * sub(tensor([5, 6]), tensor([1, 2]), 2)   // [2] - 2·[2] → [3, 2]
 * ```
 */
export function sub(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  if (alpha !== 1) return withOperands('sub', a, b, (x, y) => sub(x, mul(y, alpha)));
  return withOperands('sub', a, b, (x, y) => {
    if (x.dtype === 'bool')
      throw new DTypeError(
        'sub: bool tensors cannot be subtracted; use ne(a, b) for exclusive or, or logicalAnd(a, logicalNot(b)) for a and not b.',
      );
    return record('sub', [x, y], binaryKernel('sub', x, y), [], (g, _s, needs) => [
      g,
      needs[1] ? g.neg() : null,
    ]);
  });
}

/**
 * a·b.   ∂/∂a = b, ∂/∂b = a
 * Shapes: a, b broadcast → broadcast shape; dtype is the promoted one.
 *
 * ```ts
 * mul(tensor([[1], [2]]), tensor([3, 4]))   // [2, 1] · [2] → [[3, 4], [6, 8]]
 * ```
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return withOperands('mul', a, b, (x, y) =>
    record('mul', [x, y], binaryKernel('mul', x, y), [x, y], (g, [sx, sy], needs) => [
      needs[0] ? mul(g, sy) : null,
      needs[1] ? mul(g, sx) : null,
    ]),
  );
}

/**
 * a / b (true division: integer inputs give float32).   ∂/∂a = 1/b, ∂/∂b = -a/b²
 * Shapes: a, b broadcast → broadcast shape, always float32.
 *
 * ```ts
 * div(tensor([1, 2], { dtype: 'int32' }), 2)   // [2] int32 → [0.5, 1] float32
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return withOperands(
    'div',
    a,
    b,
    (x, y) =>
      record('div', [x, y], binaryKernel('div', x, y), [x, y], (g, [sx, sy], needs) => {
        const ga = needs[0] || needs[1] ? div(g, sy) : null;
        return [needs[0] ? ga : null, needs[1] && ga ? mul(ga, div(sx, sy)).neg() : null];
      }),
    'float32',
  );
}

/**
 * aᵇ.   ∂/∂a = b·aᵇ⁻¹ (0 where b = 0), ∂/∂b = aᵇ·ln a (taken as 0 where a = 0)
 * Shapes: a, b broadcast → broadcast shape; dtype is the promoted one (bool base refused).
 *
 * ```ts
 * pow(tensor([1, 2, 3]), 2)   // [3] → [1, 4, 9]
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return withOperands('pow', a, b, (x, y) => {
    if (x.dtype === 'bool') throw new DTypeError('pow: bool base; cast to float32 or int32 first.');
    const out = binaryKernel('pow', x, y);
    return record('pow', [x, y], out, [x, y, out], (g, [sx, sy, so], needs) => [
      // b·aᵇ⁻¹ is 0·0⁻¹ = NaN at a = 0, b = 0; PyTorch (and the limit of a⁰ = 1) give 0.
      needs[0] ? where(eq(sy, 0), 0, mul(g, mul(sy, pow(sx, sub(sy, 1))))) : null,
      needs[1] ? where(eq(sx, 0), 0, mul(g, mul(so, log(sx)))) : null,
    ]);
  });
}

/**
 * Elementwise maximum. ∂/∂a = 1 where a > b, ½ where a = b, 0 elsewhere (PyTorch's tie rule).
 * Shapes: a, b broadcast → broadcast shape; dtype is the promoted one.
 *
 * ```ts
 * maximum(tensor([1, 5]), tensor([3, 2]))   // [2], [2] → [3, 5]
 * ```
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return withOperands('maximum', a, b, (x, y) =>
    record('maximum', [x, y], binaryKernel('maximum', x, y), [x, y], (g, [sx, sy], needs) =>
      tieSplit(g, sx, sy, needs, gt),
    ),
  );
}

/**
 * Elementwise minimum. ∂/∂a = 1 where a < b, ½ where a = b, 0 elsewhere.
 * Shapes: a, b broadcast → broadcast shape; dtype is the promoted one.
 *
 * ```ts
 * minimum(tensor([1, 5]), 2)   // [2], scalar → [1, 2]
 * ```
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return withOperands('minimum', a, b, (x, y) =>
    record('minimum', [x, y], binaryKernel('minimum', x, y), [x, y], (g, [sx, sy], needs) =>
      tieSplit(g, sx, sy, needs, lt),
    ),
  );
}

function tieSplit(
  g: Tensor,
  a: Tensor,
  b: Tensor,
  needs: readonly boolean[],
  wins: (p: Tensor, q: Tensor) => Tensor,
): (Tensor | null)[] {
  const half = mul(g, 0.5);
  const tie = eq(a, b);
  return [
    needs[0] ? where(wins(a, b), g, where(tie, half, 0)) : null,
    needs[1] ? where(wins(b, a), g, where(tie, half, 0)) : null,
  ];
}

function logical(op: 'logicalAnd' | 'logicalOr', a: TensorLike, b: TensorLike): Tensor {
  return withOperands(op, a, b, (x, y) => binaryKernel(op, x, y), 'bool');
}

/**
 * Elementwise AND of truth values (non-zero is true); bool result.
 * Shapes: a, b broadcast → broadcast shape, bool. Not differentiable.
 *
 * ```ts
 * logicalAnd(tensor([1, 0, 2]), tensor([1, 1, 0]))   // [3] → [true, false, false]
 * ```
 */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return logical('logicalAnd', a, b);
}

/**
 * Elementwise OR of truth values (non-zero is true); bool result.
 * Shapes: a, b broadcast → broadcast shape, bool. Not differentiable.
 *
 * ```ts
 * logicalOr(tensor([1, 0, 0]), tensor([0, 0, 3]))   // [3] → [true, false, true]
 * ```
 */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return logical('logicalOr', a, b);
}

/**
 * `condition ? a : b` elementwise, broadcasting all three.
 * ∂/∂a = 1 where the condition holds, ∂/∂b = 1 elsewhere.
 * Shapes: condition (bool), a, b broadcast → broadcast shape; dtype is a and b's promoted one.
 *
 * ```ts
 * const x = tensor([1, -1, 2]);
 * where(x.gt(0), x, 0)   // [3] → [1, 0, 2]
 * ```
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', condition, 'condition');
  if (condition.dtype !== 'bool') {
    // PyTorch refuses a non-bool condition rather than guessing what a float mask means.
    throw new DTypeError(
      `where: condition must be a bool tensor, got ${condition.dtype} (shape ${fmtShape(condition.shape)}); ` +
        "compare to make a mask (e.g. x.gt(0)) or convert it with condition.to('bool').",
    );
  }
  const cond = condition;
  try {
    return withOperands('where', a, b, (x, y) => {
      const shape = broadcastShapes('where', cond.shape, x.shape, y.shape);
      const out = runKernel(
        'where',
        [cond, x, y],
        shape,
        x.dtype,
        ([ci, xi, yi], o, be) => be.where(ci, xi, yi, o),
        shape.length,
      );
      if (!isFloat(x.dtype)) return out;
      return record('where', [x, y], out, [cond], (g, [c], needs) => [
        needs[0] ? where(c, g, 0) : null,
        needs[1] ? where(c, 0, g) : null,
      ]);
    });
  } finally {
    if (cond !== condition) cond.dispose();
  }
}
