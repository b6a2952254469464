/**
 * The library's seeded random number generator. It lives in the front end so that the same seed
 * gives the same initial weights, shuffles and dropout masks on every backend.
 *
 * Generator: xoshiro128** (32-bit state words, period 2^128 - 1), seeded through splitmix32.
 */
import { ValueError } from './errors.js';

/**
 * A seeded random number generator (the library's RNG lives in the front end, so the same seed
 * gives the same numbers on every backend). Pass one to `rand`/`randn`/`randint`/dropout, or
 * reseed the default one with `manualSeed`.
 *
 * ```ts
 * const g = new Generator(42); randn([3], { generator: g })
 * ```
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Resets the state from an integer seed. */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) {
      throw new ValueError(`manualSeed: seed must be a finite number, got ${seed}.`);
    }
    // splitmix32 spreads a small integer seed over the 128-bit state.
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spare = null;
    return this;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 random bits (exactly representable in float32). */
  uniform(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** Standard normal sample (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). */
  int(low: number, high: number): number {
    const span = high - low;
    // Rejection sampling keeps the distribution exactly uniform.
    const limit = Math.floor(4294967296 / span) * span;
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return low + (x % span);
  }

  /**
   * Shuffles `items` in place (Fisher–Yates: for i from the end, swap items[i] with a uniform
   * items[j], j ≤ i) and returns it; every permutation is equally likely, and a seed gives the
   * same order on every run.
   *
   * @example
   * ```ts
   * new Generator(0).shuffle([0, 1, 2, 3, 4]); // a permutation of 0..4, the same for seed 0 every run
   * ```
   */
  shuffle<T>(items: T[]): T[] {
    if (!Array.isArray(items))
      throw new ValueError(
        `Generator.shuffle: items must be an array, got ${typeof items}. Pass an array (it is shuffled in place).`,
      );
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** Snapshot of the state (for checkpoints). */
  getState(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.spare ?? Number.NaN];
  }

  /**
   * Restores a state `getState()` returned (5 numbers); the generator then repeats the same
   * sequence. Throws ValueError for any other length.
   *
   *   const s = g.getState(); const a = g.nextUint32(); g.setState(s); g.nextUint32() === a  // true
   */
  setState(state: readonly number[]): void {
    if (state.length !== 5)
      throw new ValueError('Generator.setState: expected the 5 numbers getState() returned.');
    [this.s0, this.s1, this.s2, this.s3] = state.map((v) => v >>> 0);
    this.spare = Number.isNaN(state[4]) ? null : state[4];
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * The default generator used by rand, randn, randint, shuffles, initialisers and dropout.
 *
 * ```ts
 * defaultGenerator.manualSeed(1)   // same as manualSeed(1)
 * rand([2], { generator: defaultGenerator })   // [2], what rand([2]) draws
 * ```
 */
export const defaultGenerator = new Generator(0);

/**
 * Seeds the default generator: the same seed gives the same numbers on every backend.
 *
 * ```ts
 * manualSeed(0); const a = rand([2]);
 * manualSeed(0); const b = rand([2]);   // b equals a: [0.8869, 0.2640]
 * ```
 */
export function manualSeed(seed: number): void {
  defaultGenerator.manualSeed(seed);
}
