/**
 * Silhouette coefficients (scikit-learn's definition) for one or many labelings of the same rows, exact, in float64
 * on the host: each query row's distances to all rows are summed once and serve every labeling (see
 * silhouetteKernel.ts). Large inputs are split over worker threads; the values do not depend on the split.
 */
import { OptionsError } from '../util/errors';
import type { Matrix } from '../util/matrix';
import { checkInteger, checkMatrix, centerColumns } from './kmeansShared';
import { createRng, DEFAULT_SEED, sampleWithoutReplacement } from '../util/random';
import { defaultChunkSize, silhouetteRows, type KernelInput } from './silhouetteKernel';
import { boundThreads, resolveThreads } from './threads';
import { runPooled } from './workerPool';
import type { CompactLabels } from './types';

/** Options of silhouetteScores / silhouetteSamples. */
export interface SilhouetteOptions {
  /**
   * Query rows per chunk, the unit of progress reports. Default: ~4M distances (DEFAULT_CHUNK_DISTANCES / nSamples
   * rows). The values do not depend on it.
   */
  chunkSize?: number;
  /**
   * null = exact mean over all rows (default). N = mean over a seeded random sample of N distinct rows, each
   * with its distances to ALL rows (its a and b are exact; only the average is sampled). This differs from
   * scikit-learn's `sample_size`, which computes the silhouette of the sample against the sample only; ours
   * is an unbiased estimate of the exact score with less variance. N >= nSamples means exact.
   * Not accepted by silhouetteSamples.
   */
  sampleSize?: number | null;
  /** Seed of the row sample. Default 0. */
  seed?: number;
  /**
   * Most threads; 1 = in-process only. Default: env SEGMENTATION_THREADS, else every core
   * (os.availableParallelism()). From 25M distances (query rows x nSamples, ~ n = 5000 exact) the rows run on that
   * many worker threads, fewer when there are fewer chunks or their copies of the data would pass
   * THREAD_MEMORY_SHARE of the memory (see defaultWorkerCount). The values are the same for every thread count.
   */
  threads?: number;
  /**
   * Threads exactly, this one included (0 or 1 = in-process; N = this thread and N - 1 pooled workers), overriding
   * `threads`, for tuning. Default: from `threads` (see above).
   */
  workers?: number;
}

/** Cluster labels of the rows, values 0..k-1. */
export interface Labeling {
  /** Length nSamples (an Int32Array, or a compact Uint8Array / Uint16Array as a sweep's fits hold them). */
  labels: CompactLabels;
  /** Number of clusters (labels may leave some clusters empty). */
  k: number;
}

/** Distances (query rows x nSamples) from which the default uses worker threads. */
const WORKER_THRESHOLD = 25e6;

/** Internal options after checking; `onRows(done, total)` reports progress in query rows. */
export interface CheckedSilhouetteOptions {
  chunkSize: number | null;
  sampleSize: number | null;
  seed: number;
  /** The most threads, resolved (see SilhouetteOptions.threads). */
  threads: number;
  workers: number | null;
  onRows?: (done: number, total: number) => void;
}

/** Checks a labeling against the rows; returns a reason when the silhouette is undefined for it, else null. */
export function silhouetteUndefinedReason(labeling: Labeling, rows: number): string | null {
  const present = new Set<number>();
  for (let i = 0; i < labeling.labels.length; i++) present.add(labeling.labels[i]);
  if (present.size < 2 || present.size > rows - 1) {
    return `silhouette needs 2..${rows - 1} distinct labels (nSamples - 1), found ${present.size}`;
  }
  return null;
}

function checkLabeling(labeling: Labeling, index: number, rows: number): void {
  const where = `labelings[${index}]`;
  const typed = labeling?.labels instanceof Int32Array || labeling?.labels instanceof Uint16Array || labeling?.labels instanceof Uint8Array;
  if (labeling === null || typeof labeling !== 'object' || !typed) {
    throw new OptionsError(`${where} should be { labels: Int32Array (or Uint16Array, Uint8Array), k: number }`, 'labelings');
  }
  checkInteger(`${where}.k`, labeling.k, 1);
  if (labeling.labels.length !== rows) {
    throw new OptionsError(`${where} has ${labeling.labels.length} labels for ${rows} rows; give one label per row`, 'labelings');
  }
  for (let i = 0; i < rows; i++) {
    const value = labeling.labels[i];
    if (value < 0 || value >= labeling.k) {
      throw new OptionsError(`${where}.labels[${i}]=${value} is outside 0..${labeling.k - 1} (k=${labeling.k})`, 'labelings');
    }
  }
  const reason = silhouetteUndefinedReason(labeling, rows);
  if (reason !== null) throw new OptionsError(`${where}: ${reason}`, 'labelings');
}

/** Validates the options and applies the defaults. */
export function checkSilhouetteOptions(options: SilhouetteOptions): CheckedSilhouetteOptions {
  const { chunkSize = null, sampleSize = null, seed = DEFAULT_SEED, workers = null } = options;
  const threads = resolveThreads(options.threads);
  if (chunkSize !== null) checkInteger('chunkSize', chunkSize, 1);
  if (sampleSize !== null) checkInteger('sampleSize', sampleSize, 1);
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new OptionsError(`seed=${String(seed)} should be an integer`, 'seed');
  if (workers !== null) checkInteger('workers', workers, 0);
  return { chunkSize, sampleSize, seed, threads, workers };
}

/**
 * Memory (bytes) one silhouette thread holds of its own for `rows` x `cols` data and labelings of `ks` clusters: the
 * data in cell order (float64; the centred data itself is shared), a copy of the labels (int32 at most), each row's
 * cell and, for as many cells as rows at most, each cell's labels, and the values of as many query rows (float64).
 */
export function silhouetteThreadBytes(rows: number, cols: number, ks: readonly number[]): number {
  return rows * (8 * cols + 16 * ks.length + 8);
}

/**
 * Threads (this one and pooled workers) the silhouette uses by default for `queryRows` rows scored against `rows`
 * rows (0 = in-process): none below 25M distances or with `threads` 1, else at most `threads`, the number of chunks
 * `pieces` and what THREAD_MEMORY_SHARE of the memory holds (`bytesPerThread` each, see silhouetteThreadBytes).
 */
export function defaultWorkerCount(queryRows: number, rows: number, threads: number, pieces = queryRows, bytesPerThread = 0): number {
  if (threads < 2 || queryRows * rows < WORKER_THRESHOLD) return 0;
  const count = boundThreads(threads, pieces, bytesPerThread);
  return count < 2 ? 0 : count;
}

/**
 * Silhouette values of the query rows for every labeling, shape [queryRows, labelings] row-major.
 * The checked core: assumes valid labelings.
 */
export async function silhouetteValuesChecked(
  X: Matrix,
  labelings: Labeling[],
  queryRows: Int32Array,
  options: CheckedSilhouetteOptions,
): Promise<Float64Array> {
  const { centered } = centerColumns(X, { shared: true });
  const input: KernelInput = {
    rows: X.rows,
    cols: X.cols,
    centered,
    labels: labelings.map((l) => l.labels),
    ks: labelings.map((l) => l.k),
  };
  const chunkSize = options.chunkSize ?? defaultChunkSize(X.rows);
  const total = queryRows.length;
  const chunks = Math.ceil(total / chunkSize);
  const wanted = options.workers ?? defaultWorkerCount(total, X.rows, options.threads, chunks, silhouetteThreadBytes(X.rows, X.cols, input.ks));
  const workers = Math.min(wanted, chunks);
  const report = options.onRows;
  if (workers <= 1) return silhouetteRows(input, queryRows, chunkSize, report && ((done) => report(done, total)));

  // `workers` threads in all: this thread scores the first part while workers - 1 pooled workers score the others
  // (the main thread would otherwise idle, and each pooled worker holds its own isolate).
  const per = Math.ceil(total / workers);
  const parts: Int32Array[] = [];
  for (let w = 0; w < workers; w++) parts.push(queryRows.subarray(w * per, Math.min(total, (w + 1) * per)));
  const done = new Array<number>(workers).fill(0);
  const progress = (w: number, rowsDone: number) => {
    done[w] = rowsDone;
    report?.(done.reduce((a, b) => a + b, 0), total);
  };
  // posted first: the workers start while this thread works on its own part
  const pooled = parts.slice(1).map((rowIds, w) =>
    runPooled({ kind: 'silhouette', input, rowIds: rowIds.slice(), chunkSize }, w, (rowsDone) => progress(w + 1, rowsDone)),
  );
  const all = Promise.all(pooled);
  all.catch(() => undefined); // awaited below; a failure must not surface as an unhandled rejection first
  const own = silhouetteRows(input, parts[0], chunkSize, (rowsDone) => progress(0, rowsDone));
  const results = [own, ...((await all) as Float64Array[])];
  const out = new Float64Array(total * labelings.length);
  let offset = 0;
  for (const values of results) {
    out.set(values, offset);
    offset += values.length;
  }
  return out;
}

/** The query rows: all rows, or a seeded sample (sorted) when sampleSize < rows. */
export function queryRowsFor(rows: number, sampleSize: number | null, seed: number): Int32Array {
  if (sampleSize === null || sampleSize >= rows) return Int32Array.from({ length: rows }, (_, i) => i);
  return sampleWithoutReplacement(createRng(seed), rows, sampleSize).sort();
}

/**
 * Silhouettes of the rows `rows` scored against each other only, as scikit-learn's
 * `silhouette_score(sample_size=...)`: the sample's own matrix and labels, every labeling in one pass. For large data,
 * where every row against all rows would cost n x sample distances. Returns values shaped [rows, labelings].
 * The checked core: assumes valid labelings (each with >= 2 labels present in the sample).
 */
export async function sampleSilhouettesChecked(
  X: Matrix,
  labelings: Labeling[],
  rows: Int32Array,
  options: CheckedSilhouetteOptions,
): Promise<Float64Array> {
  const m = rows.length;
  const data = new Float64Array(m * X.cols);
  rows.forEach((row, i) => data.set(X.data.subarray(row * X.cols, (row + 1) * X.cols), i * X.cols));
  const sub = labelings.map((l) => ({ labels: Int32Array.from(rows, (row) => l.labels[row]), k: l.k }));
  return silhouetteValuesChecked({ rows: m, cols: X.cols, data }, sub, queryRowsFor(m, null, options.seed), options);
}

/**
 * The silhouette of each of the rows `rows`, scored against the other rows of `rows` only (scikit-learn's
 * `silhouette_score(sample_size=...)` on that sample): what the sweep reports for large data.
 * @returns one value per row of `rows`, in that order
 * @throws OptionsError for a row id outside 0..nSamples-1 or fewer than two segments among the rows
 */
export async function sampleSilhouettes(X: Matrix, labeling: Labeling, rows: ArrayLike<number>, options: Omit<SilhouetteOptions, 'sampleSize'> = {}): Promise<Float64Array> {
  checkMatrix(X);
  checkLabeling(labeling, 0, X.rows);
  const ids = Int32Array.from(rows);
  ids.forEach((row, i) => {
    if (!Number.isInteger(rows[i]) || row < 0 || row >= X.rows) throw new OptionsError(`rows[${i}] = ${rows[i]} is not a row id; give integers from 0 to ${X.rows - 1}`, 'rows');
  });
  const reason = silhouetteUndefinedReason({ labels: Int32Array.from(ids, (r) => labeling.labels[r]), k: labeling.k }, ids.length);
  if (reason !== null) throw new OptionsError(`the sampled rows: ${reason}`, 'rows');
  return sampleSilhouettesChecked(X, [labeling], ids, checkSilhouetteOptions(options));
}

/** Mean per labeling of values shaped [queryRows, labelings], summed in float64. */
export function meanPerLabeling(values: Float64Array, nLabelings: number): number[] {
  const sums = new Array<number>(nLabelings).fill(0);
  const queries = values.length / nLabelings;
  for (let q = 0; q < queries; q++) for (let l = 0; l < nLabelings; l++) sums[l] += values[q * nLabelings + l];
  return sums.map((s) => s / queries);
}

/**
 * Mean silhouette coefficient of each labeling, like sklearn.metrics.silhouette_score (euclidean); all
 * labelings in ONE pass over the distances. Singleton clusters give s = 0 (scikit-learn). Never builds an
 * n x n matrix: memory is O(nSamples x (nFeatures + labelings)) a thread.
 *
 * @param X data, shape [nSamples, nFeatures]
 * @param labelings one or more labelings of the rows (e.g. one per k of a sweep)
 * @returns mean silhouette per labeling, in the order given
 * @throws OptionsError for labels of the wrong length or range, fewer than 2 or more than nSamples - 1
 *   distinct labels, or bad options; DataError for bad data
 * @example await silhouetteScores(X, [{ labels: fit3.labels, k: 3 }, { labels: fit4.labels, k: 4 }])
 */
export async function silhouetteScores(X: Matrix, labelings: Labeling[], options: SilhouetteOptions = {}): Promise<number[]> {
  checkMatrix(X);
  if (!Array.isArray(labelings) || labelings.length === 0) throw new OptionsError('labelings is empty; give at least one { labels, k }', 'labelings');
  labelings.forEach((labeling, index) => checkLabeling(labeling, index, X.rows));
  const checked = checkSilhouetteOptions(options);
  const queryRows = queryRowsFor(X.rows, checked.sampleSize, checked.seed);
  const values = await silhouetteValuesChecked(X, labelings, queryRows, checked);
  return meanPerLabeling(values, labelings.length);
}

/** Options of {@link silhouetteSamples}: those of silhouetteScores (without sampleSize) and the rows to score. */
export interface SilhouetteSamplesOptions extends SilhouetteOptions {
  /** Row ids to score, each against all rows (e.g. a sweep's sampled silhouetteRows). Default: every row. */
  rows?: ArrayLike<number>;
}

/**
 * Silhouette coefficient of every row (or of `options.rows`) for one labeling, like
 * sklearn.metrics.silhouette_samples (euclidean), for the silhouette diagram. Exact: each scored row against all rows.
 *
 * @param X data, shape [nSamples, nFeatures]
 * @returns values in [-1, 1], one per scored row, in the order of `rows` (length nSamples by default)
 * @throws OptionsError / DataError as silhouetteScores, when sampleSize is given, or a row id is not an integer in
 *   0..nSamples-1
 */
export async function silhouetteSamples(X: Matrix, labeling: Labeling, options: SilhouetteSamplesOptions = {}): Promise<Float64Array> {
  checkMatrix(X);
  checkLabeling(labeling, 0, X.rows);
  const checked = checkSilhouetteOptions(options);
  if (checked.sampleSize !== null) {
    throw new OptionsError(`sampleSize=${checked.sampleSize} is not supported by silhouetteSamples (it returns every row); omit it or pass rows`, 'sampleSize');
  }
  let queryRows: Int32Array;
  if (options.rows === undefined) {
    queryRows = queryRowsFor(X.rows, null, checked.seed);
  } else {
    queryRows = Int32Array.from(options.rows);
    queryRows.forEach((row, i) => {
      if (!Number.isInteger(options.rows![i]) || row < 0 || row >= X.rows) {
        throw new OptionsError(`rows[${i}] = ${options.rows![i]} is not a row id; give integers from 0 to ${X.rows - 1}`, 'rows');
      }
    });
  }
  return silhouetteValuesChecked(X, [labeling], queryRows, checked);
}
