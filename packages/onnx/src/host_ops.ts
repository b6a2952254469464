/**
 * Shape arithmetic on host constants: the Shape → Gather → Unsqueeze → Concat → Reshape chains
 * that PyTorch's exporter writes run here in JavaScript, on plain numbers, never on a backend.
 */
import {
  broadcastOffsets,
  broadcastShapes,
  contiguousStrides,
  padShape,
  sizeOf,
  ValueError,
} from '@nnet/tensor';
import { type HostKind, type HostTensor, host } from './tensor_proto.js';

/** Normalises a possibly negative axis against `rank`. */
export function axis(op: string, a: number, rank: number): number {
  const n = a < 0 ? a + rank : a;
  if (!Number.isInteger(n) || n < 0 || n >= rank) {
    throw new ValueError(`importOnnx: ${op} axis ${a} is out of range for rank ${rank}.`);
  }
  return n;
}

/** The sub-tensor made of the given indices along every axis (a gather on each axis at once). */
export function take(h: HostTensor, indices: number[][]): HostTensor {
  const shape = indices.map((ix) => ix.length);
  const strides = contiguousStrides(h.shape);
  const size = sizeOf(shape);
  const out = new Float64Array(size);
  const coord = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < size; i++) {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off += indices[d][coord[d]] * strides[d];
    out[i] = h.data[off];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coord[d] < shape[d]) break;
      coord[d] = 0;
    }
  }
  return { host: true, kind: h.kind, shape, data: out };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** ONNX Gather on host values. */
export function hostGather(data: HostTensor, indices: HostTensor, ax: number): HostTensor {
  const a = axis('Gather', ax, data.shape.length);
  const dim = data.shape[a];
  const flat = Array.from(indices.data, (i) => (i < 0 ? i + dim : i));
  if (flat.some((i) => i < 0 || i >= dim)) {
    throw new ValueError(`importOnnx: Gather index out of range for axis ${a} of size ${dim}.`);
  }
  const picked = take(
    data,
    data.shape.map((d, i) => (i === a ? flat : range(d))),
  );
  const shape = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
  return { ...picked, shape };
}

/** ONNX Slice bounds for one axis: the clamped [start, end) and the step (positive steps only). */
export function sliceBounds(dim: number, start: number, end: number, step: number): number[] {
  if (step <= 0) throw new ValueError('importOnnx: Slice with a negative or zero step is not supported.');
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
  const s = clamp(start);
  const e = clamp(end);
  const out: number[] = [];
  for (let i = s; i < e; i += step) out.push(i);
  return out;
}

/** ONNX Concat on host values. */
export function hostConcat(parts: HostTensor[], ax: number): HostTensor {
  const rank = parts[0].shape.length;
  const a = axis('Concat', ax, rank);
  const shape = [...parts[0].shape];
  shape[a] = parts.reduce((n, p) => n + p.shape[a], 0);
  const outer = sizeOf(shape.slice(0, a));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const block = sizeOf(p.shape.slice(a));
      for (let i = 0; i < block; i++) data.push(p.data[o * block + i]);
    }
  }
  return host(parts[0].kind, shape, data);
}

/** An elementwise binary op on host values with NumPy broadcasting. */
export function hostBinary(
  op: string,
  a: HostTensor,
  b: HostTensor,
  f: (x: number, y: number) => number,
  kind: HostKind = a.kind,
): HostTensor {
  const shape = broadcastShapes(`importOnnx: ${op}`, a.shape, b.shape);
  const oa = broadcastOffsets(shape, padShape(a.shape, shape.length));
  const ob = broadcastOffsets(shape, padShape(b.shape, shape.length));
  const out = new Float64Array(oa.length);
  for (let i = 0; i < out.length; i++) {
    const v = f(a.data[oa[i]], b.data[ob[i]]);
    out[i] = kind === 'int' ? Math.trunc(v) : kind === 'float' ? Math.fround(v) : v ? 1 : 0;
  }
  return { host: true, kind, shape, data: out };
}

/** ONNX Reshape's target: 0 copies the input's dim (allowzero = 0), -1 takes what is left. */
export function reshapeTarget(
  input: readonly number[],
  target: readonly number[],
  allowZero: boolean,
): number[] {
  const out = target.map((d, i) => (d === 0 && !allowZero ? input[i] : d));
  const size = sizeOf(input);
  const minus = out.indexOf(-1);
  if (minus >= 0) {
    const known = out.reduce((a, d, i) => (i === minus ? a : a * d), 1);
    out[minus] = known === 0 ? 0 : size / known;
  }
  if (out.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(out) !== size) {
    throw new ValueError(
      `importOnnx: Reshape cannot turn shape [${input.join(', ')}] into [${target.join(', ')}].`,
    );
  }
  return out;
}

/** ONNX Transpose on a host value: output axis k is input axis perm[k]. */
export function hostTranspose(h: HostTensor, perm: readonly number[]): HostTensor {
  const inStrides = contiguousStrides(h.shape);
  const shape = perm.map((p) => h.shape[p]);
  const strides = perm.map((p) => inStrides[p]);
  const out = new Float64Array(h.data.length);
  const coord = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off += coord[d] * strides[d];
    out[i] = h.data[off];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coord[d] < shape[d]) break;
      coord[d] = 0;
    }
  }
  return { host: true, kind: h.kind, shape, data: out };
}
