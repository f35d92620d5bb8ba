/**
 * Batched k-means on TensorFlow.js: k-means++ seeding (scikit-learn's greedy variant) and Lloyd iterations for
 * all `nInit` restarts at once, with the restarts side by side ([rows, restarts * k] distance blocks).
 * The data stay on the backend between iterations. The assignment step (scores and argmin for every active
 * restart) runs batched on tensors; per iteration the labels [rows, active restarts] are read back and the
 * per-cluster sums, counts, changed labels and centre shifts are computed on the host in float64 (cheaper on
 * wasm than a one-hot matmul over [rows, restarts * k]). Converged restarts leave the batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Matrix } from './matrix';
import type { KMeansFit } from './types';
import { availableParallelism } from 'os';
import { ensureBackend, type BackendName } from './backend';
import { runPooled } from './workerPool';
import { createRng, type Rng } from './random';
import {
  absoluteTolerance,
  centerColumns,
  checkKMeansOptions,
  drawCandidates,
  finishFit,
  inertiaOf,
  localTrials,
  relocateEmptyClusters,
  type CheckedKMeansOptions,
  type KMeansOptions,
} from './kmeansShared';

export type { KMeansOptions } from './kmeansShared';

/**
 * Elements per distance block [blockRows, restarts * k] (512 KB of float32). Small blocks run faster on wasm
 * (cache, allocator); with two workers on two cores, 2^17 gave 6.5-6.7 s for the n = 200 000 sweep vs 7.0-8.0 s
 * with 2^21 (in one process alone the block size made no measurable difference).
 */
const BLOCK_ELEMENTS = 1 << 17;

/** The centred data on the backend, cut into row blocks. */
interface DeviceData {
  readonly rows: number;
  readonly cols: number;
  /** Whole data, shape [rows, cols]. */
  readonly all: tf.Tensor2D;
  /**
   * [-2 x; |x|^2; 1] per row, transposed and cut into column blocks, each shape [cols + 2, blockColumns]:
   * [c, 1, |c|^2] @ block = squared distances of centres c to the block's rows in ONE matmul (no broadcasting
   * ops, which are slow on wasm).
   */
  readonly augmentedT: tf.Tensor2D[];
  readonly blocks: {
    /**
     * Rows of the block with a column of ones appended, shape [blockRows, cols + 1]: assignment scores =
     * xOne @ [-2 c^T; |c|^2], per-cluster sums and counts = oneHot(labels)^T @ xOne.
     */
    xOne: tf.Tensor2D;
  }[];
}

/** A row-major [size, width] Float32Array whose row i is written by `fill(i, out, offset)`. */
function hostBlock(size: number, width: number, fill: (i: number, out: Float32Array, offset: number) => void): Float32Array {
  const out = new Float32Array(size * width);
  for (let i = 0; i < size; i++) fill(i, out, i * width);
  return out;
}

/** Transposes a row-major [rows, cols] Float32Array. */
function transposeHost(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
  return out;
}

/** Uploads the centred data and its blocks, built on the host (tfjs slice/concat on big tensors are slow on wasm). */
function upload(centered: Float64Array, rows: number, cols: number, blockRows: number, seedColumns: number): DeviceData {
  const all = tf.tensor2d(Float32Array.from(centered), [rows, cols]);
  const blocks: DeviceData['blocks'] = [];
  for (let start = 0; start < rows; start += blockRows) {
    const size = Math.min(blockRows, rows - start);
    const xOne = hostBlock(size, cols + 1, (i, out, o) => {
      for (let f = 0; f < cols; f++) out[o + f] = centered[(start + i) * cols + f];
      out[o + cols] = 1;
    });
    blocks.push({ xOne: tf.tensor2d(xOne, [size, cols + 1]) });
  }
  const augmentedT: tf.Tensor2D[] = [];
  for (let start = 0; start < rows; start += seedColumns) {
    const size = Math.min(seedColumns, rows - start);
    const augmented = hostBlock(size, cols + 2, (i, out, o) => {
      let norm = 0;
      for (let f = 0; f < cols; f++) {
        const v = centered[(start + i) * cols + f];
        out[o + f] = -2 * v;
        norm += v * v;
      }
      out[o + cols] = norm;
      out[o + cols + 1] = 1;
    });
    augmentedT.push(tf.tensor2d(transposeHost(augmented, size, cols + 2), [cols + 2, size]));
  }
  return { rows, cols, all, augmentedT, blocks };
}

function release(data: DeviceData): void {
  tf.dispose([data.all, ...data.augmentedT]);
  for (const block of data.blocks) block.xOne.dispose();
}

/** [c, 1, |c|^2] for points c (shape [m, cols]), shape [m, cols + 2]. */
function augmentPoints(points: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.concat([points, tf.ones([points.shape[0], 1]), tf.sum(tf.square(points), 1, true)], 1) as tf.Tensor2D);
}

/** A [rows, cols] float32 matrix with ones at (row, column) pairs, for row replication as a matmul. */
function selector(rows: number, cols: number, ones: [number, number][]): tf.Tensor2D {
  const values = new Float32Array(rows * cols);
  for (const [r, c] of ones) values[r * cols + c] = 1;
  return tf.tensor2d(values, [rows, cols]);
}

/** Column blocks [restarts, blockColumns] joined into `out`, a row-major host array [restarts, rows]. */
function readColumnBlocks(blocks: tf.Tensor2D[], restarts: number, rows: number, out: Float32Array): Float32Array {
  let column = 0;
  for (const block of blocks) {
    const width = block.shape[1];
    const values = block.dataSync() as Float32Array;
    for (let r = 0; r < restarts; r++) out.set(values.subarray(r * width, (r + 1) * width), r * rows + column);
    column += width;
  }
  return out;
}

/**
 * k-means++ for all restarts at once. The draws (JS, float64 running sums of the distances read back) use one
 * random stream per restart, so the draws are those of kmeansReference up to float32 rounding.
 * Candidates are laid out trial-major (row t * restarts + r); distances live in column blocks of the rows.
 * Only matmul, add/sub, relu and sum run on the big tensors (min(a, b) = b - relu(b - a); replication of the
 * restarts' rows = matmul with a 0/1 selector): wasm's minimum, slice and gather are an order of magnitude slower.
 * Returns initial centres, shape [restarts * k, cols] (restart-major).
 */
function seedAll(data: DeviceData, k: number, restarts: number, rngs: Rng[]): tf.Tensor2D {
  const { rows } = data;
  const trials = localTrials(k);
  const chosen = new Int32Array(restarts * k);
  for (let r = 0; r < restarts; r++) chosen[r * k] = rngs[r].nextInt(rows);
  const firsts = tf.tidy(() =>
    augmentPoints(tf.gather(data.all, tf.tensor1d(Array.from({ length: restarts }, (_, r) => chosen[r * k]), 'int32'))),
  );
  let closest = data.augmentedT.map((block) => tf.tidy(() => tf.relu(tf.matMul(firsts, block)) as tf.Tensor2D));
  firsts.dispose();
  const replicate = selector(trials * restarts, restarts, Array.from({ length: trials * restarts }, (_, i) => [i, i % restarts]));
  const closestValues = new Float32Array(restarts * rows); // reused every step
  for (let c = 1; c < k; c++) {
    readColumnBlocks(closest, restarts, rows, closestValues);
    const candidateIds = new Int32Array(restarts * trials);
    for (let r = 0; r < restarts; r++) {
      const drawn = drawCandidates(rngs[r], closestValues, r * rows, rows, trials);
      for (let t = 0; t < trials; t++) candidateIds[t * restarts + r] = drawn[t];
    }
    const candidates = tf.tidy(() => augmentPoints(tf.gather(data.all, tf.tensor1d(candidateIds, 'int32'))));
    let potentials: tf.Tensor1D = tf.zeros([trials * restarts]);
    data.augmentedT.forEach((block, b) => {
      const nextPotentials = tf.tidy(() => {
        const distances = tf.relu(tf.matMul(candidates, block));
        const previous = tf.matMul(replicate, closest[b]);
        return tf.add(potentials, tf.sum(tf.sub(previous, tf.relu(tf.sub(previous, distances))), 1)) as tf.Tensor1D;
      });
      potentials.dispose();
      potentials = nextPotentials;
    });
    const pots = potentials.dataSync();
    const pick: [number, number][] = [];
    for (let r = 0; r < restarts; r++) {
      let best = 0;
      for (let t = 1; t < trials; t++) if (pots[t * restarts + r] < pots[best * restarts + r]) best = t;
      chosen[r * k + c] = candidateIds[best * restarts + r];
      pick.push([r, best * restarts + r]);
    }
    // The chosen candidates' distances are recomputed ([restarts] rows) rather than selected out of the [trials * restarts] ones.
    const bestPoints = tf.tidy(() => augmentPoints(tf.gather(data.all, tf.tensor1d(pick.map(([, row]) => candidateIds[row]), 'int32'))));
    const next = data.augmentedT.map((block, b) =>
      tf.tidy(() => {
        const previous = closest[b];
        return tf.sub(previous, tf.relu(tf.sub(previous, tf.relu(tf.matMul(bestPoints, block))))) as tf.Tensor2D;
      }),
    );
    tf.dispose([...closest, potentials, candidates, bestPoints]);
    closest = next;
  }
  tf.dispose([...closest, replicate]);
  return tf.tidy(() => tf.gather(data.all, tf.tensor1d(chosen, 'int32')) as tf.Tensor2D);
}

/** Assignment weights [-2 c^T; |c|^2] for centres [active * k, cols], shape [cols + 1, active * k]. */
function assignmentWeights(centers: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.concat([tf.mul(tf.transpose(centers), -2), tf.reshape(tf.sum(tf.square(centers), 1), [1, -1])], 0) as tf.Tensor2D);
}

/** Labels of one row block for `active` restarts: argmin over k of |c|^2 - 2 x.c, shape [blockRows, active]. */
function assignBlock(block: DeviceData['blocks'][number], weights: tf.Tensor2D, active: number, k: number): tf.Tensor2D {
  return tf.tidy(() => tf.argMin(tf.reshape(tf.matMul(block.xOne, weights), [-1, active, k]), 2) as tf.Tensor2D);
}

/** Labels of every row for `active` restarts of `centers` [active * k, cols], shape [rows, active] as host Int32Array (row-major). */
function assignAll(data: DeviceData, centers: tf.Tensor2D, active: number, k: number): Int32Array {
  const weights = assignmentWeights(centers);
  const out = new Int32Array(data.rows * active);
  let offset = 0;
  for (const block of data.blocks) {
    const labels = assignBlock(block, weights, active, k);
    const values = labels.dataSync() as Int32Array;
    out.set(values, offset);
    offset += values.length;
    labels.dispose();
  }
  weights.dispose();
  return out;
}

/** Column `r` of a row-major [rows, width] Int32Array. */
function column(values: Int32Array, rows: number, width: number, r: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = values[i * width + r];
  return out;
}

/**
 * Host M-step of one restart over one row block: adds the block's rows to the per-cluster sums and counts of
 * column `a` of the block's labels (row-major [blockRows, width]), stores the labels in `before` (one per row
 * of the data, from row `row`) and returns how many of them changed.
 */
function accumulateColumn(
  values: Int32Array,
  width: number,
  a: number,
  blockRows: number,
  row: number,
  before: Int32Array,
  centered: Float64Array,
  cols: number,
  sums: Float64Array,
  counts: Float64Array,
  base: number,
): number {
  let changes = 0;
  if (cols === 3) {
    // The common case (three features) unrolled: ~2x faster than the generic loop below.
    for (let i = 0, at = a, r = row; i < blockRows; i++, at += width, r++) {
      const label = values[at];
      changes += before[r] !== label ? 1 : 0;
      before[r] = label;
      const cluster = base + label;
      counts[cluster]++;
      const s = cluster * 3;
      const x = r * 3;
      sums[s] += centered[x];
      sums[s + 1] += centered[x + 1];
      sums[s + 2] += centered[x + 2];
    }
    return changes;
  }
  for (let i = 0, at = a, r = row; i < blockRows; i++, at += width, r++) {
    const label = values[at];
    changes += before[r] !== label ? 1 : 0;
    before[r] = label;
    const cluster = base + label;
    counts[cluster]++;
    const s = cluster * cols;
    const x = r * cols;
    for (let f = 0; f < cols; f++) sums[s + f] += centered[x + f];
  }
  return changes;
}

/** A batch of restarts to run on the current backend (plain data, so it can be posted to a worker). */
export interface RestartBatch {
  /** Column-centred data, shape [rows, cols] row-major. */
  readonly centered: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly k: number;
  readonly maxIter: number;
  /** Absolute tolerance (see absoluteTolerance). */
  readonly tolAbs: number;
  readonly seed: number;
  /** Restart numbers to run (each has its own random stream createRng(seed, restart)). */
  readonly restarts: readonly number[];
}

/** The best restart of a batch (lowest float64 inertia; ties go to the lower restart number). */
export interface RestartBatchResult {
  readonly restart: number;
  readonly inertia: number;
  /** Centres in centred coordinates, shape [k, cols]. */
  readonly centers: Float32Array;
  readonly labels: Int32Array;
  readonly nIter: number;
  /** Restarts of the batch that hit maxIter. */
  readonly unconverged: number;
}

/**
 * Seeding and Lloyd iterations for a batch of restarts as one batched tensor computation, then the final
 * assignment and the float64 inertia of each restart. Assumes checked input and an initialised backend.
 */
export function runRestartBatch(batch: RestartBatch): RestartBatchResult {
  const { centered, rows, cols, k, maxIter, tolAbs, seed } = batch;
  const nInit = batch.restarts.length;
  const blockRows = Math.max(256, Math.floor(BLOCK_ELEMENTS / (nInit * k)));
  const seedColumns = Math.max(256, Math.floor(BLOCK_ELEMENTS / (nInit * localTrials(k))));
  const data = upload(centered, rows, cols, blockRows, seedColumns);
  try {
    const rngs = batch.restarts.map((r) => createRng(seed, r));
    const seeded = seedAll(data, k, nInit, rngs);
    // Current centres per restart (host, float64), shape [k, cols] each.
    const seededValues = seeded.dataSync();
    seeded.dispose();
    const current = Array.from({ length: nInit }, (_, r) => Float64Array.from(seededValues.subarray(r * k * cols, (r + 1) * k * cols)));
    // Previous labels per restart (host); -1 before the first iteration.
    const previous = Array.from({ length: nInit }, () => new Int32Array(rows).fill(-1));
    let active = Array.from({ length: nInit }, (_, r) => r);
    const finalCenters: Float32Array[] = new Array(nInit);
    const nIter = new Int32Array(nInit);
    // Restarts whose labels did not change in their last iteration: their centres are the means of those same
    // labels, i.e. the centres that produced them, so the final assignment would give them again.
    const strict = new Uint8Array(nInit);
    let unconverged = 0;

    for (let iter = 0; iter < maxIter && active.length > 0; iter++) {
      const width = active.length;
      // E-step batched on the backend for all active restarts ([blockRows, width * k] scores, argmin over k);
      // M-step on the host from the labels read back: sums/counts over [rows, width] labels are a few ms in JS,
      // where oneHot + cast + transpose + matmul over the [rows, width * k] one-hot cost ~10x more on wasm.
      const packed = new Float32Array(width * k * cols);
      active.forEach((r, a) => packed.set(current[r], a * k * cols));
      const centersTensor = tf.tensor2d(packed, [width * k, cols]);
      const weights = assignmentWeights(centersTensor);
      centersTensor.dispose();
      const sums = new Float64Array(width * k * cols);
      const counts = new Float64Array(width * k);
      const changed = new Int32Array(width);
      let row = 0;
      for (const block of data.blocks) {
        const labels = assignBlock(block, weights, width, k);
        const values = labels.dataSync() as Int32Array;
        labels.dispose();
        const blockRows = values.length / width;
        for (let a = 0; a < width; a++) {
          changed[a] += accumulateColumn(values, width, a, blockRows, row, previous[active[a]], centered, cols, sums, counts, a * k);
        }
        row += blockRows;
      }
      weights.dispose();

      const stillActive: number[] = [];
      active.forEach((r, a) => {
        const restartSums = sums.subarray(a * k * cols, (a + 1) * k * cols);
        const restartCounts = counts.subarray(a * k, (a + 1) * k);
        const old = current[r];
        // Rare path (duplicates, bad seeds): scikit-learn's relocation of empty clusters.
        if (restartCounts.some((v) => v === 0)) relocateEmptyClusters(centered, cols, previous[r], old, restartSums, restartCounts);
        let shift = 0;
        for (let c = 0; c < k; c++) {
          for (let f = 0; f < cols; f++) {
            const next = restartCounts[c] > 0 ? restartSums[c * cols + f] / restartCounts[c] : old[c * cols + f];
            shift += (next - old[c * cols + f]) ** 2;
            old[c * cols + f] = next;
          }
        }
        nIter[r] = iter + 1;
        if (changed[a] === 0) strict[r] = 1;
        if (changed[a] === 0 || shift <= tolAbs) finalCenters[r] = Float32Array.from(old);
        else stillActive.push(r);
      });
      active = stillActive;
    }
    for (const r of active) {
      finalCenters[r] = Float32Array.from(current[r]);
      unconverged++;
    }

    // Final assignment of the other restarts to their final centres (scikit-learn's last E-step), inertia in float64.
    const redo = Array.from({ length: nInit }, (_, r) => r).filter((r) => strict[r] === 0);
    const finalLabels: Int32Array[] = previous;
    if (redo.length > 0) {
      const redoCenters = new Float32Array(redo.length * k * cols);
      redo.forEach((r, a) => redoCenters.set(finalCenters[r], a * k * cols));
      const centersTensor = tf.tensor2d(redoCenters, [redo.length * k, cols]);
      const labelsAll = assignAll(data, centersTensor, redo.length, k);
      centersTensor.dispose();
      redo.forEach((r, a) => (finalLabels[r] = column(labelsAll, rows, redo.length, a)));
    }
    let best = -1;
    let bestInertia = Infinity;
    let bestLabels = new Int32Array(0);
    for (let r = 0; r < nInit; r++) {
      const labels = finalLabels[r];
      const inertia = inertiaOf(centered, cols, labels, finalCenters[r]);
      if (inertia < bestInertia || best === -1) {
        bestInertia = inertia;
        best = r;
        bestLabels = labels;
      }
    }
    return { restart: batch.restarts[best], inertia: bestInertia, centers: finalCenters[best], labels: bestLabels, nIter: nIter[best], unconverged };
  } finally {
    release(data);
  }
}

/** Rows from which k-means splits the restarts over worker threads by default (wasm is single-threaded). */
const KMEANS_WORKER_ROWS = 10_000;

/** Threads (main thread included, see kmeansChecked) k-means uses by default for `rows` rows and `nInit` restarts on `backend`. */
export function defaultKMeansWorkers(rows: number, nInit: number, backend: BackendName): number {
  if (backend === 'native' || nInit < 2 || rows < KMEANS_WORKER_ROWS) return 0;
  return Math.min(2, availableParallelism(), nInit);
}

/** A Float64Array copy in shared memory: posted to worker threads without a copy per task. */
function shared(values: Float64Array): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(values.byteLength));
  out.set(values);
  return out;
}

/** The best of a k's restart groups: lowest inertia, ties to the lower restart number. */
function bestRestart(results: readonly RestartBatchResult[]): RestartBatchResult {
  return results.reduce((a, b) => (b.inertia < a.inertia || (b.inertia === a.inertia && b.restart < a.restart) ? b : a));
}

/**
 * The checked core of {@link kmeans} for one or more k on the same data: assumes validated options and an
 * initialised backend. Each k's restarts run as batched tensor computations. With `workers` > 0 each k's
 * restarts are split into that many contiguous groups and `workers` threads (the main thread and workers - 1
 * pooled worker threads, each with its own backend) take groups from one queue, largest k first, so that no thread
 * idles at the end of one k while the other finishes its group. Every restart keeps its own random stream, so the
 * fits are the same as with one batch per k in-process.
 *
 * @param onFit called once per k, in the order the ks finish, with the index into `optionsList`
 * @returns the fits in the order of `optionsList`
 */
export async function kmeansManyChecked(
  X: Matrix,
  optionsList: readonly CheckedKMeansOptions[],
  workers = 0,
  onFit?: (index: number, fit: KMeansFit) => void,
): Promise<KMeansFit[]> {
  const { rows, cols } = X;
  const centeredLocal = centerColumns(X);
  const { mean } = centeredLocal;
  const centered = workers > 0 ? shared(centeredLocal.centered) : centeredLocal.centered;
  const results = optionsList.map((): RestartBatchResult[] => []);
  const groupsLeft = optionsList.map(() => 0);
  const fits: KMeansFit[] = new Array(optionsList.length);
  const tasks: { index: number; batch: RestartBatch }[] = [];
  optionsList.forEach(({ k, nInit, maxIter, tol, seed }, index) => {
    const tolAbs = absoluteTolerance(centered, rows, cols, tol);
    const restarts = Array.from({ length: nInit }, (_, r) => r);
    const groups = workers > 0 ? Math.min(workers, nInit) : 1;
    const per = Math.ceil(nInit / groups);
    for (let g = 0; g * per < nInit; g++) {
      tasks.push({ index, batch: { centered, rows, cols, k, maxIter, tolAbs, seed, restarts: restarts.slice(g * per, (g + 1) * per) } });
      groupsLeft[index]++;
    }
  });
  const finish = (index: number, result: RestartBatchResult) => {
    results[index].push(result);
    if (--groupsLeft[index] > 0) return;
    const options = optionsList[index];
    const best = bestRestart(results[index]);
    const unconverged = results[index].reduce((total, r) => total + r.unconverged, 0);
    fits[index] = finishFit(X, centeredLocal.centered, mean, options.k, best.labels, best.centers, best.nIter, unconverged, options);
    onFit?.(index, fits[index]);
  };
  if (workers <= 0) {
    for (const { index, batch } of tasks) finish(index, runRestartBatch(batch));
    return fits;
  }
  // Longest groups first (the time of a group grows with k): the threads end close together.
  const queue = [...tasks].sort((a, b) => optionsList[b.index].k - optionsList[a.index].k || a.index - b.index);
  const batches = queue.map((t) => t.batch);
  const backend = (await ensureBackend()).name;
  // One queue in shared memory: the main thread and workers - 1 pooled workers each take the next batch number with
  // Atomics.add. A worker still starting (tfjs + wasm, ~0.5 s) joins when ready, and never waits for this thread
  // (busy in its own batch) to hand it work.
  const next = new Int32Array(new SharedArrayBuffer(4));
  const workerRuns = Promise.all(
    Array.from({ length: Math.min(workers, queue.length) - 1 }, (_, slot) => runPooled(backend, { kind: 'kmeansQueue', batches, next }, slot)),
  );
  workerRuns.catch(() => undefined); // awaited below; a failure must not surface as an unhandled rejection first
  for (const { index, result } of runQueuedBatches(batches, next)) finish(queue[index].index, result);
  for (const ran of (await workerRuns) as QueuedResult[][]) for (const { index, result } of ran) finish(queue[index].index, result);
  return fits;
}

/** A batch run from a shared queue: its number in the queue and its result. */
export interface QueuedResult {
  readonly index: number;
  readonly result: RestartBatchResult;
}

/** Runs batches of a shared queue until none is left: each next batch number comes from Atomics.add on `next[0]`. */
export function runQueuedBatches(batches: readonly RestartBatch[], next: Int32Array): QueuedResult[] {
  const ran: QueuedResult[] = [];
  for (let index = Atomics.add(next, 0, 1); index < batches.length; index = Atomics.add(next, 0, 1)) {
    ran.push({ index, result: runRestartBatch(batches[index]) });
  }
  return ran;
}

/** {@link kmeansManyChecked} for one k. */
export async function kmeansChecked(X: Matrix, options: CheckedKMeansOptions, workers = 0): Promise<KMeansFit> {
  return (await kmeansManyChecked(X, [options], workers))[0];
}

/**
 * k-means with k-means++ seeding and `nInit` restarts computed together as one batched tensor computation.
 * Deterministic for a given seed. The best restart (lowest inertia) is returned; its centroids are the float64
 * means of its clusters. Initialises the default backend if {@link initBackend} was not called.
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
  const backend = await ensureBackend();
  return kmeansChecked(X, checked, defaultKMeansWorkers(X.rows, checked.nInit, backend.name));
}

/**
 * k-means for each k in `ks` on the same data, with the same restarts, tolerance and seed: the k sweep's
 * k-means. From 10 000 rows the ks' restart groups run on two threads from one queue (see
 * {@link kmeansManyChecked}); the fits equal those of {@link kmeans} for each k alone.
 *
 * @param options as for {@link kmeans}, without k
 * @param onFit called once per k as it finishes (largest k first with threads), with its index into `ks`
 * @returns the fits in the order of `ks`
 * @throws OptionsError for a bad k or option (naming it); DataError for bad data
 * @example const fits = await kmeansEach(X, [2, 3, 4], { seed: 42 }); fits.map((f) => f.inertia);
 */
export async function kmeansEach(
  X: Matrix,
  ks: readonly number[],
  options: Omit<KMeansOptions, 'k'> = {},
  onFit?: (index: number, fit: KMeansFit) => void,
): Promise<KMeansFit[]> {
  const checked = ks.map((k) => checkKMeansOptions(X, { ...options, k }));
  const backend = await ensureBackend();
  const workers = checked.length === 0 ? 0 : defaultKMeansWorkers(X.rows, checked[0].nInit, backend.name);
  return kmeansManyChecked(X, checked, workers, onFit);
}
