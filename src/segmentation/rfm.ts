/**
 * Classic RFM scoring beside k-means: R, F and M scores 1-5 by quintiles, the three-digit RFM code and a named
 * segment from {@link RFM_SEGMENTS}. Pure functions over plain arrays.
 */

/** The four inner quintile edges of each of recency_days, frequency and monetary, learned on the training customers. */
export interface RfmEdges {
  recency_days: [number, number, number, number];
  frequency: [number, number, number, number];
  monetary: [number, number, number, number];
}

/** One customer's scores. */
export interface RfmScore {
  R: number;
  F: number;
  M: number;
  /** The three digits, e.g. "545". */
  RFM: string;
  segment: RfmSegmentName;
}

/** The segment names, in the order of {@link RFM_SEGMENTS}. */
export type RfmSegmentName =
  | 'Champions'
  | 'Loyal customers'
  | 'Potential loyalists'
  | 'New customers'
  | 'Promising'
  | 'Need attention'
  | 'About to sleep'
  | 'At risk'
  | "Can't lose them"
  | 'Hibernating'
  | 'Lost';

/**
 * The segment map on R (1-5) and FM = the mean of F and M rounded half up, (F + M + 1) div 2. Each cell of the
 * 5 x 5 grid belongs to exactly one segment; `r` and `fm` are inclusive ranges.
 *
 * | R \ FM | 1 | 2 | 3 | 4 | 5 |
 * |---|---|---|---|---|---|
 * | 5 | New customers | Potential loyalists | Potential loyalists | Champions | Champions |
 * | 4 | Promising | Potential loyalists | Potential loyalists | Loyal customers | Champions |
 * | 3 | About to sleep | About to sleep | Need attention | Loyal customers | Loyal customers |
 * | 2 | Hibernating | Hibernating | At risk | At risk | Can't lose them |
 * | 1 | Lost | Lost | At risk | At risk | Can't lose them |
 */
export const RFM_SEGMENTS: readonly { name: RfmSegmentName; cells: readonly { r: [number, number]; fm: [number, number] }[] }[] = [
  { name: 'Champions', cells: [{ r: [5, 5], fm: [4, 5] }, { r: [4, 4], fm: [5, 5] }] },
  { name: 'Loyal customers', cells: [{ r: [4, 4], fm: [4, 4] }, { r: [3, 3], fm: [4, 5] }] },
  { name: 'Potential loyalists', cells: [{ r: [4, 5], fm: [2, 3] }] },
  { name: 'New customers', cells: [{ r: [5, 5], fm: [1, 1] }] },
  { name: 'Promising', cells: [{ r: [4, 4], fm: [1, 1] }] },
  { name: 'Need attention', cells: [{ r: [3, 3], fm: [3, 3] }] },
  { name: 'About to sleep', cells: [{ r: [3, 3], fm: [1, 2] }] },
  { name: 'At risk', cells: [{ r: [1, 2], fm: [3, 4] }] },
  { name: "Can't lose them", cells: [{ r: [1, 2], fm: [5, 5] }] },
  { name: 'Hibernating', cells: [{ r: [2, 2], fm: [1, 2] }] },
  { name: 'Lost', cells: [{ r: [1, 1], fm: [1, 2] }] },
];

/** The segment of scores R, F, M (each 1-5). */
export function rfmSegment(R: number, F: number, M: number): RfmSegmentName {
  const fm = Math.floor((F + M + 1) / 2);
  for (const s of RFM_SEGMENTS) for (const c of s.cells) if (R >= c.r[0] && R <= c.r[1] && fm >= c.fm[0] && fm <= c.fm[1]) return s.name;
  throw new RangeError(`scores out of 1-5: R=${R} F=${F} M=${M}`);
}

/**
 * The quintile edges of `values` (not empty): edge j (1..4) is the value at sorted position ceil(j * n / 5) - 1,
 * the largest value of the j-th fifth of the sorted customers.
 */
export function quintileEdges(values: ArrayLike<number>): [number, number, number, number] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const at = (j: number) => sorted[Math.max(0, Math.ceil((j * n) / 5) - 1)];
  return [at(1), at(2), at(3), at(4)];
}

/** Learns the RFM quintile edges from the training customers' features (same length, not empty). */
export function fitRfm(features: { recency_days: ArrayLike<number>; frequency: ArrayLike<number>; monetary: ArrayLike<number> }): RfmEdges {
  return { recency_days: quintileEdges(features.recency_days), frequency: quintileEdges(features.frequency), monetary: quintileEdges(features.monetary) };
}

/**
 * Score 1-5 of `x` against edges: 1 + the number of edges strictly below x. A value equal to an edge gets the lower
 * score, so equal values always get equal scores and the score never falls as the value rises.
 */
export function quintileScore(x: number, edges: readonly number[]): number {
  let s = 1;
  for (const e of edges) if (x > e) s++;
  return s;
}

/** Scores one customer: F and M rise with frequency and monetary; R = 6 - the recency score (5 = most recent). */
export function scoreRfm(edges: RfmEdges, recencyDays: number, frequency: number, monetary: number): RfmScore {
  const R = 6 - quintileScore(recencyDays, edges.recency_days);
  const F = quintileScore(frequency, edges.frequency);
  const M = quintileScore(monetary, edges.monetary);
  return { R, F, M, RFM: `${R}${F}${M}`, segment: rfmSegment(R, F, M) };
}

/** Scores every customer; arrays of length n. */
export function scoreAll(
  edges: RfmEdges,
  features: { recency_days: ArrayLike<number>; frequency: ArrayLike<number>; monetary: ArrayLike<number> },
): RfmScore[] {
  return Array.from({ length: features.recency_days.length }, (_, i) =>
    scoreRfm(edges, features.recency_days[i], features.frequency[i], features.monetary[i]),
  );
}

/** Per segment (in map order, empty ones included): customers and share of the total monetary. */
export function rfmSegmentTable(scores: readonly RfmScore[], monetary: ArrayLike<number>): { segment: RfmSegmentName; customers: number; revenue: number; revenueShare: number }[] {
  const total = Array.from(monetary).reduce((s, v) => s + v, 0);
  return RFM_SEGMENTS.map(({ name }) => {
    let customers = 0;
    let revenue = 0;
    scores.forEach((s, i) => {
      if (s.segment === name) {
        customers++;
        revenue += monetary[i];
      }
    });
    return { segment: name, customers, revenue, revenueShare: total === 0 ? 0 : revenue / total };
  });
}

/** Customers per RFM segment (rows, map order) and k-means segment (columns 0..k-1). */
export function rfmCrosstab(scores: readonly RfmScore[], clusters: ArrayLike<number>, k: number): { segment: RfmSegmentName; counts: number[] }[] {
  return RFM_SEGMENTS.map(({ name }) => {
    const counts = new Array<number>(k).fill(0);
    scores.forEach((s, i) => {
      if (s.segment === name) counts[clusters[i]]++;
    });
    return { segment: name, counts };
  });
}
