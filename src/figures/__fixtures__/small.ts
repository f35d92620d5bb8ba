/**
 * A small labelled input worked out by hand for the figure tests: 7 customers in 3 segments.
 * Means and population means below are the arithmetic means of the rows (computed by hand, checked in specs.test.ts).
 */
import type { Customer, FeatureName } from '../../data/schema';
import type { SegmentProfile } from '../../model/types';
import type { SegmentPoints } from '../specs';

export const customers: Customer[] = [
  { id: 1, gender: 'Female', age: 20, income: 15, spending: 80 },
  { id: 2, gender: 'Male', age: 22, income: 20, spending: 90 },
  { id: 3, gender: 'Male', age: 50, income: 80, spending: 10 },
  { id: 4, gender: 'Female', age: 60, income: 90, spending: 20 },
  { id: 5, gender: 'Male', age: 55, income: 85, spending: 15 },
  { id: 6, gender: 'Female', age: 35, income: 50, spending: 50 },
  { id: 7, gender: 'Female', age: 40, income: 55, spending: 45 },
];

export const labels = Int32Array.from([0, 0, 1, 1, 1, 2, 2]);

type Means = Record<FeatureName, number>;
const m = (age: number, income: number, spending: number): Means => ({
  Age: age,
  'Annual Income (k$)': income,
  'Spending Score (1-100)': spending,
});

function profile(
  id: number,
  label: string,
  size: number,
  means: Means,
  centroid: Partial<Means>,
  female: number,
): SegmentProfile {
  return {
    id,
    label,
    size,
    share: size / 7,
    means,
    medians: means,
    centroid,
    gender: { Female: female, Male: 1 - female },
    levels: { Age: 'young', 'Annual Income (k$)': 'low', 'Spending Score (1-100)': 'high' },
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

export const points: SegmentPoints = { customers, labels, profiles };
