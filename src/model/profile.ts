import { COLUMNS, NUMERIC_FEATURES, featureValue, type Customer, type FeatureName, type Gender } from '../data/schema';
import type { SegmentProfile } from './types';
import { quantile } from '../util/stats';

/** Options for {@link profileSegments}. */
export interface ProfileOptions {
  /** Number of segments; labels must lie in 0..k-1. */
  k: number;
  /** Cluster centres in raw units, shape [k, features.length]; recorded as each profile's `centroid`. Default: none. */
  centroids?: readonly (readonly number[])[];
  /** Features the centroids are expressed in. Default: Age, Annual Income (k$), Spending Score (1-100). */
  features?: readonly FeatureName[];
}


/** Population terciles of each numeric feature: the cut points the labels compare segment means with. */
export function terciles(customers: readonly Customer[]): Record<FeatureName, [number, number]> {
  const out = {} as Record<FeatureName, [number, number]>;
  for (const f of NUMERIC_FEATURES) {
    const values = customers.map((c) => featureValue(c, f));
    out[f] = [quantile(values, 1 / 3), quantile(values, 2 / 3)];
  }
  return out;
}

const WORDS: Record<FeatureName, [string, string, string]> = {
  [COLUMNS.age]: ['Young', 'Middle-aged', 'Older'],
  [COLUMNS.income]: ['low income', 'average income', 'high income'],
  [COLUMNS.spending]: ['low spending', 'average spending', 'high spending'],
};

/** Tercile word of a value: index 0 below the first cut, 2 above the second, else 1. */
function level(value: number, [t1, t2]: [number, number]): 0 | 1 | 2 {
  if (value < t1) return 0;
  if (value > t2) return 2;
  return 1;
}

/**
 * Describes each segment: size, share, mean and median of each raw feature, gender mix, centre, and a plain label
 * derived from the data. The label compares the segment's mean of Age, income and spending with the population's
 * terciles (below the 1/3 quantile: "Young" / "low"; above the 2/3 quantile: "Older" / "high"; else "Middle-aged" /
 * "average"), so the wording follows the numbers on any dataset. Two segments with the same words are told apart by
 * the feature where their means differ most (e.g. "... (older of the two)").
 *
 * @param customers clean customers, length n
 * @param labels cluster index of each customer, length n
 * @returns one profile per cluster id 0..k-1 (an empty cluster has size 0 and NaN-free zero statistics)
 */
export function profileSegments(
  customers: readonly Customer[],
  labels: ArrayLike<number>,
  options: ProfileOptions,
): SegmentProfile[] {
  const { k, centroids, features = NUMERIC_FEATURES } = options;
  const cuts = terciles(customers);
  const members: Customer[][] = Array.from({ length: k }, () => []);
  customers.forEach((c, i) => members[labels[i]].push(c));

  const profiles = members.map((group, id) => {
    const means = {} as Record<FeatureName, number>;
    const medians = {} as Record<FeatureName, number>;
    const levelIndex = {} as Record<FeatureName, 0 | 1 | 2>;
    for (const f of NUMERIC_FEATURES) {
      const values = group.map((c) => featureValue(c, f));
      means[f] = values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
      medians[f] = values.length ? quantile(values, 0.5) : 0;
      levelIndex[f] = level(means[f], cuts[f]);
    }
    const females = group.filter((c) => c.gender === 'Female').length;
    const gender: Record<Gender, number> = group.length
      ? { Female: females / group.length, Male: (group.length - females) / group.length }
      : { Female: 0, Male: 0 };
    const centroid: Partial<Record<FeatureName, number>> = {};
    if (centroids) features.forEach((f, j) => (centroid[f] = centroids[id][j]));
    const levels = {} as Record<FeatureName, string>;
    for (const f of NUMERIC_FEATURES) levels[f] = WORDS[f][levelIndex[f]].split(' ')[0].toLowerCase();
    const label = NUMERIC_FEATURES.map((f) => WORDS[f][levelIndex[f]]).join(', ');
    return { id, label, size: group.length, share: group.length / customers.length, means, medians, centroid, gender, levels };
  });
  return disambiguate(profiles);
}

/** Gives segments that share a label a suffix naming where they differ most, in population-scale units. */
function disambiguate(profiles: SegmentProfile[]): SegmentProfile[] {
  const byLabel = new Map<string, SegmentProfile[]>();
  for (const p of profiles) byLabel.set(p.label, [...(byLabel.get(p.label) ?? []), p]);
  const renamed = new Map<number, string>();
  for (const group of byLabel.values()) {
    if (group.length < 2) continue;
    // the feature whose means spread most across the group, relative to its range in the group
    const spread = (f: FeatureName) => {
      const ms = group.map((p) => p.means[f]);
      return (Math.max(...ms) - Math.min(...ms)) / Math.max(1, Math.abs(Math.max(...ms)));
    };
    const f = [...NUMERIC_FEATURES].sort((a, b) => spread(b) - spread(a))[0];
    const order = [...group].sort((a, b) => a.means[f] - b.means[f]);
    const words = f === COLUMNS.age ? ['younger', 'older'] : f === COLUMNS.income ? ['lower income', 'higher income'] : ['lower spending', 'higher spending'];
    order.forEach((p, rank) => {
      const tag = group.length === 2 ? `${words[rank]} of the two` : `${rank + 1} of ${group.length} by ${f}`;
      renamed.set(p.id, `${p.label} (${tag})`);
    });
  }
  return profiles.map((p) => (renamed.has(p.id) ? { ...p, label: renamed.get(p.id)! } : p));
}
