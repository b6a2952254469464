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
  fill,
  gather,
  reduce,
  scatterAdd,
  sgdUpdate,
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

export class CpuBackend implements Backend<CpuHandle> {
  readonly name = 'cpu';
  /** Node and browsers allocate typed arrays of up to 2^32 elements; the front end caps at 2^31 − 1. */
  readonly maxStorageBytes = 2 ** 33;
  private storages = 0;
  private bytes = 0;

  alloc(dtype: DType, size: number): CpuHandle {
    this.storages++;
    this.bytes += size * bytesPerElement(dtype);
    return { data: allocArray(dtype, size) };
  }

  free(handle: CpuHandle): void {
    this.storages--;
    this.bytes -= handle.data.byteLength;
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

  memory(): { storages: number; bytes: number } {
    return { storages: this.storages, bytes: this.bytes };
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
}
