/**
 * `einsum`: Einstein summation over an equation like 'bij,bjk->bik'. Pairs of operands are
 * contracted with one batched `matmul` (batch letters, contracted letters, and each side's free
 * letters grouped into the three matmul dims), so gradients are matmul's and memory stays that of
 * the operands and result.
 */
import { ValueError } from '../errors.js';
import { tidy } from '../scope.js';
import { fmtShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { fromTypedArray } from './creation.js';
import { indexSelect } from './indexing.js';
import { checkTensor } from './kernel.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { expand, permute, reshape } from './views.js';

interface Term {
  t: Tensor;
  letters: string[];
}

function fail(eq: string, why: string): never {
  throw new ValueError(`einsum: invalid equation '${eq}': ${why}.`);
}

/** Parses the subscripts (with '...' replaced by private letters) and checks them against the operands. */
function parse(eq: string, operands: readonly Tensor[]): { inputs: string[][]; output: string[] } {
  const clean = eq.replace(/\s+/g, '');
  const arrow = clean.indexOf('->');
  if (arrow !== clean.lastIndexOf('->'))
    fail(eq, "more than one '->'; use one '->' before the output subscripts, e.g. 'ij,jk->ik'");
  const lhs = arrow >= 0 ? clean.slice(0, arrow) : clean;
  const parts = lhs.split(',');
  if (parts.length !== operands.length) {
    fail(
      eq,
      `it has ${parts.length} operand subscript(s) but ${operands.length} tensor(s) were given; give one comma-separated subscript per tensor`,
    );
  }
  const ellipsisLetters = (n: number) => Array.from({ length: n }, (_, i) => `#${i}`);
  let ellRank = 0;
  const inputs = parts.map((p, k) => {
    const t = operands[k];
    const dots = p.indexOf('...');
    if (dots !== p.lastIndexOf('...')) fail(eq, `operand ${k} has more than one '...'`);
    const plain = p.replace('...', '');
    for (const ch of plain) {
      if (!/[a-zA-Z]/.test(ch))
        fail(eq, `'${ch}' in operand ${k} is not a letter (subscripts are a-z, A-Z and '...')`);
    }
    if (dots < 0) {
      if (plain.length !== t.ndim) {
        fail(
          eq,
          `operand ${k} has ${plain.length} subscript(s) '${p}' but the tensor has ${t.ndim} dims ${fmtShape(t.shape)}`,
        );
      }
      return [...plain];
    }
    const n = t.ndim - plain.length;
    if (n < 0) fail(eq, `operand ${k} '${p}' has more subscripts than the tensor's ${t.ndim} dims`);
    ellRank = Math.max(ellRank, n);
    const before = [...p.slice(0, dots)];
    const after = [...p.slice(dots + 3)];
    // Right-aligned broadcast of the ellipsis dims, like NumPy.
    const ell = ellipsisLetters(ellRank).slice(ellRank - n);
    return [...before, ...ell, ...after];
  });
  let output: string[];
  if (arrow >= 0) {
    const rhs = clean.slice(arrow + 2);
    const dots = rhs.indexOf('...');
    if (dots !== rhs.lastIndexOf('...')) fail(eq, "the output has more than one '...'");
    const plain = rhs.replace('...', '');
    const all = new Set(inputs.flat());
    for (const ch of plain) {
      if (!/[a-zA-Z]/.test(ch)) fail(eq, `'${ch}' in the output is not a letter`);
      if (!all.has(ch)) fail(eq, `output subscript '${ch}' does not appear in any input`);
    }
    if (new Set(plain).size !== plain.length) fail(eq, 'the output repeats a subscript');
    if (dots < 0 && ellRank > 0 && inputs.flat().some((l) => l.startsWith('#'))) {
      fail(eq, "the inputs use '...' but the output does not");
    }
    output =
      dots < 0 ? [...plain] : [...rhs.slice(0, dots), ...ellipsisLetters(ellRank), ...rhs.slice(dots + 3)];
  } else {
    // Implicit output: the ellipsis dims, then the letters that appear exactly once, sorted.
    const count = new Map<string, number>();
    for (const l of inputs.flat()) count.set(l, (count.get(l) ?? 0) + 1);
    const once = [...count].filter(([l, c]) => c === 1 && !l.startsWith('#')).map(([l]) => l);
    output = [...ellipsisLetters(ellRank), ...once.sort()];
  }
  return { inputs, output };
}

/** Takes the diagonal over repeated letters of one operand (e.g. 'ii' → 'i'). */
function diagonalize(term: Term): Term {
  let { t, letters } = term;
  for (;;) {
    const dup = letters.findIndex((l, i) => letters.indexOf(l) !== i);
    if (dup < 0) return { t, letters };
    const first = letters.indexOf(letters[dup]);
    const n = t.shape[first];
    // Move the two dims last, merge them, and pick positions i·(n + 1).
    const rest = letters.map((_, i) => i).filter((i) => i !== first && i !== dup);
    const moved = permute(t, [...rest, first, dup]);
    const merged = reshape(moved, [...rest.map((i) => t.shape[i]), n * n]);
    const idx = fromTypedArray(
      Int32Array.from({ length: n }, (_, i) => i * (n + 1)),
      [n],
      'int32',
    );
    t = indexSelect(merged, merged.ndim - 1, idx);
    letters = [...rest.map((i) => letters[i]), letters[first]];
  }
}

/** Sums away letters of `term` not in `keep`. */
function sumOut(term: Term, keep: Set<string>): Term {
  const drop = term.letters.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (!drop.length) return term;
  return { t: sum(term.t, drop), letters: term.letters.filter((l) => keep.has(l)) };
}

/** Contracts two terms over their shared letters not in `keep` with one batched matmul. */
function contract(a: Term, b: Term, keep: Set<string>, sizes: Map<string, number>): Term {
  const inA = new Set(a.letters);
  const inB = new Set(b.letters);
  const batch = a.letters.filter((l) => inB.has(l) && keep.has(l));
  const inner = a.letters.filter((l) => inB.has(l) && !keep.has(l));
  const left = a.letters.filter((l) => !inB.has(l));
  const right = b.letters.filter((l) => !inA.has(l));
  const size = (ls: string[]) => sizeOf(ls.map((l) => sizes.get(l)!));
  const arrange = (term: Term, order: string[], shape: number[]) => {
    // Broadcast size-1 dims to the letter's size so the reshape groups whole letters.
    const p = permute(
      term.t,
      order.map((l) => term.letters.indexOf(l)),
    );
    const full = order.map((l) => sizes.get(l)!);
    return reshape(expand(p, full), shape);
  };
  const A = arrange(a, [...batch, ...left, ...inner], [size(batch), size(left), size(inner)]);
  const B = arrange(b, [...batch, ...inner, ...right], [size(batch), size(inner), size(right)]);
  const out = matmul(A, B);
  const letters = [...batch, ...left, ...right];
  return {
    t: reshape(
      out,
      letters.map((l) => sizes.get(l)!),
    ),
    letters,
  };
}

/**
 * Einstein summation. Each operand gets a subscript string (letters, and '...' for broadcast
 * dims); letters shared between operands are multiplied, letters missing from the output
 * (after '->', or by default the ones that appear once, sorted) are summed. A letter repeated in
 * one operand takes a diagonal ('ii->i'). Gradients come from the matmul, sum and index ops.
 *
 * ```ts
 * const [a, b] = [randn([2, 3, 4]), randn([2, 4, 5])];
 * const m = randn([3, 3]);
 * const [u, v] = [randn([2, 6, 8]), randn([2, 6, 8])];
 * einsum('bij,bjk->bik', a, b)   // batched matmul
 * einsum('ii', m)                // trace
 * einsum('...d,...d->...', u, v) // rowwise dot product
 * ```
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  if (typeof equation !== 'string')
    throw new ValueError('einsum: the first argument must be the equation string.');
  if (operands.length === 0)
    throw new ValueError(`einsum: equation '${equation}' needs at least one operand.`);
  for (const t of operands) checkTensor('einsum', t, 't');
  const { inputs, output } = parse(equation, operands);
  const sizes = new Map<string, number>();
  inputs.forEach((letters, k) => {
    letters.forEach((l, i) => {
      const s = operands[k].shape[i];
      const prev = sizes.get(l);
      if (prev === undefined || prev === 1) sizes.set(l, s);
      else if (s !== 1 && s !== prev) {
        fail(
          equation,
          `subscript '${l.startsWith('#') ? '...' : l}' has size ${prev} in one place and ${s} in operand ${k}; a repeated subscript must label dims of the same size`,
        );
      }
    });
  });
  for (const l of output) if (!sizes.has(l)) sizes.set(l, 1);
  return tidy(() => {
    const terms = operands.map((t, k) => diagonalize({ t, letters: inputs[k] }));
    const outSet = new Set(output);
    // Letters needed later: in the output or in another remaining term.
    const needed = (rest: Term[]) => new Set([...output, ...rest.flatMap((r) => r.letters)]);
    let acc = sumOut(terms[0], needed(terms.slice(1)));
    for (let k = 1; k < terms.length; k++) {
      const later = terms.slice(k + 1);
      const keep = needed(later);
      const next = sumOut(terms[k], new Set([...keep, ...acc.letters]));
      acc = contract(sumOut(acc, new Set([...keep, ...next.letters])), next, keep, sizes);
    }
    acc = sumOut(acc, outSet);
    const order = output.map((l) => acc.letters.indexOf(l));
    // Output letters absent from every input cannot happen (checked); all are present now.
    const full = output.map((l) => sizes.get(l)!);
    return reshape(expand(permute(acc.t, order), full), full);
  });
}
