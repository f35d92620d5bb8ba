import type { Customers } from '../data/clean';
import { comparativeWords, categoricalColumns, levelWords, numericColumns, numericFeatures } from '../data/schema';
import { categoryValues } from '../features/encode';
import type { SegmentProfile } from './types';
import { quantileSorted } from '../util/stats';

/** Options for {@link profileSegments}. */
export interface ProfileOptions {
  /** Number of segments; labels must lie in 0..k-1. */
  k: number;
  /** Cluster centres in raw units, shape [k, centroidColumns.length]; recorded as each profile's `centroid`. Default: none. */
  centroids?: readonly (readonly number[])[];
  /** Names of the centroid columns (the clustering columns). Default: the schema's features. */
  centroidColumns?: readonly string[];
  /** How many features a label names at most. Default 3. */
  maxLabelFeatures?: number;
}

/** Population terciles of each numeric column: the cut points the labels compare segment means with. */
export function terciles(data: Customers): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const f of numericColumns(data.schema)) {
    const sorted = Float64Array.from(data.numeric[f]).sort();
    out[f] = [quantileSorted(sorted, 1 / 3), quantileSorted(sorted, 2 / 3)];
  }
  return out;
}

/** Population mean and standard deviation (ddof 0) of each numeric column. */
export function populationStats(data: Customers): Record<string, { mean: number; std: number }> {
  const out: Record<string, { mean: number; std: number }> = {};
  for (const f of numericColumns(data.schema)) {
    const v = data.numeric[f];
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i];
    const mean = s / v.length;
    let ss = 0;
    for (let i = 0; i < v.length; i++) ss += (v[i] - mean) ** 2;
    out[f] = { mean, std: Math.sqrt(ss / v.length) };
  }
  return out;
}

/** Tercile word of a value: index 0 below the first cut, 2 above the second, else 1. */
function level(value: number, [t1, t2]: [number, number]): 0 | 1 | 2 {
  if (value < t1) return 0;
  if (value > t2) return 2;
  return 1;
}

/**
 * Describes each segment: size, share, mean and median of each numeric column (raw units), the share of each value
 * of every categorical column, the centre, and a plain label derived from the data.
 *
 * The label puts each numeric clustering feature's segment mean in the population's terciles (below the 1/3
 * quantile: the first of the field's `words`, e.g. "low basket"; above 2/3: the third, e.g. "high basket"; else the
 * middle one) and names at most `maxLabelFeatures` features: those that most set the segment apart (largest
 * |segment mean − population mean| / population std), in the schema's feature order. Mall: "Young, high income,
 * high spending". Two segments with the same words are told apart by the feature where their means differ most
 * (e.g. "... (older of the two)").
 *
 * @param data clean customers, n rows
 * @param labels cluster index of each customer, length n
 * @returns one profile per cluster id 0..k-1 (an empty cluster has size 0 and NaN-free zero statistics)
 */
export function profileSegments(data: Customers, labels: ArrayLike<number>, options: ProfileOptions): SegmentProfile[] {
  const { schema } = data;
  const { k, centroids, centroidColumns = schema.features, maxLabelFeatures = 3 } = options;
  const numeric = numericColumns(schema);
  const labelled = numericFeatures(schema);
  const categorical = categoricalColumns(schema);
  const cuts = terciles(data);
  const population = populationStats(data);
  const members = membersOf(labels, k, data.n);
  const valuesOf = new Map(categorical.map((c) => [c, categoryValues(schema, data.categorical[c], c)] as const));

  const profiles = members.map((rows, id): SegmentProfile => {
    const means: Record<string, number> = {};
    const medians: Record<string, number> = {};
    const levels: Record<string, string> = {};
    const levelIndex: Record<string, 0 | 1 | 2> = {};
    for (const f of numeric) {
      const column = data.numeric[f];
      const values = new Float64Array(rows.length);
      let sum = 0;
      for (let r = 0; r < rows.length; r++) {
        values[r] = column[rows[r]];
        sum += values[r];
      }
      means[f] = values.length ? sum / values.length : 0;
      medians[f] = values.length ? quantileSorted(values.sort(), 0.5) : 0;
      levelIndex[f] = level(means[f], cuts[f]);
      levels[f] = levelWords(schema, f)[levelIndex[f]].split(' ')[0].toLowerCase();
    }
    const categories: Record<string, Record<string, number>> = {};
    for (const c of categorical) {
      const values = data.categorical[c];
      const shares: Record<string, number> = {};
      for (const v of valuesOf.get(c) ?? []) shares[v] = 0;
      for (let r = 0; r < rows.length; r++) shares[values[rows[r]]] += 1;
      if (rows.length) for (const v of Object.keys(shares)) shares[v] /= rows.length;
      categories[c] = shares;
    }
    const centroid: Record<string, number> = {};
    if (centroids) centroidColumns.forEach((f, j) => (centroid[f] = centroids[id][j]));
    const distinctness = (f: string) => (population[f].std > 0 ? Math.abs(means[f] - population[f].mean) / population[f].std : 0);
    const named = new Set([...labelled].sort((a, b) => distinctness(b) - distinctness(a)).slice(0, maxLabelFeatures));
    const words = labelled.filter((f) => named.has(f)).map((f) => levelWords(schema, f)[levelIndex[f]]);
    const label = capitalize(words.join(', '));
    const gender = categories.Gender && 'Female' in categories.Gender && 'Male' in categories.Gender ? { gender: { Female: categories.Gender.Female, Male: categories.Gender.Male } } : {};
    return { id, label, size: rows.length, share: rows.length / data.n, means, medians, centroid, ...gender, levels, categories };
  });
  return disambiguate(profiles, data);
}

/** The rows of each segment, ascending (a counting sort of the labels). */
function membersOf(labels: ArrayLike<number>, k: number, n: number): Int32Array[] {
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[labels[i]]++;
  const members = Array.from(sizes, (size) => new Int32Array(size));
  const filled = new Int32Array(k);
  for (let i = 0; i < n; i++) members[labels[i]][filled[labels[i]]++] = i;
  return members;
}

function capitalize(s: string): string {
  return s.length ? s[0].toUpperCase() + s.slice(1) : s;
}

/** Gives segments that share a label a suffix naming where they differ most, in population-scale units. */
function disambiguate(profiles: SegmentProfile[], data: Customers): SegmentProfile[] {
  const labelled = numericFeatures(data.schema);
  const byLabel = new Map<string, SegmentProfile[]>();
  for (const p of profiles) byLabel.set(p.label, [...(byLabel.get(p.label) ?? []), p]);
  const renamed = new Map<number, string>();
  for (const group of byLabel.values()) {
    if (group.length < 2) continue;
    // the feature whose means spread most across the group, relative to its range in the group
    const spread = (f: string) => {
      const ms = group.map((p) => p.means[f]);
      return (Math.max(...ms) - Math.min(...ms)) / Math.max(1, Math.abs(Math.max(...ms)));
    };
    const f = [...labelled].sort((a, b) => spread(b) - spread(a))[0];
    const order = [...group].sort((a, b) => a.means[f] - b.means[f]);
    const words = comparativeWords(data.schema, f);
    order.forEach((p, rank) => {
      const tag = group.length === 2 ? `${words[rank]} of the two` : `${rank + 1} of ${group.length} by ${f}`;
      renamed.set(p.id, `${p.label} (${tag})`);
    });
  }
  return profiles.map((p) => (renamed.has(p.id) ? { ...p, label: renamed.get(p.id)! } : p));
}
