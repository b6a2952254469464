/** Loading the committed PyTorch fixtures (NaN and ±Infinity are stored as strings). */
import { readFileSync } from 'node:fs';
import type { DType, TypedArray } from '@nnet/tensor';

export interface EncodedTensor {
  dtype: DType;
  shape: number[];
  data: (number | string)[];
}

export interface KernelCase {
  /** Stable kernel id: 'unary.exp', 'binary.add', 'matmul', 'conv2d', ... */
  kernel: string;
  name: string;
  inputs: (EncodedTensor | null)[];
  out: EncodedTensor;
  /** A second output (maxPool2d's indices). */
  out2?: EncodedTensor;
  /** In-place kernels (optimizer updates): each input's expected value afterwards (null: unchecked). */
  expected?: (EncodedTensor | null)[];
  params?: Record<string, unknown>;
}

export interface OpCase {
  op: string;
  kwargs: Record<string, unknown>;
  inputs: EncodedTensor[];
  out: EncodedTensor;
  weight: EncodedTensor;
  grads: (EncodedTensor | null)[];
  extra?: Record<string, unknown>;
}

function decodeNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw new Error(`fixture value ${JSON.stringify(v)} is not a number`);
}

/** The values of an encoded tensor as the typed array of its dtype. */
export function decode(t: EncodedTensor): TypedArray {
  const values = t.data.map(decodeNumber);
  if (t.dtype === 'int32') return Int32Array.from(values);
  if (t.dtype === 'bool') return Uint8Array.from(values);
  return Float32Array.from(values);
}

function load<T>(file: string): T[] {
  const url = new URL(`../fixtures/${file}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: T[] }).cases;
}

export function kernelCases(): KernelCase[] {
  return load<KernelCase>('kernels.json');
}

export function opCases(): OpCase[] {
  return load<OpCase>('ops.json');
}
