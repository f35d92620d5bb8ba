/**
 * A small labelled input worked out by hand for the figure tests: 7 Mall customers in 3 segments, column-wise.
 * Means and population means below are the arithmetic means of the rows (computed by hand, checked in specs.test.ts).
 */
import type { Customers } from '../../data/clean';
import { MALL_SCHEMA } from '../../data/schema';
import type { SegmentProfile } from '../../model/types';
import type { SegmentPoints } from '../specs';

const AGE = 'Age';
const INCOME = 'Annual Income (k$)';
const SPENDING = 'Spending Score (1-100)';

/** Rows: id, gender, age, income, spending. */
const rows: [number, string, number, number, number][] = [
  [1, 'Female', 20, 15, 80],
  [2, 'Male', 22, 20, 90],
  [3, 'Male', 50, 80, 10],
  [4, 'Female', 60, 90, 20],
  [5, 'Male', 55, 85, 15],
  [6, 'Female', 35, 50, 50],
  [7, 'Female', 40, 55, 45],
];

export const data: Customers = {
  schema: MALL_SCHEMA,
  n: rows.length,
  ids: rows.map((r) => r[0]),
  lines: Int32Array.from(rows, (_, i) => i + 2),
  numeric: {
    [AGE]: Float64Array.from(rows, (r) => r[2]),
    [INCOME]: Float64Array.from(rows, (r) => r[3]),
    [SPENDING]: Float64Array.from(rows, (r) => r[4]),
  },
  categorical: { Gender: rows.map((r) => r[1]) },
};

export const labels = Int32Array.from([0, 0, 1, 1, 1, 2, 2]);

type Means = Record<string, number>;
const m = (age: number, income: number, spending: number): Means => ({ [AGE]: age, [INCOME]: income, [SPENDING]: spending });

function profile(id: number, label: string, size: number, means: Means, centroid: Means, female: number): SegmentProfile {
  const gender = { Female: female, Male: 1 - female };
  return {
    id,
    label,
    size,
    share: size / 7,
    means,
    medians: means,
    centroid,
    gender,
    levels: { [AGE]: 'young', [INCOME]: 'low', [SPENDING]: 'high' },
    categories: { Gender: gender },
  };
}

/** Segment 2 has no centroid: charts must fall back to its means. Listed out of id order on purpose. */
export const profiles: SegmentProfile[] = [
  profile(1, 'Older, high income, low spending', 3, m(55, 85, 15), m(54, 84, 16), 1 / 3),
  profile(0, 'Young, low income, high spending', 2, m(21, 17.5, 85), m(21.5, 18, 84), 1 / 2),
  profile(2, 'Middle-aged, average income, average spending', 2, m(37.5, 52.5, 47.5), {}, 1),
];

/** (20+22+50+60+55+35+40)/7, (15+20+80+90+85+50+55)/7, (80+90+10+20+15+50+45)/7 */
export const population: Means = m(282 / 7, 395 / 7, 310 / 7);

/** Per-customer silhouettes; mean 3.2 / 7. */
export const silhouetteSamples = [0.8, 0.6, 0.5, 0.7, 0.4, -0.1, 0.3];

export const sweep = {
  ks: [2, 3, 4],
  silhouette: { '2': 0.41, '3': 0.52, '4': null },
  inertia: { '2': 30, '3': 12.5, '4': 8 },
  selected: 3,
};

export const points: SegmentPoints = { data, labels, profiles };
