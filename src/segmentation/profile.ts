import type { Customers } from '../data/clean';
import { comparativeWords, categoricalColumns, field, levelWords, numericColumns, numericFeatures, type TableSchema } from '../data/schema';
import { categoryValues } from '../features/encode';
import type { SegmentProfile } from '../model/types';
import { quantileSorted } from '../util/stats';

/** Options for {@link profileSegments}. */
export interface ProfileOptions {
  /** Number of segments; labels must lie in 0..k-1. */
  k: number;
  /** Cluster centres in raw units, shape [k, centroidColumns.length]; recorded as each profile's `centroid`. Default: none. */
  centroids?: readonly (readonly number[])[];
  /** Names of the centroid columns (the clustering columns). Default: the schema's features. */
  centroidColumns?: readonly string[];
  /** How many numeric features a label names at most. Default 3. */
  maxLabelFeatures?: number;
  /** How many over-represented categories a label names at most. Default 2. */
  maxLabelCategories?: number;
}

/**
 * Where the label words change, in population standard deviations of the segment mean's difference from the
 * population mean: below `slight` the segment is "average" on the feature; from `slight` "slightly higher/lower";
 * from `clear` the plain word ("high", "young"); from `large` "much higher/lower".
 */
export const LABEL_SD_THRESHOLDS = { slight: 0.25, clear: 0.5, large: 1 } as const;

/**
 * When a category enters a segment's label: the segment's share of it is at least `minShare` and at least
 * `minExcess` above the population's share (e.g. 99% fibre optic in a segment against 44% overall).
 */
export const LABEL_CATEGORY_THRESHOLDS = { minShare: 0.6, minExcess: 0.25 } as const;

/** Population mean and standard deviation (ddof 0) of each numeric column, in raw units. */
export function populationStats(data: Customers): Record<string, { mean: number; std: number }> {
  const out: Record<string, { mean: number; std: number }> = {};
  for (const f of numericColumns(data.schema)) out[f] = meanStd(data.numeric[f], false);
  return out;
}

function meanStd(v: ArrayLike<number>, log1p: boolean): { mean: number; std: number } {
  const x = (i: number) => (log1p ? Math.log1p(v[i]) : v[i]);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += x(i);
  const mean = v.length ? s / v.length : 0;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (x(i) - mean) ** 2;
  return { mean, std: v.length ? Math.sqrt(ss / v.length) : 0 };
}

/**
 * The words for a segment whose mean differs from the population's by `z` standard deviations on `column`
 * (see {@link LABEL_SD_THRESHOLDS}): the schema's level words for "average" and clear differences, its
 * comparatives with "slightly" / "much" for small and large ones. Mall age: +1.3 SD is "much older", -0.7 SD
 * "young", 0.1 SD "middle-aged", +0.3 SD "slightly older".
 */
export function differenceWords(schema: TableSchema, column: string, z: number): string {
  const a = Math.abs(z);
  if (!(a >= LABEL_SD_THRESHOLDS.slight)) return levelWords(schema, column)[1];
  const comparative = comparativeWords(schema, column)[z < 0 ? 0 : 1];
  if (a < LABEL_SD_THRESHOLDS.clear) return `slightly ${comparative}`;
  if (a < LABEL_SD_THRESHOLDS.large) return levelWords(schema, column)[z < 0 ? 0 : 2];
  return `much ${comparative}`;
}

/**
 * Describes each segment: size, share, mean and median of each numeric column (raw units), its difference from the
 * population in standard deviations, the share of each value of every categorical column, the centre, and a
 * plain label derived from the data.
 *
 * The label names the numeric clustering features on which the segment differs most from the population
 * (|segment mean − population mean| / population std, computed after the feature's transform, so a log1p column is
 * compared on its log scale), at most `maxLabelFeatures`, in the schema's feature order, each worded by
 * {@link differenceWords}; then the categories the segment holds far more of than the population
 * ({@link LABEL_CATEGORY_THRESHOLDS}), with the segment's share: "Much younger, high income, high spending" or
 * "Lapsed, low frequency, internet: Fiber optic 99%" (the column named: "Yes" or "both" alone says nothing). A segment that differs by 0.25 SD or more on some feature is never
 * "average" on all of them. Segments that would share a label get the next feature that tells them apart in
 * parentheses ("(slightly older)"), never an index.
 *
 * @param data clean customers, n rows
 * @param labels cluster index of each customer, length n
 * @returns one profile per cluster id 0..k-1 (an empty cluster has size 0 and NaN-free zero statistics)
 */
export function profileSegments(data: Customers, labels: ArrayLike<number>, options: ProfileOptions): SegmentProfile[] {
  const { schema } = data;
  const { k, centroids, centroidColumns = schema.features, maxLabelFeatures = 3, maxLabelCategories = 2 } = options;
  const numeric = numericColumns(schema);
  const labelled = numericFeatures(schema);
  const categorical = categoricalColumns(schema);
  // Clustering features are compared in the space they are clustered in (after log1p); other columns in raw units.
  const logged = (f: string) => labelled.includes(f) && field(schema, f).transform === 'log1p';
  const population = Object.fromEntries(numeric.map((f) => [f, meanStd(data.numeric[f], logged(f))] as const));
  const members = membersOf(labels, k, data.n);
  const valuesOf = new Map(categorical.map((c) => [c, categoryValues(schema, data.categorical[c], c)] as const));
  const populationShares = populationCategoryShares(data, valuesOf);

  const terms: string[][] = [];
  const profiles = members.map((rows, id): SegmentProfile => {
    const means: Record<string, number> = {};
    const medians: Record<string, number> = {};
    const differences: Record<string, number> = {};
    const levels: Record<string, string> = {};
    for (const f of numeric) {
      const column = data.numeric[f];
      const values = new Float64Array(rows.length);
      let sum = 0;
      let sumCompared = 0;
      for (let r = 0; r < rows.length; r++) {
        values[r] = column[rows[r]];
        sum += values[r];
        sumCompared += logged(f) ? Math.log1p(values[r]) : values[r];
      }
      means[f] = values.length ? sum / values.length : 0;
      medians[f] = values.length ? quantileSorted(values.sort(), 0.5) : 0;
      const { mean, std } = population[f];
      differences[f] = values.length && std > 0 ? (sumCompared / values.length - mean) / std : 0;
      levels[f] = differenceWords(schema, f, differences[f]).toLowerCase();
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
    const byDistance = [...labelled].sort((a, b) => Math.abs(differences[b]) - Math.abs(differences[a]));
    const named = new Set(byDistance.slice(0, maxLabelFeatures));
    const words = labelled.filter((f) => named.has(f)).map((f) => differenceWords(schema, f, differences[f]));
    const notable = rows.length ? notableCategories(schema, categories, populationShares).slice(0, maxLabelCategories) : [];
    terms.push([...words, ...notable]);
    const gender = categories.Gender && 'Female' in categories.Gender && 'Male' in categories.Gender ? { gender: { Female: categories.Gender.Female, Male: categories.Gender.Male } } : {};
    return { id, label: capitalize(terms[id].join(', ')), size: rows.length, share: rows.length / data.n, means, medians, differences, centroid, ...gender, levels, categories };
  });
  const unique = disambiguate(profiles, schema, [...labelled, ...numeric.filter((f) => !labelled.includes(f))], (p) => terms[p.id]);
  return profiles.map((p, i) => ({ ...p, label: unique[i] }));
}

/** Share of each value of each categorical column over all customers. */
function populationCategoryShares(data: Customers, valuesOf: Map<string, string[]>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [c, values] of valuesOf) {
    const shares: Record<string, number> = Object.fromEntries(values.map((v) => [v, 0]));
    for (const v of data.categorical[c]) shares[v] += 1;
    for (const v of values) shares[v] = data.n ? shares[v] / data.n : 0;
    out[c] = shares;
  }
  return out;
}

/** Label terms of the categories a segment holds far more of than the population, largest excess first. */
function notableCategories(schema: TableSchema, shares: Record<string, Record<string, number>>, population: Record<string, Record<string, number>>): string[] {
  const found: { text: string; excess: number }[] = [];
  for (const [c, values] of Object.entries(shares)) {
    for (const [v, share] of Object.entries(values)) {
      const excess = share - population[c][v];
      if (share >= LABEL_CATEGORY_THRESHOLDS.minShare && excess >= LABEL_CATEGORY_THRESHOLDS.minExcess) {
        found.push({ text: `${field(schema, c).title ?? c}: ${v} ${Math.round(100 * share)}%`, excess });
      }
    }
  }
  return found.sort((a, b) => b.excess - a.excess).map((f) => f.text);
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

/**
 * Makes labels unique: while segments share a label, each gets, in parentheses, its words for the column not yet in
 * its label on which the tied segments differ most (in population SDs), if those words tell at least two of them
 * apart; when no column's words do, the column's mean value.
 */
function disambiguate(profiles: SegmentProfile[], schema: TableSchema, columns: readonly string[], termsOf: (p: SegmentProfile) => string[]): string[] {
  const base = profiles.map((p) => capitalize(termsOf(p).join(', ')));
  const extra: string[][] = profiles.map(() => []);
  const used: Set<string>[] = profiles.map((p) => new Set(columns.filter((f) => termsOf(p).includes(differenceWords(schema, f, p.differences?.[f] ?? 0)))));
  const label = (i: number) => (extra[i].length ? `${base[i]} (${extra[i].join(', ')})` : base[i]);
  for (let round = 0; round < columns.length + 1; round++) {
    const groups = new Map<string, number[]>();
    profiles.forEach((p, i) => groups.set(label(i), [...(groups.get(label(i)) ?? []), i]));
    const tied = [...groups.values()].filter((g) => g.length > 1);
    if (tied.length === 0) break;
    for (const group of tied) {
      const z = (i: number, f: string) => profiles[i].differences?.[f] ?? 0;
      const candidates = columns
        .filter((f) => group.every((i) => !used[i].has(f)))
        .map((f) => ({ f, spread: Math.max(...group.map((i) => z(i, f))) - Math.min(...group.map((i) => z(i, f))) }))
        .sort((a, b) => b.spread - a.spread);
      const separating = candidates.find(({ f }) => new Set(group.map((i) => differenceWords(schema, f, z(i, f)))).size > 1);
      if (separating) {
        for (const i of group) {
          extra[i].push(differenceWords(schema, separating.f, z(i, separating.f)));
          used[i].add(separating.f);
        }
      } else {
        const spread = (f: string) => Math.max(...group.map((i) => z(i, f))) - Math.min(...group.map((i) => z(i, f)));
        const f = candidates[0]?.f ?? [...columns].sort((a, b) => spread(b) - spread(a))[0];
        for (const i of group) {
          extra[i].push(`mean ${(field(schema, f).title ?? f).toLowerCase()} ${formatMean(profiles[i].means[f])}`);
          used[i].add(f);
        }
      }
    }
  }
  return profiles.map((_, i) => label(i));
}

function formatMean(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
}
