/**
 * Two synthetic tables that are not the Mall table, column-wise, built by hand from a formula (no randomness):
 * - `retail`: 48 customers, 4 segments; 5 clustering features (4 numeric + "region", one-hot), a numeric column
 *   that is only profiled, and a 2-value categorical column ("channel") that is only profiled; string ids.
 * - `wide`: 60 customers, 5 segments; 12 numeric clustering features, categorical "plan" (3 values) and
 *   "country" (9 values: more than the profile panel names, so rarer ones pool as "other").
 * Each segment sits at its own offset on a few features; a small deterministic wobble spreads the rows. Profiles come
 * from profileSegments, the standardized matrix from the features layer, as in the pipeline.
 */
import type { Customers } from '../../data/clean';
import type { TableSchema } from '../../data/schema';
import { featureColumns } from '../../features/encode';
import { featureMatrix, fitScaler, scaleMatrix } from '../../features/scale';
import type { Matrix } from '../../util/matrix';
import { profileSegments } from '../../segmentation/profile';
import type { SegmentProfile } from '../../model/types';
import type { SegmentPoints } from '../specs';

export interface WideFixture {
  points: SegmentPoints;
  scaled: Matrix;
  population: Record<string, number>;
  profiles: SegmentProfile[];
}

/** A deterministic wobble in -1..1 for row i, column c. */
const wobble = (i: number, c: number): number => (((i * 37 + c * 11 + 5) % 17) - 8) / 8;

function build(schema: TableSchema, n: number, k: number, numeric: Record<string, (i: number, s: number) => number>, categorical: Record<string, (i: number, s: number) => string>, id: (i: number) => string | number): WideFixture {
  const labels = Int32Array.from({ length: n }, (_, i) => i % k);
  const rows = Array.from({ length: n }, (_, i) => i);
  const data: Customers = {
    schema,
    n,
    ids: rows.map(id),
    lines: Int32Array.from(rows, (i) => i + 2),
    numeric: Object.fromEntries(Object.entries(numeric).map(([c, f]) => [c, Float64Array.from(rows, (i) => Number(f(i, labels[i]!).toFixed(2)))])),
    categorical: Object.fromEntries(Object.entries(categorical).map(([c, f]) => [c, rows.map((i) => f(i, labels[i]!))])),
  };
  const encoding = featureColumns(data);
  const raw = featureMatrix(data, encoding);
  const scaler = fitScaler(raw, encoding);
  const scaled = scaleMatrix(raw, scaler);
  const profiles = profileSegments(data, labels, { k });
  const population: Record<string, number> = {};
  for (const [c, values] of Object.entries(data.numeric)) population[c] = values.reduce((a, v) => a + v, 0) / n;
  return { points: { data, labels, profiles }, scaled, population, profiles };
}

const RETAIL_SCHEMA: TableSchema = {
  name: 'retail',
  title: 'Retail customers (synthetic)',
  primaryKey: 'customer_id',
  features: ['recency_days', 'orders_per_year', 'basket_eur', 'tenure_months', 'region'],
  categorical: ['region', 'channel'],
  fields: [
    { name: 'customer_id', type: 'string' },
    { name: 'recency_days', type: 'number', title: 'Days since last order', unit: 'days' },
    { name: 'orders_per_year', type: 'number', title: 'Orders per year' },
    { name: 'basket_eur', type: 'number', title: 'Average basket', unit: 'EUR' },
    { name: 'tenure_months', type: 'number', title: 'Tenure', unit: 'months' },
    { name: 'age', type: 'integer', title: 'Age', unit: 'years' },
    { name: 'region', type: 'string', title: 'Region', constraints: { enum: ['North', 'South', 'East', 'West'] } },
    { name: 'channel', type: 'string', title: 'Channel' },
  ],
};

/** 5 features (4 numeric + region), 4 segments of 12: segment s is strongest on orders and basket (s = 3 highest). */
export function retail(): WideFixture {
  const regions = ['North', 'South', 'East', 'West'];
  return build(
    RETAIL_SCHEMA,
    48,
    4,
    {
      recency_days: (i, s) => 90 - 20 * s + 10 * wobble(i, 0),
      orders_per_year: (i, s) => 3 + 6 * s + 1.5 * wobble(i, 1),
      basket_eur: (i, s) => 25 + 30 * s + 8 * wobble(i, 2),
      tenure_months: (i, s) => 24 + 2 * s + 15 * wobble(i, 3),
      age: (i, s) => Math.round(35 + 3 * s + 10 * wobble(i, 4)),
    },
    {
      region: (i, s) => regions[(s + (i % 5 === 0 ? 1 : 0)) % 4]!,
      channel: (i, s) => ((i + s) % 3 === 0 ? 'Store' : 'Online'),
    },
    (i) => `C${String(i + 1).padStart(3, '0')}`,
  );
}

const WIDE_NAMES: [string, string, string | undefined][] = [
  ['visits', 'Store visits per month', undefined],
  ['web_sessions', 'Web sessions per month', undefined],
  ['basket', 'Average basket value', 'EUR'],
  ['items', 'Items per basket', undefined],
  ['discount_share', 'Share bought on discount', '%'],
  ['returns', 'Returns per year', undefined],
  ['tenure', 'Customer tenure', 'months'],
  ['support_calls', 'Support calls per year', undefined],
  ['newsletter_clicks', 'Newsletter clicks per month', undefined],
  ['app_minutes', 'App time per week', 'minutes'],
  ['loyalty_points', 'Loyalty points balance', 'points'],
  ['distance_km', 'Distance to nearest store', 'km'],
];

const WIDE_SCHEMA: TableSchema = {
  name: 'wide',
  title: 'Wide table (synthetic, 12 features)',
  primaryKey: 'id',
  features: WIDE_NAMES.map(([n]) => n),
  categorical: ['plan', 'country'],
  fields: [
    { name: 'id', type: 'integer' },
    ...WIDE_NAMES.map(([name, title, unit]) => ({ name, type: 'number' as const, title, ...(unit ? { unit } : {}) })),
    { name: 'plan', type: 'string', title: 'Plan' },
    { name: 'country', type: 'string', title: 'Country' },
  ],
};

/** 12 numeric features, 5 segments of 12: segment s raises features s, s+1 and s+6 (mod 12) by 3 spreads. */
export function wide(): WideFixture {
  const countries = ['DE', 'FR', 'IT', 'ES', 'NL', 'BE', 'AT', 'PL', 'SE'];
  const plans = ['Free', 'Plus', 'Pro'];
  const numeric: Record<string, (i: number, s: number) => number> = {};
  WIDE_NAMES.forEach(([name], c) => {
    const base = 10 * (c + 1);
    const spread = 2 + c;
    numeric[name] = (i, s) => base + spread * (wobble(i, c) + ([s, (s + 1) % 12, (s + 6) % 12].includes(c) ? 3 : 0));
  });
  return build(
    WIDE_SCHEMA,
    60,
    5,
    numeric,
    { plan: (i, s) => plans[(s + (i % 4 === 0 ? 1 : 0)) % 3]!, country: (i, s) => countries[(i * 7 + s) % 9]! },
    (i) => i + 1,
  );
}
