// Elementwise kernels: float32 unary (SIMD for the cheap ops), binary with broadcasting (float32 with a
// SIMD path for add..div, int32 wrapping), comparisons, where and casts. Broadcast kernels take a
// parameter block [rank, shape[rank], one stride list per operand] (iterate.ts).

import { Binary, Broadcast, Cast, Compare, Limit, Unary } from '../src/codes';
import { advance, lastOf, sizeOfShape, zeroWords } from './iterate';
import { binaryScalar, binaryScalarI32, unaryScalar } from './scalar';
import { reluVec } from './simd';

/** sign on four lanes as unaryScalar's rule: ±1 for nonzero lanes, ±0 kept, +0 for NaN. */
@inline function signVec(v: v128): v128 {
  // (v < 0) - (v > 0) on the all-ones masks is -1, 1 or 0 (NaN too), converted to float; -0 gets
  // its sign bit back from v where v == 0. The only constant is zero: others cost a load a lane.
  const zero = f32x4.splat(0);
  const unit = f32x4.convert_i32x4_s(i32x4.sub(f32x4.lt(v, zero), f32x4.gt(v, zero)));
  return v128.or(unit, v128.and(v, f32x4.eq(v, zero)));
}

/**
 * out = op(x) over n floats. neg, abs, sign, relu, floor, ceil, round, sqrt and reciprocal run
 * four lanes at a time, each bit-identical to unaryScalar (floor and ceil are IEEE's, round half
 * to even is IEEE's nearest; float32 sqrt and division are correctly rounded, as is the float64
 * result rounded to float32: not so rsqrt's two steps, left scalar). One loop per op (a switch
 * inside the loop would cost as much as the op); the last n mod 4 elements and the other ops go
 * through unaryScalar.
 */
export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  const end = <usize>(n & ~3) << 2;
  let o: usize = 0;
  switch (op) {
    case Unary.neg: for (; o < end; o += 16) v128.store(out + o, f32x4.neg(v128.load(x + o))); break;
    case Unary.abs: for (; o < end; o += 16) v128.store(out + o, f32x4.abs(v128.load(x + o))); break;
    case Unary.sign: for (; o < end; o += 16) v128.store(out + o, signVec(v128.load(x + o))); break;
    case Unary.relu: for (; o < end; o += 16) v128.store(out + o, reluVec(v128.load(x + o))); break;
    case Unary.floor: for (; o < end; o += 16) v128.store(out + o, f32x4.floor(v128.load(x + o))); break;
    case Unary.ceil: for (; o < end; o += 16) v128.store(out + o, f32x4.ceil(v128.load(x + o))); break;
    case Unary.round: for (; o < end; o += 16) v128.store(out + o, f32x4.nearest(v128.load(x + o))); break;
    case Unary.sqrt: for (; o < end; o += 16) v128.store(out + o, f32x4.sqrt(v128.load(x + o))); break;
    case Unary.reciprocal: for (; o < end; o += 16) v128.store(out + o, f32x4.div(f32x4.splat(1), v128.load(x + o))); break;
    default: break;
  }
  for (let i = <i32>(o >> 2); i < n; i++) {
    store<f32>(out + (<usize>i << 2), <f32>unaryScalar(op, <f64>load<f32>(x + (<usize>i << 2))));
  }
}

/** add, sub, mul or div of four lanes (the ops up to Binary.div). */
@inline function binaryVec(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case Binary.add: return f32x4.add(a, b);
    case Binary.sub: return f32x4.sub(a, b);
    case Binary.mul: return f32x4.mul(a, b);
    default: return f32x4.div(a, b);
  }
}

/**
 * out = a op b over a broadcast iteration space described by the parameter block `p`:
 * [rank, shape[rank], aStrides[rank], bStrides[rank]] (element strides, 0 where broadcast).
 */
export function binaryF32(op: i32, a: usize, b: usize, out: usize, p: usize): void {
  binaryF32With(op, a, b, out, p, memory.data(Limit.rank << 2));
}

/** binaryF32 with its multi-index in `idx` (Limit.rank words): each thread's own for a split call. */
export function binaryF32With(op: i32, a: usize, b: usize, out: usize, p: usize, idx: usize): void {
  const rank = load<i32>(p);
  const shape = p + 4;
  const as = shape + (<usize>rank << 2);
  const bs = as + (<usize>rank << 2);
  const n = sizeOfShape(shape, rank);
  if (n == 0) return;
  const inner = lastOf(shape, rank, 1);
  const ia = lastOf(as, rank, 0);
  const ib = lastOf(bs, rank, 0);
  const simd = op <= Binary.div;
  zeroWords(idx, Limit.rank);
  let oa = 0;
  let ob = 0;
  for (let start = 0; start < n; start += inner) {
    const po = out + (<usize>start << 2);
    const pa = a + (<usize>oa << 2);
    const pb = b + (<usize>ob << 2);
    let i = 0;
    if (simd && ia == 1 && ib == 1) {
      for (; i + 4 <= inner; i += 4) {
        const off = <usize>i << 2;
        v128.store(po + off, binaryVec(op, v128.load(pa + off), v128.load(pb + off)));
      }
    } else if (simd && ia == 1 && ib == 0) {
      const s = f32x4.splat(load<f32>(pb));
      for (; i + 4 <= inner; i += 4) {
        const off = <usize>i << 2;
        v128.store(po + off, binaryVec(op, v128.load(pa + off), s));
      }
    } else if (simd && ia == 0 && ib == 1) {
      const s = f32x4.splat(load<f32>(pa));
      for (; i + 4 <= inner; i += 4) {
        const off = <usize>i << 2;
        v128.store(po + off, binaryVec(op, s, v128.load(pb + off)));
      }
    }
    for (; i < inner; i++) {
      store<f32>(po + (<usize>i << 2), binaryScalar(op, load<f32>(pa + (<usize>(i * ia) << 2)), load<f32>(pb + (<usize>(i * ib) << 2))));
    }
    // Advance the outer index (all dims but the last), offsets kept in locals.
    for (let d = rank - 2; d >= 0; d--) {
      const at = idx + (<usize>d << 2);
      const v = load<i32>(at) + 1;
      const sa = load<i32>(as + (<usize>d << 2));
      const sb = load<i32>(bs + (<usize>d << 2));
      oa += sa;
      ob += sb;
      if (v < load<i32>(shape + (<usize>d << 2))) {
        store<i32>(at, v);
        break;
      }
      oa -= v * sa;
      ob -= v * sb;
      store<i32>(at, 0);
    }
  }
}

/**
 * out = a op b over n contiguous float32 elements of same-shape operands (a job's range of
 * binaryF32): add..div four lanes at a time, one loop per op (a switch inside the loop would
 * cost as much as the op), the tail and the other ops by binaryScalar.
 */
export function binaryDenseF32(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  const end = <usize>(n & ~3) << 2;
  let o: usize = 0;
  switch (op) {
    case Binary.add: for (; o < end; o += 16) v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o))); break;
    case Binary.sub: for (; o < end; o += 16) v128.store(out + o, f32x4.sub(v128.load(a + o), v128.load(b + o))); break;
    case Binary.mul: for (; o < end; o += 16) v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o))); break;
    case Binary.div: for (; o < end; o += 16) v128.store(out + o, f32x4.div(v128.load(a + o), v128.load(b + o))); break;
    default: break;
  }
  for (; o < <usize>n << 2; o += 4) store<f32>(out + o, binaryScalar(op, load<f32>(a + o), load<f32>(b + o)));
}

@inline function compareScalar<T>(op: i32, a: T, b: T): u8 {
  switch (op) {
    case Compare.eq: return a == b ? 1 : 0;
    case Compare.ne: return a != b ? 1 : 0;
    case Compare.lt: return a < b ? 1 : 0;
    case Compare.le: return a <= b ? 1 : 0;
    case Compare.gt: return a > b ? 1 : 0;
    default: return a >= b ? 1 : 0;
  }
}

/** What a scalar broadcast loop computes. */
const COMPARE: i32 = 0; // out (bool bytes) = a op b
const BINARY_I32: i32 = 1; // out (int32) = a op b
const WHERE: i32 = 2; // out (32-bit) = cond ? a : b, with x = cond (bool bytes), y = a, z = b

/** Bytes of the multi-index and offsets scratch of a scalar broadcast loop. */
const BROADCAST_SCRATCH: i32 = (Limit.rank + 3) << 2;

/**
 * The scalar broadcast loop of compareF32, compareI32, binaryI32 (operands x, y; block [rank,
 * shape, xStrides, yStrides]) and where32 (x = cond, y, z; block [rank, shape, cStrides,
 * yStrides, zStrides]). T is the type of the compared or added elements; `tmp` holds
 * BROADCAST_SCRATCH bytes (the multi-index and the operands' offsets).
 */
@inline function broadcastScalar<T>(mode: i32, op: i32, x: usize, y: usize, z: usize, out: usize, p: usize, tmp: usize): void {
  const rank = load<i32>(p);
  const shape = p + 4;
  const xs = shape + (<usize>rank << 2);
  const ys = xs + (<usize>rank << 2);
  const zs = mode == WHERE ? ys + (<usize>rank << 2) : 0;
  const n = sizeOfShape(shape, rank);
  if (n == 0) return;
  const inner = lastOf(shape, rank, 1);
  const ix = lastOf(xs, rank, 0);
  const iy = lastOf(ys, rank, 0);
  const iz = mode == WHERE ? lastOf(zs, rank, 0) : 0;
  const idx = tmp;
  const off = tmp + (<usize>Limit.rank << 2);
  zeroWords(idx, Limit.rank);
  zeroWords(off, 3);
  for (let start = 0; start < n; start += inner) {
    if (mode == WHERE) {
      const pc = x + <usize>load<i32>(off);
      const pa = y + (<usize>load<i32>(off, 4) << 2);
      const pb = z + (<usize>load<i32>(off, 8) << 2);
      const po = out + (<usize>start << 2);
      for (let i = 0; i < inner; i++) {
        const v = load<u8>(pc + <usize>(i * ix)) ? load<u32>(pa + (<usize>(i * iy) << 2)) : load<u32>(pb + (<usize>(i * iz) << 2));
        store<u32>(po + (<usize>i << 2), v);
      }
    } else {
      const pa = x + (<usize>load<i32>(off) << 2);
      const pb = y + (<usize>load<i32>(off, 4) << 2);
      for (let i = 0; i < inner; i++) {
        const a = load<T>(pa + (<usize>(i * ix) << 2));
        const b = load<T>(pb + (<usize>(i * iy) << 2));
        if (mode == COMPARE) store<u8>(out + <usize>(start + i), compareScalar<T>(op, a, b));
        else store<i32>(out + (<usize>(start + i) << 2), binaryScalarI32(op, <i32>a, <i32>b));
      }
    }
    advance(idx, rank, shape, xs, ys, zs, off);
  }
}

/** out (bool bytes) = a op b on float32, broadcast as in binaryF32 (op: a Compare code). */
export function compareF32(op: i32, a: usize, b: usize, out: usize, p: usize): void {
  broadcastScalar<f32>(COMPARE, op, a, b, 0, out, p, memory.data(BROADCAST_SCRATCH));
}

/** out (bool bytes) = a op b on int32, broadcast as in binaryF32. */
export function compareI32(op: i32, a: usize, b: usize, out: usize, p: usize): void {
  broadcastScalar<i32>(COMPARE, op, a, b, 0, out, p, memory.data(BROADCAST_SCRATCH));
}

/** int32 out = a op b (add sub mul maximum minimum; wrapping), broadcast as in binaryF32. */
export function binaryI32(op: i32, a: usize, b: usize, out: usize, p: usize): void {
  broadcastScalar<i32>(BINARY_I32, op, a, b, 0, out, p, memory.data(BROADCAST_SCRATCH));
}

/** out = cond ? a : b (cond bool bytes; a, b, out float32 or int32), block [rank, shape, cStrides, aStrides, bStrides]. */
export function where32(cond: usize, a: usize, b: usize, out: usize, p: usize): void {
  broadcastScalar<u32>(WHERE, 0, cond, a, b, out, p, memory.data(BROADCAST_SCRATCH));
}

/**
 * One of the broadcast kernels (a Broadcast code) with its scratch in `tmp` (BROADCAST_SCRATCH
 * bytes): a thread's rows of a split call. x is the condition of where32, z its second operand.
 */
export function broadcastWith(kernel: i32, op: i32, x: usize, y: usize, z: usize, out: usize, p: usize, tmp: usize): void {
  switch (kernel) {
    case Broadcast.binaryF32: binaryF32With(op, x, y, out, p, tmp); break;
    case Broadcast.compareF32: broadcastScalar<f32>(COMPARE, op, x, y, 0, out, p, tmp); break;
    case Broadcast.compareI32: broadcastScalar<i32>(COMPARE, op, x, y, 0, out, p, tmp); break;
    case Broadcast.binaryI32: broadcastScalar<i32>(BINARY_I32, op, x, y, 0, out, p, tmp); break;
    default: broadcastScalar<u32>(WHERE, 0, x, y, z, out, p, tmp);
  }
}

/** Casts n elements; kind is a Cast code (source_target). */
export function cast(kind: i32, x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i;
    switch (kind) {
      case Cast.bool_float32: store<f32>(out + (o << 2), <f32>load<u8>(x + o)); break;
      case Cast.float32_bool: { const v = load<f32>(x + (o << 2)); store<u8>(out + o, v != 0 ? 1 : 0); break; }
      case Cast.int32_float32: store<f32>(out + (o << 2), <f32>load<i32>(x + (o << 2))); break;
      case Cast.bool_int32: store<i32>(out + (o << 2), <i32>load<u8>(x + o)); break;
      default: store<u8>(out + o, load<i32>(x + (o << 2)) != 0 ? 1 : 0);
    }
  }
}
