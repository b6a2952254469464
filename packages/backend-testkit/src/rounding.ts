/**
 * Float32 rounding of the values a backend makes from a JS number (`fill`) or from another dtype
 * (`cast`). A backend storing float32 tensors in wider storage (float64) must round these to float32
 * like every other backend, or a constant differs from the same constant written as float32:
 * `tensor([0.1]).eq(0.1)` is true on the CPU backend (both sides are float32(0.1)) and would be
 * false on an unrounded float64 backend (float32(0.1) ≠ 0.1). The check compares, on the device,
 * what `fill`/`cast` made with the same values written as a Float32Array.
 */
import type { Backend, DType, TensorInfo, TypedArray } from '@nnet/tensor';

/**
 * Values whose float32 rounding differs from the float64 value (or overflows / underflows).
 *
 * @example
 * ```ts
 * import { ROUNDING_FILL_VALUES } from '@nnet/backend-testkit';
 *
 * Math.fround(ROUNDING_FILL_VALUES[0]); // 0.10000000149011612, not 0.1
 * ```
 */
export const ROUNDING_FILL_VALUES: readonly number[] = [0.1, 1 / 3, 16777217, -2.5e-8, 1e-46, 3.5e38 * 2];
/**
 * int32 values float32 cannot hold exactly (above 2^24).
 *
 * @example
 * ```ts
 * import { ROUNDING_CAST_VALUES } from '@nnet/backend-testkit';
 *
 * ROUNDING_CAST_VALUES.map(Math.fround); // [16777216, 2147483648, -16777220, 123456792]
 * ```
 */
export const ROUNDING_CAST_VALUES: readonly number[] = [16777217, 2147483647, -16777219, 123456789];

/**
 * Checks that `kernel` ('fill' or 'cast') rounds its float32 results to float32; resolves to null,
 * or to a message naming the values that were not rounded. Frees everything it allocates.
 *
 * @example
 * ```ts
 * import { CpuBackend } from '@nnet/backend-cpu';
 * import { checkFloat32Rounding } from '@nnet/backend-testkit';
 *
 * await checkFloat32Rounding(new CpuBackend(), 'fill'); // null on a conforming backend
 * ```
 */
export async function checkFloat32Rounding(
  backend: Backend,
  kernel: 'fill' | 'cast',
): Promise<string | null> {
  const handles: unknown[] = [];
  const alloc = (dtype: DType, size: number, data?: TypedArray): TensorInfo => {
    const handle = backend.alloc(dtype, size);
    handles.push(handle);
    if (data) backend.write(handle, data);
    return { handle, dtype, shape: [size] };
  };
  try {
    if (kernel === 'fill') {
      for (const v of ROUNDING_FILL_VALUES) {
        const filled = alloc('float32', 1);
        backend.fill(filled, v);
        const written = alloc('float32', 1, Float32Array.of(v));
        const eq = alloc('bool', 1);
        backend.compare('eq', filled, written, eq);
        if ((await backend.read(eq.handle, 'bool', 1))[0] !== 1) {
          return (
            `fill(out, ${v}) on float32 is not float32(${v}) = ${Math.fround(v)}: a backend storing wider ` +
            'than float32 must round fill values to float32 (Math.fround), or tensor([0.1]).eq(0.1) is false'
          );
        }
      }
      return null;
    }
    const values = ROUNDING_CAST_VALUES;
    const n = values.length;
    const want = alloc('float32', n, Float32Array.from(values));
    const made = alloc('float32', n);
    const ints = alloc('int32', n, Int32Array.from(values));
    backend.cast(ints, made);
    const eq = alloc('bool', n);
    backend.compare('eq', made, want, eq);
    const same = await backend.read(eq.handle, 'bool', n);
    const bad = values.filter((_, i) => same[i] !== 1);
    if (bad.length) {
      return (
        `cast int32 → float32 of ${bad.join(', ')} is not rounded to float32 (${bad.map((v) => Math.fround(v)).join(', ')}): ` +
        'a backend storing wider than float32 must round cast results to float32'
      );
    }
    return null;
  } finally {
    for (const h of handles) backend.free(h);
  }
}
