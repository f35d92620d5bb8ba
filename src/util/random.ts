/**
 * Seeded pseudo-random numbers for the model layer (never Math.random).
 *
 * The generator is xoshiro128** (32-bit state words, period 2^128 - 1) seeded through splitmix32, so any
 * integer seed gives a well-mixed state. `stream` derives independent generators from one seed, which keeps
 * batched code (all restarts at once) and loop code (one restart after another) on identical random draws.
 */

/** The seed every public function uses when none is given (k-means++, sampling, synthetic data, figures). */
export const DEFAULT_SEED = 42;

/** A stateful seeded generator. */
export interface Rng {
  /** Uniform float in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform integer in [0, n), n >= 1. */
  nextInt(n: number): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * A generator for `seed` (any safe integer) and an optional `stream` number (default 0).
 * Same (seed, stream) -> same sequence, on every platform.
 */
export function createRng(seed: number, stream = 0): Rng {
  const low = seed >>> 0;
  const high = Math.floor(seed / 2 ** 32) >>> 0;
  const mix = splitmix32(low ^ Math.imul(high, 0x27d4eb2f) ^ Math.imul(stream + 1, 0x165667b1));
  let s0 = mix();
  let s1 = mix();
  let s2 = mix();
  let s3 = mix();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    return result;
  };

  const next = (): number => ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / 9007199254740992;
  return {
    next,
    nextInt: (n: number) => Math.min(n - 1, Math.floor(next() * n)),
  };
}

/**
 * `m` distinct indices drawn uniformly from 0..n-1 (partial Fisher-Yates), in draw order. Requires 0 <= m <= n.
 */
export function sampleWithoutReplacement(rng: Rng, n: number, m: number): Int32Array {
  const picked = new Int32Array(m);
  const swapped = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    const j = i + rng.nextInt(n - i);
    const atJ = swapped.get(j) ?? j;
    const atI = swapped.get(i) ?? i;
    picked[i] = atJ;
    swapped.set(j, atI);
  }
  return picked;
}
