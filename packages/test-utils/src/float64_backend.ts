/**
 * `float64Backend`: a test backend that stores float32 tensors in Float64Array storage (as a
 * backend on float64 hardware or a higher-precision reference might) and runs the CPU backend's
 * kernels on it. With `round: true` it rounds `fill` and `cast` results to float32 as the contract
 * asks; with `round: false` it does not, and the testkit's rounding case fails — the proof that the
 * case catches it (`tensor([0.1]).eq(0.1)` would be false on it).
 */
import { CpuBackend } from '@nnet/backend-cpu';
import {
  type Backend,
  bytesPerElement,
  castScalar,
  type DType,
  REQUIRED_KERNELS,
  type TensorInfo,
  type TypedArray,
} from '@nnet/tensor';

/**
 * A storage: Float64Array for float32, the usual typed array for int32 and bool.
 * @inline
 */
interface WideHandle {
  /** The elements, row-major. */
  data: Float64Array | Int32Array | Uint8Array;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * A backend with float64 storage for float32 tensors and only the required kernels.
 *
 *   runBackendConformance({ name: 'f64', create: () => float64Backend({ round: true }) });
 */
export function float64Backend(options: { round: boolean }): Backend<WideHandle> {
  const cpu = new CpuBackend();
  let storages = 0;
  let bytes = 0;
  const backend: Record<string, unknown> = {
    name: options.round ? 'float64-rounding' : 'float64-unrounded',
    alloc(dtype: DType, size: number): WideHandle {
      storages++;
      bytes += size * bytesPerElement(dtype);
      const data =
        dtype === 'float32'
          ? new Float64Array(size)
          : dtype === 'int32'
            ? new Int32Array(size)
            : new Uint8Array(size);
      return { data };
    },
    free(h: WideHandle): void {
      storages--;
      bytes -= h.data.length * (h.data instanceof Uint8Array ? 1 : 4);
    },
    write(h: WideHandle, data: TypedArray, offset = 0): void {
      h.data.set(data, offset);
    },
    async read(h: WideHandle, dtype: DType, size: number): Promise<TypedArray> {
      const part = h.data.subarray(0, size);
      if (dtype === 'float32') return Float32Array.from(part);
      return part.slice() as Int32Array | Uint8Array;
    },
    memory: () => ({ storages, bytes }),
  };
  // Every required kernel but fill and cast: the CPU backend's, which index any typed array.
  const kernels = cpu as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const k of REQUIRED_KERNELS) backend[k] = (...a: unknown[]) => kernels[k].apply(cpu, a);
  backend.fill = (out: TensorInfo<WideHandle>, value: number) => {
    const v = out.dtype === 'float32' && !options.round ? value : castScalar(value, out.dtype);
    out.handle.data.fill(v, 0, sizeOf(out.shape));
  };
  backend.cast = (x: TensorInfo<WideHandle>, out: TensorInfo<WideHandle>) => {
    const a = x.handle.data;
    const o = out.handle.data;
    const n = sizeOf(out.shape);
    for (let i = 0; i < n; i++) {
      o[i] = out.dtype === 'float32' && !options.round ? a[i] : castScalar(a[i], out.dtype);
    }
  };
  return backend as unknown as Backend<WideHandle>;
}
