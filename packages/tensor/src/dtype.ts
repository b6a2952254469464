/**
 * Element types. `float32` is the default; `int32` holds indices and counts; `bool` holds masks
 * (stored one byte per element, 0 or 1).
 */
export type DType = 'float32' | 'int32' | 'bool';

/**
 * Every dtype nnet stores: float32, int32 and bool.
 *
 * ```ts
 * DTYPES   // ['float32', 'int32', 'bool']
 * for (const dtype of DTYPES) zeros([2], { dtype });
 * ```
 */
export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

/** The typed array that stores each dtype. */
export interface TypedArrayOf {
  /** float32 storage: `Float32Array`. */
  float32: Float32Array;
  /** int32 storage: `Int32Array`. */
  int32: Int32Array;
  /** bool storage: `Uint8Array`, one byte per element holding 0 or 1. */
  bool: Uint8Array;
}

/**
 * The typed array of each dtype: Float32Array (float32), Int32Array (int32), Uint8Array (bool,
 * 0 or 1), as `data()` returns.
 *
 *   const values: TypedArray = await x.data();
 */
export type TypedArray = Float32Array | Int32Array | Uint8Array;

/**
 * Bytes per element of a dtype.
 *
 * ```ts
 * bytesPerElement('float32')   // 4
 * bytesPerElement('bool')   // 1
 * ```
 */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

/**
 * A number converted to `dtype` by the backend contract's rule (what `cast` and `fill` do):
 * float32 rounds to single precision; int32 truncates toward zero and saturates (NaN → 0, like
 * WebAssembly's i32.trunc_sat; PyTorch leaves NaN, ±Inf and out-of-range values undefined);
 * bool is `value !== 0` (NaN → true, as in PyTorch).
 *
 * ```ts
 * castScalar(-2.7, 'int32')   // -2 (toward zero)
 * castScalar(3e10, 'int32')   // 2147483647 (saturates); castScalar(NaN, 'int32') → 0
 * castScalar(NaN, 'bool')   // 1 (true)
 * ```
 */
export function castScalar(value: number, dtype: DType): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (dtype === 'float32') return Math.fround(value);
  if (Number.isNaN(value)) return 0;
  if (value >= 2147483647) return 2147483647;
  if (value <= -2147483648) return -2147483648;
  return Math.trunc(value);
}

/**
 * Allocates a zeroed typed array of the given dtype.
 *
 * ```ts
 * allocArray('int32', 3)   // Int32Array [0, 0, 0]
 * ```
 */
export function allocArray<D extends DType>(dtype: D, size: number): TypedArrayOf[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size) as TypedArrayOf[D];
    case 'int32':
      return new Int32Array(size) as TypedArrayOf[D];
    default:
      return new Uint8Array(size) as TypedArrayOf[D];
  }
}

/**
 * The dtype a typed array stores.
 *
 * ```ts
 * dtypeOfArray(new Float32Array(2))   // 'float32'
 * dtypeOfArray(new Uint8Array(2))   // 'bool'
 * ```
 */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };

/**
 * PyTorch-style promotion for binary ops: bool < int32 < float32.
 *
 * ```ts
 * promoteTypes('int32', 'float32')   // 'float32'
 * promoteTypes('bool', 'int32')   // 'int32'
 * ```
 */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * True for float32 (the dtype that carries gradients).
 *
 * ```ts
 * isFloat('int32')   // false
 * ```
 */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32';
}
