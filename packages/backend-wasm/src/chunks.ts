/**
 * How a split call is cut into chunks (parallel.ts decides whether and into how many; the kernels
 * that build their own chunk lists, convolutions and broadcasts, cut them here too).
 */

/**
 * The boundaries of a split of [0, total) units into at most `parts` chunks of whole multiples of
 * `align` units (the last one may end short, at `total`): `[0, b1, …, total]`, chunk i being
 * [bᵢ, bᵢ₊₁). The sizes decrease linearly (shares parts, parts − 1, …, 1) instead of being equal,
 * so the end of a call is made of small chunks: a thread that joins late or runs slower (a
 * worker woken from sleep, a vCPU whose core the host shares, an efficiency core) holds up the
 * others by at most a small chunk. Measured here (2 vCPUs, one running these kernels 1.5-2x
 * slower than the other), a product split in 4 equal chunks took 1.15x less time than on one
 * thread; simulated for that speed ratio, shares 6..1 give 1.5x, and lose under 6% to equal
 * chunks when both threads are equal.
 *
 * @example chunkBounds(128, 4, 8) // [0, 48, 88, 112, 128]: 6, 5, 3 and 2 blocks of 8
 */
export function chunkBounds(total: number, parts: number, align: number): number[] {
  const blocks = Math.ceil(total / align);
  const n = Math.max(1, Math.min(parts, blocks));
  // One block each, the rest shared n : n − 1 : … : 1, what rounding leaves to the first ones.
  const weight = (n * (n + 1)) / 2;
  const rest = blocks - n;
  const sizes = Array.from({ length: n }, (_, i) => 1 + Math.floor((rest * (n - i)) / weight));
  let left = blocks - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i++, left--) sizes[i]++;
  const bounds = [0];
  let at = 0;
  for (const size of sizes) {
    at += size;
    bounds.push(Math.min(total, at * align));
  }
  return bounds;
}
