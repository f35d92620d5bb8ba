/**
 * Plain-array building blocks shared by the k-means (kmeans.ts and its kernel) and its plain-loop reference
 * (kmeansReference.ts): option checks, scikit-learn's tolerance, k-means++ candidate draws, empty-cluster
 * relocation and the float64 finish. Everything here assumes checked input unless it is a `check*` function.
 */
import { DataError, OptionsError } from '../util/errors';
import type { KMeansFit } from './types';
import type { Matrix } from '../util/matrix';
import { DEFAULT_SEED, type Rng } from '../util/random';
import { resolveThreads } from './threads';

/** Options of kmeans / kmeansReference. */
export interface KMeansOptions {
  /** Number of clusters, an integer 1 <= k <= number of rows. Required. */
  k: number;
  /** Number of k-means++ restarts; the one with the lowest inertia is kept. Default 10. */
  nInit?: number;
  /** Maximum Lloyd iterations per restart. Default 300. */
  maxIter?: number;
  /**
   * Convergence tolerance, relative as in scikit-learn: a restart stops when the squared centre shift summed
   * over all centres is <= tol * (mean per-feature variance of X). Default 1e-4.
   */
  tol?: number;
  /** Seed of the random draws (k-means++ seeding, the restart sample). Default DEFAULT_SEED (42). */
  seed?: number;
  /**
   * Where the restarts run. 'auto' (default): on all rows below RESTART_SAMPLE_FROM_ROWS (50,000) rows; from there
   * on a seeded sample of max(RESTART_SAMPLE_MIN_ROWS, RESTART_SAMPLE_SHARE * rows) rows, at most
   * RESTART_SAMPLE_MAX_ROWS (40,000 of 200,000; 500,000 of 10,000,000; each restart seeded and first run on a coarse
   * sub-sample of a quarter of them, see COARSE_FROM_ROWS in kmeans.ts), the
   * `refineBest` restarts with the lowest sample inertia then refined with Lloyd iterations on all rows, keeping
   * the lowest inertia over all rows. 'all': every restart on all rows. A number N (>= k): a sample of N rows
   * (all rows when N >= rows). kmeansReference ignores it (always all rows).
   */
  restartSample?: 'auto' | 'all' | number;
  /**
   * With a restart sample: how many of the best sample restarts are refined on all rows. Default 1 (the best sample
   * restart, improved by the split-merge moves: at 200,000 rows, generator seeds 7, 8 and 9, refining the best 2 gave
   * every k the same inertia to 0.1 and cost 10% more time).
   */
  refineBest?: number;
  /**
   * Improve the best restart with split-merge moves (kmeansSplitMerge.ts: take one centre away, split another
   * cluster, run Lloyd again, keep it if the inertia drops) until no move helps; with a restart sample, the best
   * sample restart on the sample, before the refinement on all rows. Default true for kmeans; false for
   * kmeansReference unless asked (it is also the stability refits' k-means).
   */
  splitMerge?: boolean;
  /**
   * Most threads the restarts run on, this one included; 1 = this thread only. Default: env SEGMENTATION_THREADS,
   * else every core (os.availableParallelism()). Fewer run below 10,000 rows, when there are fewer restart groups, or
   * when the threads' copies of the data would pass THREAD_MEMORY_SHARE of the memory (see kmeansThreads). The fit is
   * the same for every thread count. kmeansReference ignores it.
   */
  threads?: number;
}

/** KMeansOptions with defaults applied and values checked; `restartSample` resolved to a row count (0 = all rows). */
export interface CheckedKMeansOptions extends Required<Omit<KMeansOptions, 'restartSample' | 'threads'>> {
  /** The most threads (see KMeansOptions.threads), resolved from the option, the env variable or the cores. */
  readonly threads: number;
  /** Rows of the restart sample, 0 < restartSample < rows; 0 = restarts on all rows. */
  readonly restartSample: number;
}

/** Rows from which restartSample 'auto' runs the restarts on a sample (below: all rows, as before the option). */
export const RESTART_SAMPLE_FROM_ROWS = 50_000;
/**
 * Share of the rows in an 'auto' restart sample. At 200,000 rows (generator seeds 7, 8, 9) a 20% sample kept every
 * k's inertia within 1.0015x scikit-learn's; 10% and 15% each missed one seed and k by 1-2% (bench/README.md).
 */
export const RESTART_SAMPLE_SHARE = 0.2;
/** Fewest rows of an 'auto' restart sample. */
export const RESTART_SAMPLE_MIN_ROWS = 20_000;
/**
 * Most rows of an 'auto' restart sample (reached from 2,500,000 rows). At 10,000,000 rows a 2,000,000-row sample took
 * 85 s of k-means and the report peaked at 3.43 GiB; a 500,000-row sample 39 s and 2.84 GiB, every k's inertia within
 * 1.00003x scikit-learn's (bench/results/large.jsonl).
 */
export const RESTART_SAMPLE_MAX_ROWS = 500_000;

/** Rows of the restart sample for `rows` rows (0 = restarts on all rows); `value` is checked against k. */
export function restartSampleRows(value: unknown, rows: number, k: number): number {
  if (value === 'all') return 0;
  if (value === 'auto') {
    if (rows < RESTART_SAMPLE_FROM_ROWS) return 0;
    const size = Math.min(RESTART_SAMPLE_MAX_ROWS, Math.max(RESTART_SAMPLE_MIN_ROWS, Math.round(rows * RESTART_SAMPLE_SHARE)));
    return size >= rows ? 0 : size;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < k) {
    throw new OptionsError(`restartSample=${JSON.stringify(value)} should be 'auto', 'all' or an integer >= k (${k})`, 'restartSample');
  }
  return value >= rows ? 0 : value;
}

/** Throws OptionsError unless `value` is an integer >= min. */
export function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new OptionsError(`${name}=${String(value)} should be an integer >= ${min}`, name);
  }
  return value;
}

/** Throws DataError unless X is a non-empty, consistent matrix of finite numbers. */
export function checkMatrix(X: Matrix): void {
  if (X.rows < 1 || X.cols < 1) throw new DataError(`the data matrix is empty (${X.rows} rows x ${X.cols} columns); give at least one row and one feature`);
  if (X.data.length !== X.rows * X.cols) {
    throw new DataError(`the data matrix has ${X.data.length} values, expected rows*cols = ${X.rows}*${X.cols}`);
  }
  for (let i = 0; i < X.data.length; i++) {
    if (!Number.isFinite(X.data[i])) {
      throw new DataError(`the data matrix has ${X.data[i]} at row ${Math.floor(i / X.cols)}, column ${i % X.cols}; drop or impute missing values first`);
    }
  }
}

/** Throws OptionsError unless k fits the number of rows. */
export function checkK(k: number, rows: number, name = 'k'): void {
  if (k > rows) throw new OptionsError(`${name}=${k} should be <= number of customers (${rows}); lower --k or --k-max`, name);
}

/** Validates X and the k-means options and applies the defaults (the one place they are applied). */
export function checkKMeansOptions(X: Matrix, options: KMeansOptions): CheckedKMeansOptions {
  checkMatrix(X);
  const { k, nInit = 10, maxIter = 300, tol = 1e-4, seed = DEFAULT_SEED, restartSample = 'auto', refineBest = 1, splitMerge = true } = options;
  checkInteger('k', k, 1);
  checkK(k, X.rows);
  checkInteger('nInit', nInit, 1);
  checkInteger('maxIter', maxIter, 1);
  if (typeof tol !== 'number' || !Number.isFinite(tol) || tol < 0) throw new OptionsError(`tol=${String(tol)} should be a finite number >= 0`, 'tol');
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new OptionsError(`seed=${String(seed)} should be an integer`, 'seed');
  checkInteger('refineBest', refineBest, 1);
  if (typeof splitMerge !== 'boolean') throw new OptionsError(`splitMerge=${String(splitMerge)} should be true or false`, 'splitMerge');
  const threads = resolveThreads(options.threads);
  return { k, nInit, maxIter, tol, seed, restartSample: restartSampleRows(restartSample, X.rows, k), refineBest, splitMerge, threads };
}

/** Column means and the centred data (float64), shape [rows, cols] row-major. */
export function centerColumns(X: Matrix, options: { shared?: boolean } = {}): { centered: Float64Array; mean: Float64Array } {
  const { rows, cols, data } = X;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let f = 0; f < cols; f++) mean[f] += data[i * cols + f];
  for (let f = 0; f < cols; f++) mean[f] /= rows;
  // In shared memory (options.shared, default false) it is posted to worker threads without a copy.
  const centered = options.shared ? new Float64Array(new SharedArrayBuffer(data.length * 8)) : new Float64Array(data.length);
  for (let i = 0; i < rows; i++) for (let f = 0; f < cols; f++) centered[i * cols + f] = data[i * cols + f] - mean[f];
  return { centered, mean };
}

/** scikit-learn's absolute tolerance: tol * mean over features of the (population) variance. `centered` has zero column means. */
export function absoluteTolerance(centered: Float64Array, rows: number, cols: number, tol: number): number {
  let total = 0;
  for (let i = 0; i < centered.length; i++) total += centered[i] * centered[i];
  return (total / rows / cols) * tol;
}

/** scikit-learn's number of local trials per k-means++ centre: 2 + floor(ln k). */
export function localTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

/**
 * Draws `trials` candidate rows with probability proportional to `closest` (squared distance to the nearest
 * chosen centre), like scikit-learn: uniform * potential, searchsorted (left) in the running sum, clipped.
 * `closest` is read from `offset` for `n` values.
 */
export function drawCandidates(rng: Rng, closest: ArrayLike<number>, offset: number, n: number, trials: number): Int32Array {
  // Two passes and no running-sum array (it was 8n bytes of garbage per call): the total, then one scan that
  // meets the targets in increasing order. Same float64 sums in the same order, so the same draws as a searchsorted.
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.max(0, closest[offset + i]);
  const targets = new Float64Array(trials);
  for (let t = 0; t < trials; t++) targets[t] = rng.next() * total;
  const order = Array.from({ length: trials }, (_, t) => t).sort((a, b) => targets[a] - targets[b] || a - b);
  const out = new Int32Array(trials);
  let i = 0;
  let running = Math.max(0, closest[offset]);
  for (const t of order) {
    while (running < targets[t] && i < n - 1) running += Math.max(0, closest[offset + ++i]);
    out[t] = i;
  }
  return out;
}

/**
 * scikit-learn's relocation of empty clusters (dense Lloyd): each empty cluster takes one of the points
 * farthest from their current centre; that point's sum and count move from its old cluster.
 * Mutates `sums` (shape [k, cols]) and `counts` (length k). Returns the number of relocated clusters.
 */
export function relocateEmptyClusters(
  centered: Float64Array,
  cols: number,
  labels: ArrayLike<number>,
  centersOld: ArrayLike<number>,
  sums: Float64Array,
  counts: Float64Array,
): number {
  const k = counts.length;
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length === 0) return 0;
  const n = labels.length;
  const distance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    let d = 0;
    for (let f = 0; f < cols; f++) {
      const diff = centered[i * cols + f] - centersOld[c * cols + f];
      d += diff * diff;
    }
    distance[i] = d;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => distance[b] - distance[a] || a - b);
  for (let e = 0; e < empty.length && e < n; e++) {
    const target = empty[e];
    const point = order[e];
    const from = labels[point];
    for (let f = 0; f < cols; f++) {
      const value = centered[point * cols + f];
      sums[from * cols + f] -= value;
      sums[target * cols + f] = value;
    }
    counts[from] -= 1;
    counts[target] = 1;
  }
  return empty.length;
}

/** Squared euclidean distance sum of each row to the centre of its label (float64). */
export function inertiaOf(centered: Float64Array, cols: number, labels: ArrayLike<number>, centers: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    for (let f = 0; f < cols; f++) {
      const diff = centered[i * cols + f] - centers[c * cols + f];
      total += diff * diff;
    }
  }
  return total;
}

/** Number of distinct rows of X. */
export function countDistinctRows(X: Matrix): number {
  const seen = new Set<string>();
  for (let i = 0; i < X.rows; i++) seen.add(Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)).join(','));
  return seen.size;
}

/**
 * Builds the fitted record from the best restart: centroids recomputed in float64 as the means of their rows
 * (an empty cluster keeps its centre), inertia in float64, warnings for empty clusters and unconverged restarts.
 * `centered`/`mean` come from {@link centerColumns}; `centers` shape [k, cols] in centred coordinates.
 */
export function finishFit(
  X: Matrix,
  centered: Float64Array,
  mean: Float64Array,
  k: number,
  labels: Int32Array,
  centers: ArrayLike<number>,
  nIter: number,
  unconverged: number,
  options: CheckedKMeansOptions,
): KMeansFit {
  const cols = X.cols;
  const sums = new Float64Array(k * cols);
  const counts = new Float64Array(k);
  for (let i = 0; i < X.rows; i++) {
    const c = labels[i];
    counts[c] += 1;
    for (let f = 0; f < cols; f++) sums[c * cols + f] += centered[i * cols + f];
  }
  const refined = new Float64Array(k * cols);
  for (let c = 0; c < k; c++) {
    for (let f = 0; f < cols; f++) refined[c * cols + f] = counts[c] > 0 ? sums[c * cols + f] / counts[c] : centers[c * cols + f];
  }
  const inertia = inertiaOf(centered, cols, labels, refined);
  const centroids: number[][] = [];
  for (let c = 0; c < k; c++) centroids.push(Array.from({ length: cols }, (_, f) => refined[c * cols + f] + mean[f]));

  const warnings: string[] = [];
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length > 0) {
    const distinct = countDistinctRows(X);
    const list = empty.join(', ');
    warnings.push(
      distinct < k
        ? `k=${k}: only ${distinct} distinct points, cluster${empty.length > 1 ? 's' : ''} ${list} ${empty.length > 1 ? 'are' : 'is'} empty (duplicate centres); use k <= ${distinct}`
        : `k=${k}: number of distinct clusters (${k - empty.length}) is smaller than k; cluster${empty.length > 1 ? 's' : ''} ${list} ended empty`,
    );
  }
  if (unconverged > 0) {
    warnings.push(`k=${k}: ${unconverged} of ${options.nInit} restarts stopped at maxIter=${options.maxIter} without converging; raise maxIter or tol`);
  }
  return { k, centroids, labels, inertia, nIter, warnings };
}
