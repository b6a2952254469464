/**
 * The CPU backend: every kernel of the contract in plain TypeScript on typed arrays. The
 * elementwise, layout and optimizer kernels come from `@nnet/kernels-js` (shared with the WASM
 * backend's TypeScript paths); GEMM, convolution, pooling and softmax live here.
 */
import {
  adamUpdate,
  argReduce,
  binary,
  cast,
  compare,
  copyStrided,
  crossEntropy,
  crossEntropyBackward,
  cumsum,
  fill,
  gather,
  reduce,
  resizeAxis,
  resizeAxisBackward,
  scatterAdd,
  sgdUpdate,
  sortRows,
  unary,
  where,
} from '@nnet/kernels-js';
import type { Backend, DType, TypedArray } from '@nnet/tensor';
import { allocArray, bytesPerElement } from '@nnet/tensor';
import type { CpuHandle } from './handle.js';
import { conv2d, conv2dBackwardFilter, conv2dBackwardInput } from './kernels/conv.js';
import { linear, matmul } from './kernels/matmul.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './kernels/pool.js';
import { logSoftmax, softmax } from './kernels/softmax.js';

/** Bytes of freed arrays the backend keeps for reuse at most (beyond it, freed arrays go to the GC). */
const POOL_BYTES = 64 * 2 ** 20;

/**
 * The CPU backend: a `Backend` whose storages are typed arrays (`CpuHandle`), with every kernel of
 * the contract in TypeScript. Importing `@nnet/backend-cpu` registers it as `'cpu'` (priority 1, the
 * default when nothing faster is registered); construct one directly to pass to tests or to
 * `registerBackend` under another name.
 *
 * @example
 * ```ts
 * import { CpuBackend } from '@nnet/backend-cpu';
 * const cpu = new CpuBackend();
 * const h = cpu.alloc('float32', 3); // a storage of 3 float32 elements
 * cpu.write(h, new Float32Array([1, 2, 3]));
 * cpu.readSync(h, 'float32', 3); // Float32Array [1, 2, 3]
 * cpu.free(h);
 * ```
 */
export class CpuBackend implements Backend<CpuHandle> {
  /** `'cpu'`, the name the backend registry knows it by. */
  readonly name = 'cpu';
  /** Node and browsers allocate typed arrays of up to 2^32 elements; the front end caps at 2^31 − 1. */
  readonly maxStorageBytes = 2 ** 33;
  private storages = 0;
  private bytes = 0;
  /**
   * Freed arrays by dtype and length, reused by `alloc` (contents are unspecified by the contract):
   * allocating a typed array costs a zero-fill, a backing store and garbage-collector work, which
   * for the small tensors of batch-1 inference cost more than the kernels.
   */
  private readonly pool = new Map<DType, Map<number, TypedArray[]>>();
  private pooledBytes = 0;

  alloc(dtype: DType, size: number): CpuHandle {
    this.storages++;
    this.bytes += size * bytesPerElement(dtype);
    const reused = this.pool.get(dtype)?.get(size)?.pop();
    if (reused) {
      this.pooledBytes -= reused.byteLength;
      return { data: reused };
    }
    return { data: allocArray(dtype, size) };
  }

  free(handle: CpuHandle): void {
    const data = handle.data;
    this.storages--;
    this.bytes -= data.byteLength;
    if (data.byteLength === 0 || this.pooledBytes + data.byteLength > POOL_BYTES) return;
    const dtype: DType =
      data instanceof Float32Array ? 'float32' : data instanceof Int32Array ? 'int32' : 'bool';
    let bySize = this.pool.get(dtype);
    if (!bySize) {
      bySize = new Map();
      this.pool.set(dtype, bySize);
    }
    const list = bySize.get(data.length);
    if (list) list.push(data);
    else bySize.set(data.length, [data]);
    this.pooledBytes += data.byteLength;
  }

  write(handle: CpuHandle, data: TypedArray, offset = 0): void {
    handle.data.set(data, offset);
  }

  async read(handle: CpuHandle, dtype: DType, size: number): Promise<TypedArray> {
    return this.readSync(handle, dtype, size);
  }

  readSync(handle: CpuHandle, _dtype: DType, size: number): TypedArray {
    return handle.data.slice(0, size);
  }

  /** Live storages and bytes; `reserved` adds the freed arrays kept for reuse. */
  memory(): {
    /** Live storages (allocated and not yet freed). */
    storages: number;
    /** Their bytes (element count × bytes per element). */
    bytes: number;
    /** `bytes` plus the bytes of freed arrays kept for reuse. */
    reserved: number;
  } {
    return { storages: this.storages, bytes: this.bytes, reserved: this.bytes + this.pooledBytes };
  }

  /** Drops the arrays kept for reuse (live storages stay valid). */
  dispose(): void {
    this.pool.clear();
    this.pooledBytes = 0;
  }

  unary = unary;
  binary = binary;
  compare = compare;
  where = where;
  cast = cast;
  fill = fill;
  copyStrided = copyStrided;
  reduce = reduce;
  argReduce = argReduce;
  matmul = matmul;
  gather = gather;
  scatterAdd = scatterAdd;

  conv2d = conv2d;
  conv2dBackwardInput = conv2dBackwardInput;
  conv2dBackwardFilter = conv2dBackwardFilter;
  maxPool2d = maxPool2d;
  maxPool2dBackward = maxPool2dBackward;
  avgPool2d = avgPool2d;
  avgPool2dBackward = avgPool2dBackward;
  softmax = softmax;
  logSoftmax = logSoftmax;
  linear = linear;
  sgdUpdate = sgdUpdate;
  adamUpdate = adamUpdate;
  sortRows = sortRows;
  cumsum = cumsum;
  resizeAxis = resizeAxis;
  resizeAxisBackward = resizeAxisBackward;
  crossEntropy = crossEntropy;
  crossEntropyBackward = crossEntropyBackward;
}
