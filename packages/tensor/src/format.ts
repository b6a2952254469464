/**
 * PyTorch-style printing: `tensor([[ 1.0000, -2.0000], [ 3.0000,  4.0000]], requiresGrad=true)`.
 * Tensors over 1000 elements are summarised with `...`, three entries at each edge.
 */
import type { Tensor } from './tensor.js';

const EDGE = 3;
const THRESHOLD = 1000;

function formatter(values: ArrayLike<number>, dtype: string): (v: number) => string {
  if (dtype === 'bool') return (v) => (v ? 'True' : 'False');
  if (dtype === 'int32') return (v) => String(v);
  let maxAbs = 0;
  let minAbs = Number.POSITIVE_INFINITY;
  let allInt = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a > 0 && a < minAbs) minAbs = a;
    if (!Number.isInteger(v)) allInt = false;
  }
  const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  if (allInt && maxAbs < 1e8) return (v) => (Number.isFinite(v) ? `${v.toFixed(0)}.` : special(v));
  if (maxAbs >= 1e8 || minAbs < 1e-4 || (minAbs !== Number.POSITIVE_INFINITY && maxAbs / minAbs >= 1000)) {
    return (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : special(v));
  }
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
}

export function formatTensor(t: Tensor): string {
  const data = t.dataSync();
  const fmt = formatter(data, t.dtype);
  const summarise = t.size > THRESHOLD;
  const cells: string[] = [];
  const strides: number[] = [];
  let s = 1;
  for (let i = t.ndim - 1; i >= 0; i--) {
    strides[i] = s;
    s *= t.shape[i];
  }
  // First pass collects the shown cells so every cell can be padded to the widest.
  const visit = (dim: number, off: number, emit: (v: number) => void) => {
    if (dim === t.ndim) return emit(data[off]);
    const n = t.shape[dim];
    for (let i = 0; i < n; i++) {
      if (summarise && n > 2 * EDGE && i === EDGE) i = n - EDGE;
      visit(dim + 1, off + i * strides[dim], emit);
    }
  };
  visit(0, 0, (v) => cells.push(fmt(v)));
  const width = Math.max(0, ...cells.map((c) => c.length));
  const pad = (c: string) => c.padStart(width);
  const indent = 'tensor('.length;
  const render = (dim: number, off: number): string => {
    if (dim === t.ndim) return pad(fmt(data[off]));
    const n = t.shape[dim];
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      if (summarise && n > 2 * EDGE && i === EDGE) {
        parts.push('...');
        i = n - EDGE;
      }
      parts.push(render(dim + 1, off + i * strides[dim]));
    }
    const depthLeft = t.ndim - dim - 1;
    const sep = depthLeft === 0 ? ', ' : `,${'\n'.repeat(depthLeft)}${' '.repeat(indent + dim + 1)}`;
    return `[${parts.join(sep)}]`;
  };
  const body = t.size === 0 && t.ndim <= 1 ? '[]' : render(0, 0);
  const extras: string[] = [];
  if (t.size === 0 && t.ndim > 1) extras.push(`size=[${t.shape.join(', ')}]`);
  if (t.dtype !== 'float32') extras.push(`dtype=${t.dtype}`);
  if (t.requiresGrad) extras.push(t._node ? `gradFn=${t._node.name}` : 'requiresGrad=true');
  return `tensor(${body}${extras.map((e) => `, ${e}`).join('')})`;
}
