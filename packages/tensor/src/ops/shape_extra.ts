/**
 * More shape ops: `repeat`, `tile`, `flip`, `roll`, `pad` (constant, reflect, replicate,
 * circular), `diag`, `outer`. All composed from views, `cat` and `indexSelect`, so each gradient
 * is the adjoint of its pieces (summed back over repeats, scattered back through index tables).
 */
import { checkOptions, ShapeError, ValueError, withOp } from '../errors.js';
import { tidy } from '../scope.js';
import { fmtShape, normalizeDim, normalizeDims } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul, where } from './binary.js';
import { eq } from './compare.js';
import { arange, fromTypedArray, full } from './creation.js';
import { indexSelect } from './indexing.js';
import { cat } from './join.js';
import { checkTensor } from './kernel.js';
import { expand, narrow, reshape, unsqueeze } from './views.js';

function checkInts(op: string, name: string, v: readonly number[], min: number): void {
  if (!Array.isArray(v) || v.some((x) => !Number.isInteger(x) || x < min)) {
    throw new ValueError(`${op}: ${name} must be a list of integers >= ${min}, got ${JSON.stringify(v)}.`);
  }
}

/**
 * Repeats the tensor along each dim: out.shape[i] = x.shape[i]·repeats[i]; `repeats` may be longer
 * than x.ndim (x gets leading size-1 dims), never shorter.
 *   ∂/∂x: the gradient summed over the copies
 *
 * ```ts
 * tensor([1, 2]).repeat([2, 2])   // [[1, 2, 1, 2], [1, 2, 1, 2]]
 * ```
 */
export function repeat(x: Tensor, repeats: readonly number[]): Tensor {
  return withOp('repeat', () => {
    checkTensor('repeat', x);
    checkInts('repeat', 'repeats', repeats, 0);
    if (repeats.length < x.ndim) {
      throw new ShapeError(
        `repeat: ${repeats.length} repeats for a ${x.ndim}-d tensor ${fmtShape(x.shape)}; give at least one per dim (use tile() to pad with 1s).`,
      );
    }
    const lead = repeats.length - x.ndim;
    const shape = [...new Array<number>(lead).fill(1), ...x.shape];
    return tidy(() => {
      // [.., a, ..] → [.., 1, a, ..] → expand to [.., r, a, ..] → merge (r, a): copies outermost.
      const inter: number[] = [];
      const target: number[] = [];
      shape.forEach((s, i) => {
        inter.push(1, s);
        target.push(repeats[i], s);
      });
      const e = expand(reshape(x, inter), target);
      return reshape(
        e,
        shape.map((s, i) => s * repeats[i]),
      );
    });
  });
}

/**
 * Like repeat, but a `reps` shorter than x.ndim is padded with leading 1s (NumPy's tile).
 * Shapes: x [...] → out.shape[i] = x.shape[i]·reps[i] after both are left-padded with 1s to the same
 * length.
 *
 * ```ts
 * tile(tensor([[1, 2]]), [2])   // [1, 2], reps [1, 2] → [[1, 2, 1, 2]]
 * tile(tensor([1, 2]), [2, 1])   // [2] → [[1, 2], [1, 2]]
 * ```
 */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  return withOp('tile', () => {
    checkTensor('tile', x);
    checkInts('tile', 'reps', reps, 0);
    const full_ = [...new Array<number>(Math.max(0, x.ndim - reps.length)).fill(1), ...reps];
    return repeat(x, full_);
  });
}

function indexTensor(values: ArrayLike<number>): Tensor {
  return fromTypedArray(Int32Array.from(values), [values.length], 'int32');
}

/**
 * Reverses the order of elements along each of `dims`.
 *   ∂/∂x: the gradient flipped back
 *
 * ```ts
 * flip(tensor([[1, 2], [3, 4]]), 1)   // [2, 2] → [[2, 1], [4, 3]]
 * ```
 */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  checkTensor('flip', x);
  const ds = normalizeDims('flip', dims, x.shape);
  if (x.ndim === 0) return tidy(() => reshape(x, []));
  return tidy(() => {
    let out = x;
    for (const d of ds) {
      const n = x.shape[d];
      out = indexSelect(out, d, indexTensor(Array.from({ length: n }, (_, i) => n - 1 - i)));
    }
    return out === x ? reshape(x, x.shape) : out;
  });
}

/**
 * Rolls elements along `dims` by `shifts` (elements past the end wrap to the front); with no dims
 * the flattened tensor is rolled and the shape restored.
 *   ∂/∂x: the gradient rolled back
 *
 * ```ts
 * roll(tensor([1, 2, 3, 4]), 1)   // [4, 1, 2, 3]
 * ```
 */
export function roll(
  x: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[],
): Tensor {
  checkTensor('roll', x);
  const sh = typeof shifts === 'number' ? [shifts] : [...shifts];
  if (sh.some((s) => !Number.isInteger(s)))
    throw new ValueError(`roll: shifts must be integers, got ${JSON.stringify(shifts)}.`);
  if (dims === undefined) {
    if (sh.length !== 1) throw new ShapeError(`roll: without dims, give one shift (got ${sh.length}).`);
    return tidy(() => reshape(roll(reshape(x, [x.size]), sh[0], 0), x.shape));
  }
  const ds = typeof dims === 'number' ? [dims] : [...dims];
  if (ds.length !== sh.length) {
    throw new ShapeError(`roll: ${sh.length} shifts for ${ds.length} dims; give one shift per dim.`);
  }
  const nd = ds.map((d) => normalizeDim('roll', d, x.ndim, x.shape));
  return tidy(() => {
    let out = x;
    nd.forEach((d, i) => {
      const n = out.shape[d];
      if (n === 0) return;
      const s = ((sh[i] % n) + n) % n;
      if (s === 0) return;
      out = cat([narrow(out, d, n - s, s), narrow(out, d, 0, n - s)], d);
    });
    return out === x ? reshape(x, x.shape) : out;
  });
}

/**
 * `pad`'s modes (PyTorch's F.pad): 'constant' (the value; negative pads crop), 'reflect',
 * 'replicate', 'circular'.
 *
 *   pad(x, [1, 1], { mode: 'reflect' })
 */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of `pad`. */
export interface PadOptions {
  /** 'constant' (the default), 'reflect' (mirror without the edge), 'replicate' (repeat the edge), 'circular' (wrap). */
  mode?: PadMode;
  /** The fill value of constant padding (default 0). */
  value?: number;
}

/** Source index along a dim of size n for output position i (i counted from -before). */
function sourceIndex(mode: PadMode, i: number, n: number): number {
  if (mode === 'replicate') return Math.min(Math.max(i, 0), n - 1);
  if (mode === 'circular') return ((i % n) + n) % n;
  // reflect: mirror about the edge elements (the edge is not repeated).
  const period = 2 * (n - 1);
  if (period === 0) return 0;
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - j;
  return j;
}

/**
 * Pads (or, with negative amounts, crops) the last dims: `padding` is [left, right] for the last
 * dim, then [top, bottom] for the one before, and so on (PyTorch's F.pad order).
 *   ∂/∂x: the gradient of the kept region; in reflect/replicate/circular modes each padded
 *   position's gradient is added to the element it copies
 *
 * ```ts
 * const x = randn([1, 2, 3, 4]);
 * pad(x, [1, 1, 2, 0], { mode: 'reflect' })   // last dim +1 each side, the one before +2 on top
 * ```
 */
export function pad(x: Tensor, padding: readonly number[], options: PadOptions = {}): Tensor {
  checkTensor('pad', x);
  checkOptions('pad', options, ['mode', 'value']);
  const mode = options.mode ?? 'constant';
  if (!['constant', 'reflect', 'replicate', 'circular'].includes(mode)) {
    throw new ValueError(
      `pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got '${String(mode)}'.`,
    );
  }
  if (mode !== 'constant' && options.value !== undefined && options.value !== 0) {
    throw new ValueError(`pad: value is only used by mode 'constant' (mode is '${mode}').`);
  }
  if (!Array.isArray(padding) || padding.length % 2 !== 0 || padding.some((p) => !Number.isInteger(p))) {
    throw new ValueError(
      `pad: padding must be an even-length list of integers, got ${JSON.stringify(padding)}.`,
    );
  }
  if (padding.length / 2 > x.ndim) {
    throw new ShapeError(
      `pad: padding ${JSON.stringify(padding)} pads ${padding.length / 2} dims but the input ${fmtShape(x.shape)} has ${x.ndim}; give at most ${2 * x.ndim} values (a pair per dim, last dim first).`,
    );
  }
  const value = options.value ?? 0;
  return tidy(() => {
    let out = x;
    for (let k = 0; k < padding.length / 2; k++) {
      const d = x.ndim - 1 - k;
      const before = padding[2 * k];
      const after = padding[2 * k + 1];
      const n = out.shape[d];
      if (mode === 'constant') {
        // Crop first (negative amounts), then add constant blocks.
        const start = Math.max(0, -before);
        const len = n - start - Math.max(0, -after);
        if (len < 0)
          throw new ShapeError(
            `pad: cropping ${-before} + ${-after} from dim ${d} of size ${n} leaves nothing.`,
          );
        if (start > 0 || len < n) out = narrow(out, d, start, len);
        const parts: Tensor[] = [];
        const block = (m: number) => {
          const s = [...out.shape];
          s[d] = m;
          return full(s, value, { dtype: x.dtype });
        };
        if (before > 0) parts.push(block(before));
        parts.push(out);
        if (after > 0) parts.push(block(after));
        if (parts.length > 1) out = cat(parts, d);
        continue;
      }
      if (before < 0 || after < 0)
        throw new ValueError(`pad: mode '${mode}' does not take negative padding.`);
      const limit = mode === 'reflect' ? n - 1 : mode === 'circular' ? n : Number.POSITIVE_INFINITY;
      if (n === 0 || before > limit || after > limit) {
        throw new ValueError(
          `pad: ${mode} padding (${before}, ${after}) of dim ${d} with size ${n} must be ${mode === 'reflect' ? '<' : '<='} the size` +
            `${mode === 'replicate' ? ' (and the dim non-empty)' : ''}.`,
        );
      }
      const idx = Array.from({ length: before + n + after }, (_, i) => sourceIndex(mode, i - before, n));
      out = indexSelect(out, d, indexTensor(idx));
    }
    return out === x ? reshape(x, x.shape) : out;
  });
}

/**
 * A 1-D tensor → the square matrix with it on diagonal `diagonal` (above the main one if > 0);
 * a 2-D tensor → its diagonal `diagonal` as a 1-D tensor.
 *   ∂/∂x: the gradient's diagonal (1-D input) or the gradient placed on the diagonal (2-D input)
 *
 * ```ts
 * diag(tensor([1, 2]))   // [2] → [2, 2]: [[1, 0], [0, 2]]
 * diag(tensor([[1, 2], [3, 4]]))   // [2, 2] → [2]: [1, 4]
 * ```
 */
export function diag(x: Tensor, diagonal = 0): Tensor {
  checkTensor('diag', x);
  if (!Number.isInteger(diagonal))
    throw new ValueError(`diag: diagonal must be an integer, got ${diagonal}.`);
  if (x.ndim === 1) {
    const m = x.shape[0];
    const k = Math.abs(diagonal);
    const n = m + k;
    return tidy(() => {
      // out[r, c] = x[r] where c - r = k (k >= 0), x[c] where r - c = -k (k < 0).
      const padded = k > 0 ? cat([x, full([k], 0, { dtype: x.dtype })], 0) : x;
      const rows = unsqueeze(arange(0, n), 1);
      const cols = arange(-diagonal, n - diagonal);
      const onDiag = eq(cols, rows);
      const values = diagonal >= 0 ? unsqueeze(padded, 1) : unsqueeze(padded, 0);
      return where(onDiag, expand(values, [n, n]), full([], 0, { dtype: x.dtype }));
    });
  }
  if (x.ndim === 2) {
    const [R, C] = x.shape;
    const r0 = Math.max(-diagonal, 0);
    const c0 = Math.max(diagonal, 0);
    const len = Math.max(0, Math.min(R - r0, C - c0));
    return tidy(() => {
      const positions = Array.from({ length: len }, (_, i) => (r0 + i) * C + c0 + i);
      return indexSelect(reshape(x, [R * C]), 0, indexTensor(positions));
    });
  }
  throw new ShapeError(
    `diag: expects a 1-D or 2-D tensor, got ${fmtShape(x.shape)}; reshape it, or use diagonal-style indexing per matrix.`,
  );
}

/**
 * Outer product of two 1-D tensors: out[i, j] = a[i]·b[j].
 *   ∂/∂a = g·b, ∂/∂b = gᵀ·a   (by composition)
 *
 * ```ts
 * outer(tensor([1, 2]), tensor([1, 10, 100]))   // [2], [3] → [2, 3]: [[1, 10, 100], [2, 20, 200]]
 * ```
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkTensor('outer', a, 'a');
  checkTensor('outer', b, 'b');
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ShapeError(
      `outer: expects two 1-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}; flatten them first (reshape(t, [-1])).`,
    );
  }
  return tidy(() => mul(unsqueeze(a, 1), unsqueeze(b, 0)));
}
