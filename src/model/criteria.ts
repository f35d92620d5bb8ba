/**
 * Criteria for choosing k besides the silhouette: Calinski-Harabasz and Davies-Bouldin (as scikit-learn computes
 * them), the smallest segment's share, and a stability score (mean adjusted Rand index of k-means refitted on
 * seeded subsamples). Pure float64 loops over a checked matrix; no tensors.
 */
import type { Matrix } from '../util/matrix';
import { kmeansReference } from './kmeansReference';
import { createRng, DEFAULT_SEED, sampleWithoutReplacement } from '../util/random';

/** Criteria of one k, as summary.json's `k.criteria[k]`. */
export interface KCriteria {
  /** Mean silhouette (higher is better), null when not computed. */
  silhouette: number | null;
  /** Calinski-Harabasz index: between- over within-cluster dispersion, scaled by degrees of freedom (higher is better). */
  calinskiHarabasz: number;
  /** Davies-Bouldin index: mean over clusters of the worst (spread_i + spread_j) / centre distance (lower is better). */
  daviesBouldin: number;
  /** Share of customers in the smallest segment, 0..1. */
  minShare: number;
  /** Mean adjusted Rand index of refits on subsamples against the full fit, in [0, 1] (1 = the same segments every time). */
  stability: number;
}

/** Per-cluster sizes and mean vectors (empty clusters have size 0 and a zero mean). */
function clusterMeans(X: Matrix, labels: ArrayLike<number>, k: number): { sizes: Float64Array; means: Float64Array } {
  const { rows, cols, data } = X;
  const sizes = new Float64Array(k);
  const means = new Float64Array(k * cols);
  for (let i = 0; i < rows; i++) {
    const c = labels[i];
    sizes[c]++;
    for (let f = 0; f < cols; f++) means[c * cols + f] += data[i * cols + f];
  }
  for (let c = 0; c < k; c++) if (sizes[c] > 0) for (let f = 0; f < cols; f++) means[c * cols + f] /= sizes[c];
  return { sizes, means };
}

/**
 * Calinski-Harabasz index of a labeling, equal to scikit-learn's `calinski_harabasz_score`: (B / (m − 1)) /
 * (W / (n − m)) with B the between-cluster and W the within-cluster sum of squares around the clusters' means and m
 * the number of non-empty clusters; 1 when W is 0.
 * @param X shape [n, nFeatures]
 * @param labels cluster of each row, 0..k-1, length n
 */
export function calinskiHarabasz(X: Matrix, labels: ArrayLike<number>, k: number): number {
  const { rows, cols, data } = X;
  const { sizes, means } = clusterMeans(X, labels, k);
  const overall = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let f = 0; f < cols; f++) overall[f] += data[i * cols + f];
  for (let f = 0; f < cols; f++) overall[f] /= rows;
  let between = 0;
  let within = 0;
  let m = 0;
  for (let c = 0; c < k; c++) {
    if (sizes[c] === 0) continue;
    m++;
    for (let f = 0; f < cols; f++) between += sizes[c] * (means[c * cols + f] - overall[f]) ** 2;
  }
  for (let i = 0; i < rows; i++) {
    const c = labels[i];
    for (let f = 0; f < cols; f++) within += (data[i * cols + f] - means[c * cols + f]) ** 2;
  }
  return within === 0 ? 1 : (between * (rows - m)) / (within * (m - 1));
}

/**
 * Davies-Bouldin index of a labeling, equal to scikit-learn's `davies_bouldin_score`: with s_i the mean distance of
 * cluster i's rows to its mean and d_ij the distance between means, the mean over clusters of max_j (s_i + s_j) /
 * d_ij (coinciding means count as infinitely far); 0 when every s_i or every d_ij is 0. Empty clusters are ignored.
 */
export function daviesBouldin(X: Matrix, labels: ArrayLike<number>, k: number): number {
  const { rows, cols, data } = X;
  const { sizes, means } = clusterMeans(X, labels, k);
  const spread = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    const c = labels[i];
    let d = 0;
    for (let f = 0; f < cols; f++) d += (data[i * cols + f] - means[c * cols + f]) ** 2;
    spread[c] += Math.sqrt(d);
  }
  const present: number[] = [];
  for (let c = 0; c < k; c++) if (sizes[c] > 0) (spread[c] /= sizes[c]), present.push(c);
  const centreDistance = (a: number, b: number) => {
    let d = 0;
    for (let f = 0; f < cols; f++) d += (means[a * cols + f] - means[b * cols + f]) ** 2;
    return Math.sqrt(d);
  };
  // scikit-learn's np.allclose(x, 0) (atol 1e-8) on the spreads and on the centre distances
  const near0 = (x: number) => Math.abs(x) <= 1e-8;
  if (present.every((c) => near0(spread[c]))) return 0;
  const distances = present.flatMap((a) => present.map((b) => centreDistance(a, b)));
  if (distances.every(near0)) return 0;
  let total = 0;
  for (const a of present) {
    let worst = 0;
    for (const b of present) {
      if (a === b) continue;
      const d = centreDistance(a, b);
      const r = d === 0 ? 0 : (spread[a] + spread[b]) / d;
      if (r > worst) worst = r;
    }
    total += worst;
  }
  return total / present.length;
}

/**
 * Adjusted Rand index of two labelings of the same rows (scikit-learn's `adjusted_rand_score`): 1 for the same
 * partition up to renaming, about 0 for independent ones. Both all-one-cluster or all-singletons give 1.
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const table = new Map<number, number>();
  const rowsA = new Map<number, number>();
  const rowsB = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = a[i] * 1_000_003 + b[i];
    table.set(key, (table.get(key) ?? 0) + 1);
    rowsA.set(a[i], (rowsA.get(a[i]) ?? 0) + 1);
    rowsB.set(b[i], (rowsB.get(b[i]) ?? 0) + 1);
  }
  const pairs = (x: number) => (x * (x - 1)) / 2;
  if ((rowsA.size === rowsB.size && (rowsA.size === 1 || rowsA.size === n)) || n < 2) return 1;
  let index = 0;
  for (const v of table.values()) index += pairs(v);
  let sumA = 0;
  for (const v of rowsA.values()) sumA += pairs(v);
  let sumB = 0;
  for (const v of rowsB.values()) sumB += pairs(v);
  const expected = (sumA * sumB) / pairs(n);
  const max = (sumA + sumB) / 2;
  return max === expected ? 0 : (index - expected) / (max - expected);
}

/** Share of rows in the smallest of the k segments (0 when one is empty). */
export function smallestShare(labels: ArrayLike<number>, k: number): number {
  const sizes = new Float64Array(k);
  for (let i = 0; i < labels.length; i++) sizes[labels[i]]++;
  return labels.length ? Math.min(...sizes) / labels.length : 0;
}

/** Options of {@link stability}. */
export interface StabilityOptions {
  /** Seed of the subsamples and their k-means. Default 42. */
  seed?: number;
  /** Number of subsamples. Default 10. */
  subsamples?: number;
  /** Share of the rows in each subsample, in (0, 1). Default 0.8. */
  fraction?: number;
  /** Larger tables are first reduced to a seeded sample of this many rows, which keeps the cost fixed. Default 1000. */
  maxRows?: number;
  /** k-means++ restarts per refit. Default 3. */
  nInit?: number;
}

/**
 * Stability of a k-means labeling: refits k-means (seeded k-means++, `nInit` restarts, float64) on `subsamples`
 * random subsets of `fraction` of the rows and averages the adjusted Rand index between each refit's labels and
 * `reference` on the same rows. Clamped to [0, 1] (a negative ARI, worse than chance, counts as 0). Deterministic
 * for a seed. Tables above `maxRows` rows are scored on a seeded sample of that many rows.
 * @param X the matrix the reference labels were fitted on, shape [n, nFeatures]
 * @param reference cluster of each row, 0..k-1, length n
 */
export function stability(X: Matrix, reference: ArrayLike<number>, k: number, options: StabilityOptions = {}): number {
  const { seed = DEFAULT_SEED, subsamples = 10, fraction = 0.8, maxRows = 1000, nInit = 3 } = options;
  const pool = X.rows > maxRows ? Int32Array.from(sampleWithoutReplacement(createRng(seed, 7001), X.rows, maxRows)).sort() : null;
  const poolSize = pool ? pool.length : X.rows;
  const m = Math.min(poolSize, Math.max(k, Math.round(fraction * poolSize)));
  let total = 0;
  for (let s = 0; s < subsamples; s++) {
    const picked = Int32Array.from(sampleWithoutReplacement(createRng(seed, 7100 + s), poolSize, m)).sort();
    const rows = pool ? Int32Array.from(picked, (p) => pool[p]) : picked;
    const data = new Float64Array(rows.length * X.cols);
    rows.forEach((r, i) => data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
    const fit = kmeansReference({ rows: rows.length, cols: X.cols, data }, { k, nInit, seed: seed + 7200 + s });
    total += Math.max(0, adjustedRandIndex(fit.labels, Int32Array.from(rows, (r) => reference[r])));
  }
  return total / subsamples;
}
