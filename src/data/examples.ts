import { OptionsError } from '../util/errors';
import { createRng, DEFAULT_SEED, type Rng } from '../util/random';
import { MIN_DIRTY_ROWS, spoil, type DirtyCell } from './dirtyCells';

export type { DirtyCell, DirtyKind } from './dirtyCells';

/**
 * Seeded example tables that are not the Mall Customers table: other column names, other units, string ids,
 * several categorical columns, skewed money, and optionally the dirty cells real exports have. Pure (no I/O);
 * `scripts/gen-table.ts` writes them to stdout. Same options, same bytes.
 */

/** Which example table: `retail` (a shop's customers, ~2,000 rows) or `wide` (12 behavioural features, 100,000 rows). */
export type ExampleKind = 'retail' | 'wide';

/** The roles of an example table's columns, in header order within each role. */
export interface ExampleColumns {
  /** The id column (retail: strings like "C-000123"; wide: integers 1..rows). */
  readonly id: string;
  /** The numeric columns, meant as clustering features. */
  readonly features: readonly string[];
  /** The categorical (string) columns. */
  readonly categorical: readonly string[];
  /** Every column, in the CSV header's order. */
  readonly header: readonly string[];
}

/** Columns of the two kinds. */
export const EXAMPLE_COLUMNS: Readonly<Record<ExampleKind, ExampleColumns>> = {
  retail: {
    id: 'customer_ref',
    features: ['age_years', 'income_eur', 'visits_per_month', 'basket_eur', 'tenure_months', 'online_share'],
    categorical: ['region', 'channel'],
    header: ['customer_ref', 'region', 'age_years', 'income_eur', 'visits_per_month', 'basket_eur', 'tenure_months', 'online_share', 'channel'],
  },
  wide: {
    id: 'id',
    features: [
      'recency_days', 'frequency_12m', 'monetary_12m', 'avg_order_value', 'returns_rate', 'discount_share',
      'sessions_30d', 'pages_per_session', 'email_open_rate', 'support_tickets_12m', 'tenure_days', 'app_share',
    ],
    categorical: ['plan'],
    header: [
      'id', 'recency_days', 'frequency_12m', 'monetary_12m', 'avg_order_value', 'returns_rate', 'discount_share',
      'sessions_30d', 'pages_per_session', 'email_open_rate', 'support_tickets_12m', 'tenure_days', 'app_share', 'plan',
    ],
  },
};

/** Options of {@link exampleTable}. */
export interface ExampleTableOptions {
  /** Which table. Required. */
  kind: ExampleKind;
  /** Number of data lines, an integer >= 1 (>= 50 with `dirty`). Default 2,000 for `retail`, 100,000 for `wide`. */
  rows?: number;
  /** Seed, a safe integer; same options give the same text. Default 42. */
  seed?: number;
  /**
   * Spoil about 1% of the rows (at least one row per kind of {@link DirtyKind} the table has columns for), each
   * spoiled row in one way only. The clean cells are the same as without `dirty` (the spoiling draws from its own
   * random stream), and the number of data lines stays `rows`. Default false.
   */
  dirty?: boolean;
}

/** A generated table: its text, its columns and what was generated into it. */
export interface ExampleTable {
  /** CSV text: a header line and `rows` data lines, each ending in `\n`; no quoting is needed. */
  csv: string;
  kind: ExampleKind;
  rows: number;
  seed: number;
  columns: ExampleColumns;
  /** The latent segment each data row was drawn from (0-based), length rows. Ground truth, not in the CSV. */
  segments: Int32Array;
  /** Number of latent segments of this kind. */
  nSegments: number;
  /** The spoiled cells, in row order; empty unless `dirty`. */
  dirty: DirtyCell[];
}

/**
 * Generates an example customer table from a mixture of latent segments that k-means can find after
 * standardization (retail: 5 segments; wide: 6).
 *
 * - `retail` columns: `customer_ref` ("C-000001"...), `region` (North/South/East/West), `age_years` (integer 18-90),
 *   `income_eur` (yearly, integer euros, lognormal within a segment), `visits_per_month` (integer, Poisson),
 *   `basket_eur` (euros, 2 decimals, lognormal), `tenure_months` (integer >= 0), `online_share` (0-1, 2 decimals),
 *   `channel` (store/online/both, follows online_share: < 0.25 store, > 0.75 online).
 * - `wide` columns: `id` (1..rows), 12 numeric features (see {@link EXAMPLE_COLUMNS}; counts are integers, rates and
 *   shares in 0-1, money lognormal), `plan` (free/basic/premium).
 *
 * Segment sizes follow fixed weights exactly (largest remainder); rows are shuffled; ids are 1..rows in row order.
 *
 * @throws OptionsError for an unknown kind, rows not an integer >= 1 (>= 50 with dirty), or a seed that is not a safe integer.
 *
 * @example
 * const { csv, columns } = exampleTable({ kind: 'retail', rows: 2000, seed: 1 });
 * columns.features; // ['age_years', 'income_eur', 'visits_per_month', 'basket_eur', 'tenure_months', 'online_share']
 */
export function exampleTable(options: ExampleTableOptions): ExampleTable {
  const { kind, seed = DEFAULT_SEED, dirty = false } = options;
  if (kind !== 'retail' && kind !== 'wide') throw new OptionsError(`invalid kind: ${String(kind)}; use retail or wide`, 'kind');
  const { rows = kind === 'retail' ? 2000 : 100_000 } = options;
  if (!Number.isInteger(rows) || rows < 1) throw new OptionsError(`invalid rows: ${rows}; use an integer >= 1`, 'rows');
  if (dirty && rows < MIN_DIRTY_ROWS) {
    throw new OptionsError(`invalid rows: ${rows}; a dirty table needs rows >= ${MIN_DIRTY_ROWS}`, 'rows');
  }
  if (!Number.isSafeInteger(seed)) throw new OptionsError(`invalid seed: ${seed}; use an integer`, 'seed');

  const generator = kind === 'retail' ? RETAIL : WIDE;
  const rng = createRng(seed, 0);
  const segments = Int32Array.from(shuffle(segmentOfEachRow(rows, generator.weights), rng));
  const cells = Array.from(segments, (s) => generator.row(s, rng));
  const ids = Array.from({ length: rows }, (_, i) => generator.id(i + 1, rows));
  const columns = EXAMPLE_COLUMNS[kind];
  const spoiled = dirty ? spoil(cells, ids, columns, createRng(seed, 1)) : [];

  const lines = [columns.header.join(',')];
  for (let i = 0; i < rows; i++) lines.push(`${ids[i]},${cells[i].join(',')}`);
  return {
    csv: lines.join('\n') + '\n',
    kind,
    rows,
    seed,
    columns,
    segments,
    nSegments: generator.weights.length,
    dirty: spoiled,
  };
}

/** The CSV text of {@link exampleTable}. */
export function exampleTableCsv(options: ExampleTableOptions): string {
  return exampleTable(options).csv;
}

/** Source name for messages, e.g. "<example retail rows=2000 seed=42>" (with " dirty" when dirty). */
export function exampleSource(options: ExampleTableOptions): string {
  const { kind, seed = DEFAULT_SEED, dirty = false } = options;
  const { rows = kind === 'retail' ? 2000 : 100_000 } = options;
  return `<example ${kind} rows=${rows} seed=${seed}${dirty ? ' dirty' : ''}>`;
}

/** How one kind of table draws a row: the cells after the id, in header order, as text. */
interface RowGenerator {
  weights: readonly number[];
  id(n: number, rows: number): string;
  row(segment: number, rng: Rng): string[];
}

// ---- retail ---------------------------------------------------------------------------------------------------

interface RetailSegment {
  weight: number;
  age: [mean: number, sd: number];
  /** Yearly income: median euros and sd of its logarithm. */
  income: [median: number, logSd: number];
  /** Poisson mean of visits per month. */
  visits: number;
  basket: [median: number, logSd: number];
  tenure: [mean: number, sd: number];
  /** online_share = logistic(normal(mean, sd)). */
  onlineLogit: [mean: number, sd: number];
  /** Probabilities of North, South, East, West. */
  region: [number, number, number, number];
}

/**
 * Young online shoppers, store families, affluent omnichannel, loyal seniors, occasional bargain hunters.
 * The separation was tuned so that scikit-learn's silhouette picks k = 5 with a clear margin on 2,000 rows
 * (see test/fixtures/sklearn_retail.json).
 */
export const RETAIL_SEGMENTS: readonly RetailSegment[] = [
  { weight: 0.22, age: [26, 4], income: [24_000, 0.25], visits: 3, basket: [25, 0.3], tenure: [8, 5], onlineLogit: [1.8, 0.6], region: [0.3, 0.2, 0.3, 0.2] },
  { weight: 0.26, age: [41, 6], income: [45_000, 0.25], visits: 12, basket: [85, 0.3], tenure: [60, 18], onlineLogit: [-1.8, 0.6], region: [0.2, 0.3, 0.2, 0.3] },
  { weight: 0.16, age: [50, 7], income: [110_000, 0.2], visits: 6, basket: [160, 0.25], tenure: [96, 24], onlineLogit: [0, 0.6], region: [0.25, 0.15, 0.35, 0.25] },
  { weight: 0.18, age: [68, 5], income: [30_000, 0.25], visits: 9, basket: [40, 0.3], tenure: [150, 30], onlineLogit: [-2.5, 0.6], region: [0.3, 0.3, 0.2, 0.2] },
  { weight: 0.18, age: [52, 6], income: [32_000, 0.3], visits: 1, basket: [14, 0.35], tenure: [40, 10], onlineLogit: [-0.2, 0.5], region: [0.2, 0.25, 0.25, 0.3] },
];

const REGIONS = ['North', 'South', 'East', 'West'] as const;

const RETAIL: RowGenerator = {
  weights: RETAIL_SEGMENTS.map((s) => s.weight),
  id: (n, rows) => `C-${String(n).padStart(Math.max(6, String(rows).length), '0')}`,
  row(segment, rng) {
    const s = RETAIL_SEGMENTS[segment];
    const region = REGIONS[categorical(rng, s.region)];
    const age = clip(Math.round(normal(rng, ...s.age)), 18, 90);
    const income = Math.round(s.income[0] * Math.exp(s.income[1] * normal(rng, 0, 1)));
    const visits = poisson(rng, s.visits);
    const basket = s.basket[0] * Math.exp(s.basket[1] * normal(rng, 0, 1));
    const tenure = Math.max(0, Math.round(normal(rng, ...s.tenure)));
    const online = Number(logistic(normal(rng, ...s.onlineLogit)).toFixed(2));
    const channel = online < 0.25 ? 'store' : online > 0.75 ? 'online' : 'both';
    return [region, String(age), String(income), String(visits), basket.toFixed(2), String(tenure), online.toFixed(2), channel];
  },
};

// ---- wide -----------------------------------------------------------------------------------------------------

interface WideFeature {
  /** `linear`: center + spread * z; `log`: center * exp(spread * z) (money, skewed). */
  scale: 'linear' | 'log';
  center: number;
  spread: number;
  decimals: number;
  min: number;
  max: number;
}

const WIDE_FEATURES: readonly WideFeature[] = [
  { scale: 'linear', center: 60, spread: 35, decimals: 0, min: 0, max: 730 }, // recency_days
  { scale: 'linear', center: 8, spread: 4, decimals: 0, min: 0, max: Infinity }, // frequency_12m
  { scale: 'log', center: 600, spread: 0.6, decimals: 2, min: 0, max: Infinity }, // monetary_12m
  { scale: 'log', center: 70, spread: 0.35, decimals: 2, min: 0, max: Infinity }, // avg_order_value
  { scale: 'linear', center: 0.08, spread: 0.04, decimals: 3, min: 0, max: 1 }, // returns_rate
  { scale: 'linear', center: 0.25, spread: 0.12, decimals: 2, min: 0, max: 1 }, // discount_share
  { scale: 'linear', center: 12, spread: 6, decimals: 0, min: 0, max: Infinity }, // sessions_30d
  { scale: 'linear', center: 5, spread: 1.8, decimals: 1, min: 1, max: Infinity }, // pages_per_session
  { scale: 'linear', center: 0.3, spread: 0.12, decimals: 2, min: 0, max: 1 }, // email_open_rate
  { scale: 'linear', center: 1.5, spread: 1, decimals: 0, min: 0, max: Infinity }, // support_tickets_12m
  { scale: 'linear', center: 700, spread: 350, decimals: 0, min: 0, max: Infinity }, // tenure_days
  { scale: 'linear', center: 0.45, spread: 0.2, decimals: 2, min: 0, max: 1 }, // app_share
];

/** Within-segment noise, in the same units as the segment means below. */
const WIDE_NOISE = 0.4;

/**
 * Six segments: mean of each feature in units of its spread (order of {@link WIDE_FEATURES}), share of customers,
 * and probabilities of the plans free, basic, premium.
 */
export const WIDE_SEGMENTS: readonly { weight: number; means: readonly number[]; plan: [number, number, number] }[] = [
  // loyal high spenders
  { weight: 0.14, means: [-1.2, 1.6, 1.5, 0.8, -0.5, -0.8, 1.2, 0.5, 1.0, -0.3, 1.2, 0.6], plan: [0.1, 0.3, 0.6] },
  // lapsed
  { weight: 0.2, means: [2.0, -1.2, -1.0, 0, 0.2, 0.3, -1.3, -0.6, -1.2, -0.5, 0.4, -0.8], plan: [0.6, 0.35, 0.05] },
  // bargain hunters
  { weight: 0.2, means: [-0.3, 0.6, -0.4, -1.3, 0.2, 1.8, 0.4, 0.1, 0.8, 0, -0.5, 0.3], plan: [0.4, 0.5, 0.1] },
  // new app users
  { weight: 0.18, means: [-0.8, -0.8, -0.6, -0.3, 0, 0.2, 1.0, 1.8, -0.2, 0.2, -2.0, 2.0], plan: [0.5, 0.4, 0.1] },
  // unhappy returners
  { weight: 0.12, means: [0.3, 0.2, 0.3, 0.9, 2.0, -0.2, -0.2, 0.4, -0.6, 2.0, 0.2, -0.5], plan: [0.2, 0.5, 0.3] },
  // steady web regulars
  { weight: 0.16, means: [-0.4, 0.3, 0.2, 0.4, -0.3, -0.6, -0.3, -1.8, 0.3, -0.6, 1.6, -1.8], plan: [0.2, 0.5, 0.3] },
];

const PLANS = ['free', 'basic', 'premium'] as const;

const WIDE: RowGenerator = {
  weights: WIDE_SEGMENTS.map((s) => s.weight),
  id: (n) => String(n),
  row(segment, rng) {
    const s = WIDE_SEGMENTS[segment];
    const cells = WIDE_FEATURES.map((f, j) => {
      const z = s.means[j] + WIDE_NOISE * normal(rng, 0, 1);
      const raw = f.scale === 'log' ? f.center * Math.exp(f.spread * z) : f.center + f.spread * z;
      const value = clip(raw, f.min, f.max);
      return value.toFixed(f.decimals);
    });
    cells.push(PLANS[categorical(rng, s.plan)]);
    return cells;
  },
};

// ---- random helpers -------------------------------------------------------------------------------------------

function normal(rng: Rng, mean: number, sd: number): number {
  // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
  const u = 1 - rng.next();
  const v = rng.next();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Knuth's method; fine for the small means used here. */
function poisson(rng: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

function categorical(rng: Rng, probabilities: readonly number[]): number {
  let u = rng.next();
  for (let i = 0; i < probabilities.length - 1; i++) {
    u -= probabilities[i];
    if (u < 0) return i;
  }
  return probabilities.length - 1;
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function clip(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

/** Segment index per row, sizes proportional to the weights (largest remainder), in segment order. */
function segmentOfEachRow(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (n * w) / total);
  const sizes = exact.map(Math.floor);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  const left = n - sizes.reduce((a, b) => a + b, 0);
  for (let k = 0; k < left; k++) sizes[byRemainder[k].i]++;
  return sizes.flatMap((size, i) => Array<number>(size).fill(i));
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
