/**
 * k-means orchestration: option checks, centring, the restart groups of one or more k and the threads that run
 * them (the main thread and pooled workers, one shared queue), and the float64 finish of each k's best restart.
 * The per-thread work is kmeansKernel.ts. From RESTART_SAMPLE_FROM_ROWS rows the restarts run on a seeded sample of
 * the rows and the best few are refined on all rows (KMeansOptions.restartSample); when the restarts run on
 * COARSE_FROM_ROWS rows or more, each is first seeded and run to convergence on a coarse sub-sample of them.
 */
import type { Matrix } from '../util/matrix';
import type { KMeansFit } from './types';
import { runPooled } from './workerPool';
import { boundThreads } from './threads';
import { createRng, sampleWithoutReplacement } from '../util/random';
import { absoluteTolerance, centerColumns, checkKMeansOptions, finishFit, type CheckedKMeansOptions, type KMeansOptions } from './kmeansShared';
import { batchWork, improveBest, runQueuedBatches, runRestartBatch, type QueuedResult, type RestartBatch, type RestartBatchResult } from './kmeansKernel';

export type { KMeansOptions } from './kmeansShared';
export { improveBest, runQueuedBatches, runRestartBatch, type QueuedResult, type RestartBatch, type RestartBatchResult } from './kmeansKernel';

/** Rows from which k-means splits the restarts over worker threads (wasm is single-threaded); below, one thread is faster. */
export const KMEANS_WORKER_ROWS = 10_000;

/** Share of the restarts' rows in the coarse sub-sample (see COARSE_FROM_ROWS), at least COARSE_MIN_ROWS. */
export const COARSE_SHARE = 0.25;
/** Fewest rows of a coarse sub-sample. */
export const COARSE_MIN_ROWS = 5_000;
/**
 * Rows of the restarts' data (the restart sample, or all rows) from which each restart is seeded and run to
 * convergence on a seeded sub-sample of a quarter of them (COARSE_SHARE, at least COARSE_MIN_ROWS) first, then goes on
 * from those centres on all of them: the seeding and the early iterations, which move many rows, on a quarter of the
 * rows. It halved the sweep's k-means time at 20,000 rows (all rows, a 5,000-row sub-sample) and at 200,000 (a
 * restart sample of 40,000, a 10,000-row sub-sample); the inertia of each k stayed within 1.0001x of scikit-learn's
 * (docs/performance.md).
 */
export const COARSE_FROM_ROWS = 20_000;

/** Rows of the coarse sub-sample for restarts on `restartRows` rows; 0 = none. */
export function coarseRows(restartRows: number): number {
  return restartRows >= COARSE_FROM_ROWS ? Math.max(COARSE_MIN_ROWS, Math.round(restartRows * COARSE_SHARE)) : 0;
}

/**
 * Memory (bytes) one k-means thread holds of its own for `rows` rows and these options: the seeding's three float64
 * buffers on the rows it seeds on (the coarse sub-sample, else the restart rows), the bounds (16 bytes a row) and
 * labels (4) of the coarse run, the bounds and two label arrays (the best restart's and the current one) on the
 * restart rows, and with a restart sample the same again on all rows for the refinement. The data, the restart
 * sample and the coarse sub-sample are shared by all threads and not counted.
 */
export function kmeansThreadBytes(rows: number, cols: number, options: Pick<CheckedKMeansOptions, 'nInit' | 'restartSample'>): number {
  void cols;
  const restartRows = options.restartSample > 0 ? options.restartSample : rows;
  const coarse = coarseRows(restartRows);
  const perRow = 16 + 8;
  return 24 * (coarse || restartRows) + 20 * coarse + perRow * restartRows + (options.restartSample > 0 ? perRow * rows : 0);
}

/**
 * Threads (main thread included; 0 = in-process, no workers) the k-means of `optionsList` (all on the same rows)
 * runs on: at most the options' `threads` (from the option, SEGMENTATION_THREADS or every core), the restart groups
 * there are to share (one per k with a restart sample, else one per restart), and what THREAD_MEMORY_SHARE of the
 * memory holds (kmeansThreadBytes each); none below KMEANS_WORKER_ROWS rows. The same on every backend: k-means runs
 * on the host.
 */
export function kmeansThreads(rows: number, cols: number, optionsList: readonly CheckedKMeansOptions[]): number {
  if (rows < KMEANS_WORKER_ROWS || optionsList.length === 0) return 0;
  const pieces = optionsList.reduce((sum, o) => sum + (o.restartSample > 0 ? 1 : o.nInit), 0);
  const bytes = Math.max(...optionsList.map((o) => kmeansThreadBytes(rows, cols, o)));
  const threads = boundThreads(Math.min(...optionsList.map((o) => o.threads)), pieces, bytes);
  return threads < 2 ? 0 : threads;
}

/**
 * Random stream of the restart sample (the restarts use streams 0..nInit-1, the silhouette sample stream 0): a
 * stream of its own, so the sample does not move when nInit changes.
 */
const RESTART_SAMPLE_STREAM = 0x5a17;
/** Random stream of the coarse sub-sample (see COARSE_FROM_ROWS). */
const COARSE_SAMPLE_STREAM = 0x5a18;

/**
 * The rows of a seeded sample of `size` rows (ascending row order) of centred data; in shared memory (posted to
 * worker threads without a copy per task) with `options.shared`.
 */
function sampleCentered(centered: Matrix, size: number, seed: number, options: { shared: boolean; stream: number }): Matrix {
  const { rows, cols, data } = centered;
  const ids = sampleWithoutReplacement(createRng(seed, options.stream), rows, size).sort();
  const out = options.shared ? new Float64Array(new SharedArrayBuffer(size * cols * 8)) : new Float64Array(size * cols);
  ids.forEach((row, i) => out.set(data.subarray(row * cols, (row + 1) * cols), i * cols));
  return { rows: size, cols, data: out };
}

/** The best of a k's restart groups: lowest inertia, ties to the lower restart number. */
function bestRestart(results: readonly RestartBatchResult[]): RestartBatchResult {
  return results.reduce((a, b) => (b.inertia < a.inertia || (b.inertia === a.inertia && b.restart < a.restart) ? b : a));
}

/**
 * The checked core of {@link kmeans} for one or more k on the same data: assumes validated options. The restarts
 * run on the host in float64 (kmeansKernel.ts). With `workers` > 0 and fewer than
 * 2 x `workers` ks (restarts on all rows), each k's restarts are split into `workers` contiguous groups; with more
 * ks, or a restart sample, each k is one group. `workers` threads (the main thread and workers - 1 pooled worker
 * threads) take groups from one queue, largest k first, so that no thread idles at the
 * end of one k while the other finishes its group. Every restart keeps its own random stream and the split-merge
 * moves are deterministic (in the group when a k is one group, else on this thread once its groups are joined), so
 * the fits are the same as with one batch per k in-process.
 *
 * @param onFit called once per k, in the order the ks finish, with the index into `optionsList`
 * @param onWork called on this thread as pieces of work end (a restart batch, a refined restart; see batchWork), with
 *   the work units done by all threads so far and the total: for progress and an ETA
 * @returns the fits in the order of `optionsList`
 */
export async function kmeansManyChecked(
  X: Matrix,
  optionsList: readonly CheckedKMeansOptions[],
  workers = 0,
  onFit?: (index: number, fit: KMeansFit) => void,
  onWork?: (done: number, total: number) => void,
): Promise<KMeansFit[]> {
  const { rows, cols } = X;
  // One copy, in shared memory when worker threads read it (at 10,000,000 rows a second copy is 240 MB more).
  const centeredLocal = centerColumns(X, { shared: workers > 0 });
  const { mean } = centeredLocal;
  const centered: Matrix = { rows, cols, data: centeredLocal.centered };
  const results = optionsList.map((): RestartBatchResult[] => []);
  const groupsLeft = optionsList.map(() => 0);
  const fits: KMeansFit[] = new Array(optionsList.length);
  const tasks: { index: number; batch: RestartBatch }[] = [];
  const samples = new Map<string, RestartBatch['sample'] & object>();
  const coarseSamples = new Map<string, Matrix>();
  /** The coarse sub-sample of the restarts' rows (shared by the ks with the same seed and rows), or undefined. */
  const coarseOf = (rowsOf: Matrix, seed: number, key: string): Matrix | undefined => {
    const size = coarseRows(rowsOf.rows);
    if (size === 0) return undefined;
    let coarse = coarseSamples.get(`${seed}:${key}`);
    if (coarse === undefined) {
      coarse = sampleCentered(rowsOf, size, seed, { shared: workers > 0, stream: COARSE_SAMPLE_STREAM });
      coarseSamples.set(`${seed}:${key}`, coarse);
    }
    return coarse;
  };
  const tolerances = optionsList.map(({ tol }) => absoluteTolerance(centered.data, rows, cols, tol));
  // Split-merge moves run in the batch when a k's restarts are one batch (in-process, or a sweep with ks enough to
  // keep every thread busy), else on this thread once the k's batches are joined: the same fit either way.
  const wholeKs = workers <= 0 || optionsList.length >= 2 * workers;
  const splitAfter = optionsList.map(() => false);
  optionsList.forEach(({ k, nInit, maxIter, seed, restartSample, refineBest, splitMerge }, index) => {
    const tolAbs = tolerances[index];
    const restarts = Array.from({ length: nInit }, (_, r) => r);
    if (restartSample > 0) {
      // One group per k whatever the threads: the refined restarts are the best of all nInit, so the fit does not
      // depend on the number of threads. The sample is shared by the ks with the same seed and size.
      const key = `${seed}:${restartSample}:${refineBest}`;
      let sample = samples.get(key);
      if (sample === undefined) {
        sample = { centered: sampleCentered(centered, restartSample, seed, { shared: workers > 0, stream: RESTART_SAMPLE_STREAM }), refine: refineBest };
        samples.set(key, sample);
      }
      const coarse = coarseOf(sample.centered, seed, String(restartSample));
      tasks.push({ index, batch: { centered, k, maxIter, tolAbs, seed, restarts, sample, coarse, splitMerge } });
      groupsLeft[index]++;
      return;
    }
    const groups = wholeKs ? 1 : Math.min(workers, nInit);
    const per = Math.ceil(nInit / groups);
    const inBatch = splitMerge && groups === 1;
    splitAfter[index] = splitMerge && groups > 1;
    const coarse = coarseOf(centered, seed, 'all');
    for (let g = 0; g * per < nInit; g++) {
      tasks.push({ index, batch: { centered, k, maxIter, tolAbs, seed, restarts: restarts.slice(g * per, (g + 1) * per), coarse, splitMerge: inBatch } });
      groupsLeft[index]++;
    }
  });
  const progress = onWork ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
  const totalWork = tasks.reduce((sum, t) => sum + batchWork(t.batch), 0);
  if (progress) for (const t of tasks) t.batch = { ...t.batch, progress };
  const tick = progress ? () => onWork?.(Atomics.load(progress, 0), totalWork) : undefined;
  const finish = (index: number, result: RestartBatchResult) => {
    results[index].push(result);
    if (--groupsLeft[index] > 0) return;
    const options = optionsList[index];
    const joined = bestRestart(results[index]);
    const best = splitAfter[index] ? improveBest(centered, joined, { maxIter: options.maxIter, tolAbs: tolerances[index] }) : joined;
    const unconverged = results[index].reduce((total, r) => total + r.unconverged, 0) + best.unconverged - joined.unconverged;
    fits[index] = finishFit(X, centeredLocal.centered, mean, options.k, best.labels, best.centers, best.nIter, unconverged, options);
    onFit?.(index, fits[index]);
  };
  if (workers <= 0) {
    for (const { index, batch } of tasks) finish(index, runRestartBatch(batch, tick));
    return fits;
  }
  // Longest groups first (the time of a group grows with k): the threads end close together.
  const queue = [...tasks].sort((a, b) => optionsList[b.index].k - optionsList[a.index].k || a.index - b.index);
  const batches = queue.map((t) => t.batch);
  // One queue in shared memory: the main thread and workers - 1 pooled workers each take the next batch number with
  // Atomics.add. A worker still starting joins when ready, and never waits for this thread (busy in its own batch) to
  // hand it work.
  const next = new Int32Array(new SharedArrayBuffer(4));
  const workerRuns = Promise.all(
    Array.from({ length: Math.min(workers, queue.length) - 1 }, (_, slot) => runPooled({ kind: 'kmeansQueue', batches, next }, slot)),
  );
  workerRuns.catch(() => undefined); // awaited below; a failure must not surface as an unhandled rejection first
  for (const { index, result } of runQueuedBatches(batches, next, tick)) finish(queue[index].index, result);
  for (const ran of (await workerRuns) as QueuedResult[][]) for (const { index, result } of ran) finish(queue[index].index, result);
  tick?.();
  return fits;
}

/** {@link kmeansManyChecked} for one k. */
export async function kmeansChecked(X: Matrix, options: CheckedKMeansOptions, workers = 0): Promise<KMeansFit> {
  return (await kmeansManyChecked(X, [options], workers))[0];
}

/**
 * k-means with k-means++ seeding and `nInit` restarts, in float64 on the host (on worker threads from
 * KMEANS_WORKER_ROWS rows). Deterministic for a given seed. The best restart (lowest inertia) is returned; its
 * centroids are the float64 means of its clusters.
 *
 * @param X data, shape [nSamples, nFeatures]
 * @returns centroids shape [k, nFeatures], labels length nSamples, inertia, iterations, warnings (e.g. empty
 *   clusters when k exceeds the number of distinct points, restarts that hit maxIter)
 * @throws OptionsError for bad options (k not an integer, k > number of rows, ...); DataError for bad data
 * @example
 *   const fit = await kmeans(matrixFromRows([[0, 0], [0, 1], [9, 9], [9, 10]]), { k: 2, seed: 0 });
 *   fit.inertia; // 1: each point is 0.5 from its centre, 4 * 0.25
 */
export async function kmeans(X: Matrix, options: KMeansOptions): Promise<KMeansFit> {
  const checked = checkKMeansOptions(X, options);
  return kmeansChecked(X, checked, kmeansThreads(X.rows, X.cols, [checked]));
}

/**
 * k-means for each k in `ks` on the same data, with the same restarts, tolerance and seed: the k sweep's
 * k-means. From 10 000 rows the ks' restart groups run on up to `options.threads` threads (default every core; see
 * {@link kmeansThreads}) from one queue (see {@link kmeansManyChecked}); the fits equal those of {@link kmeans} for
 * each k alone, for any thread count.
 *
 * @param options as for {@link kmeans}, without k
 * @param onFit called once per k as it finishes (largest k first with threads), with its index into `ks`
 * @param onWork called as pieces of work end, with work units done and total (see kmeansManyChecked)
 * @returns the fits in the order of `ks`
 * @throws OptionsError for a bad k or option (naming it); DataError for bad data
 * @example const fits = await kmeansEach(X, [2, 3, 4], { seed: 42 }); fits.map((f) => f.inertia);
 */
export async function kmeansEach(
  X: Matrix,
  ks: readonly number[],
  options: Omit<KMeansOptions, 'k'> = {},
  onFit?: (index: number, fit: KMeansFit) => void,
  onWork?: (done: number, total: number) => void,
): Promise<KMeansFit[]> {
  const checked = ks.map((k) => checkKMeansOptions(X, { ...options, k }));
  return kmeansManyChecked(X, checked, kmeansThreads(X.rows, X.cols, checked), onFit, onWork);
}
