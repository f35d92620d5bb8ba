import { OptionsError } from '../util/errors';
import { MALL_SCHEMA } from './schema';
import { DEFAULT_SEED } from '../util/random';

const REQUIRED_COLUMNS = MALL_SCHEMA.fields.map((f) => f.name);

/** Options of {@link syntheticCustomersCsv}. */
export interface SyntheticOptions {
  /** Number of customers (rows), an integer >= 1. Default 200 (the size of the public file). */
  n?: number;
  /** Seed of the generator, an integer; the same seed gives the same text. Default 42. */
  seed?: number;
}

/** Source name to use in messages and summaries for the built-in dataset, e.g. "<synthetic n=200 seed=42>". */
export function syntheticSource(options: SyntheticOptions = {}): string {
  const { n = 200, seed = DEFAULT_SEED } = options;
  return `<synthetic n=${n} seed=${seed}>`;
}

/** One mall-like segment: normal distributions per feature and its share of customers. */
export interface SyntheticSegment {
  age: [mean: number, sd: number];
  income: [mean: number, sd: number];
  spending: [mean: number, sd: number];
  weight: number;
}

/**
 * The six segments, the same mixture as `bench/python/gen_customers.py` (shaped like the public data:
 * young low-income big spenders, older average customers, rich careful spenders, young average customers,
 * rich big spenders, low-income careful spenders).
 */
export const SYNTHETIC_SEGMENTS: readonly SyntheticSegment[] = [
  { age: [25, 5], income: [25, 6], spending: [78, 10], weight: 0.11 },
  { age: [56, 8], income: [54, 9], spending: [49, 6], weight: 0.22 },
  { age: [42, 9], income: [89, 12], spending: [17, 9], weight: 0.18 },
  { age: [27, 6], income: [57, 9], spending: [48, 7], weight: 0.19 },
  { age: [33, 4], income: [86, 12], spending: [82, 9], weight: 0.2 },
  { age: [45, 11], income: [26, 7], spending: [19, 11], weight: 0.1 },
];

const FEMALE_SHARE = 0.56;

/**
 * A built-in, clearly synthetic stand-in for Mall_Customers.csv, used when no CSV exists: CSV text with the
 * five columns of the public file (CustomerID 1..n, Gender, Age, Annual Income (k$), Spending Score (1-100)),
 * integers clipped to Age 18-80, income 10-200, score 1-100. Segment sizes follow the weights exactly
 * (largest remainder), the row order is shuffled. Deterministic: same `n` and `seed`, same text. These are
 * not real customers; callers should say so (e.g. `data.synthetic` in the summary, {@link syntheticSource}).
 *
 * @throws OptionsError when `n` is not an integer >= 1 or `seed` is not an integer.
 *
 * @example
 * const table = parseCustomersCsv(syntheticCustomersCsv({ n: 200, seed: 42 }), { source: syntheticSource() });
 */
export function syntheticCustomersCsv(options: SyntheticOptions = {}): string {
  const { n = 200, seed = DEFAULT_SEED } = options;
  if (!Number.isInteger(n) || n < 1) throw new OptionsError(`invalid n: ${n}; use an integer >= 1`, 'n');
  if (!Number.isSafeInteger(seed)) throw new OptionsError(`invalid seed: ${seed}; use an integer`, 'seed');

  const random = mulberry32(seed);
  const normal = (mean: number, sd: number): number => {
    // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
    const u = 1 - random();
    const v = random();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };

  const segments = shuffle(segmentOfEachRow(n), random);
  const lines = [REQUIRED_COLUMNS.join(',')];
  segments.forEach((s, i) => {
    const { age, income, spending } = SYNTHETIC_SEGMENTS[s];
    const gender = random() < FEMALE_SHARE ? 'Female' : 'Male';
    const a = clip(Math.round(normal(...age)), 18, 80);
    const inc = clip(Math.round(normal(...income)), 10, 200);
    const sp = clip(Math.round(normal(...spending)), 1, 100);
    lines.push(`${i + 1},${gender},${a},${inc},${sp}`);
  });
  return lines.join('\n') + '\n';
}

/** Segment index per row, sizes proportional to the weights (largest remainder), in segment order. */
function segmentOfEachRow(n: number): number[] {
  const total = SYNTHETIC_SEGMENTS.reduce((sum, s) => sum + s.weight, 0);
  const exact = SYNTHETIC_SEGMENTS.map((s) => (n * s.weight) / total);
  const sizes = exact.map(Math.floor);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  const left = n - sizes.reduce((a, b) => a + b, 0);
  for (let k = 0; k < left; k++) sizes[byRemainder[k].i]++;
  return sizes.flatMap((size, i) => Array<number>(size).fill(i));
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function clip(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

/** Small seeded generator of floats in [0, 1) (mulberry32); enough for a demo dataset. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
