// Walking broadcast and strided index spaces. A kernel's parameter block starts with
// [rank, shape[rank]] followed by one stride list per operand (element strides, 0 where an
// operand broadcasts); the kernels keep the innermost dim as a tight loop and step the outer
// dims with these helpers.

/** Elements of the shape at `shape` (rank dims). */
@inline export function sizeOfShape(shape: usize, rank: i32): i32 {
  let n = 1;
  for (let d = 0; d < rank; d++) n *= load<i32>(shape + (<usize>d << 2));
  return n;
}

/** The last entry of the list at `list` (rank entries), or `empty` for rank 0. */
@inline export function lastOf(list: usize, rank: i32, empty: i32): i32 {
  return rank > 0 ? load<i32>(list + (<usize>(rank - 1) << 2)) : empty;
}

/** Zeroes `words` int32 words at `at` (a multi-index or offset scratch). */
@inline export function zeroWords(at: usize, words: i32): void {
  memory.fill(at, 0, <usize>words << 2);
}

/**
 * Advances the multi-index `idx` (dims 0..last, last fastest) by one position of `shape` and
 * returns `base` moved by the strides of the dims that changed; dim `skip` (or -1) moves nothing.
 */
@inline export function odometer(idx: usize, last: i32, shape: usize, strides: usize, skip: i32, base: i32): i32 {
  for (let d = last; d >= 0; d--) {
    const slot = idx + (<usize>d << 2);
    const v = load<i32>(slot) + 1;
    const st = d != skip ? load<i32>(strides + (<usize>d << 2)) : 0;
    base += st;
    if (v < load<i32>(shape + (<usize>d << 2))) {
      store<i32>(slot, v);
      return base;
    }
    base -= v * st;
    store<i32>(slot, 0);
  }
  return base;
}

/**
 * Moves to the next outer index (all dims but the last) for up to three strided operands whose
 * offsets are the three words at `o` (s2 = 0: two operands).
 */
@inline export function advance(idx: usize, rank: i32, shape: usize, s0: usize, s1: usize, s2: usize, o: usize): void {
  for (let d = rank - 2; d >= 0; d--) {
    const at = idx + (<usize>d << 2);
    const v = load<i32>(at) + 1;
    const st0 = load<i32>(s0 + (<usize>d << 2));
    const st1 = load<i32>(s1 + (<usize>d << 2));
    const st2 = s2 ? load<i32>(s2 + (<usize>d << 2)) : 0;
    store<i32>(o, load<i32>(o) + st0);
    store<i32>(o, load<i32>(o, 4) + st1, 4);
    store<i32>(o, load<i32>(o, 8) + st2, 8);
    if (v < load<i32>(shape + (<usize>d << 2))) {
      store<i32>(at, v);
      return;
    }
    store<i32>(o, load<i32>(o) - v * st0);
    store<i32>(o, load<i32>(o, 4) - v * st1, 4);
    store<i32>(o, load<i32>(o, 8) - v * st2, 8);
    store<i32>(at, 0);
  }
}
