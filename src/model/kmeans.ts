/**
 * Batched k-means on TensorFlow.js: k-means++ seeding (scikit-learn's greedy variant) and Lloyd iterations for
 * all `nInit` restarts at once, as tensors with the restarts side by side ([rows, restarts * k] distance blocks).
 * The data stay on the backend between iterations; per iteration only the per-cluster counts, the number of
 * changed labels and the centre shift per restart are read back.
 */
import * as tf from '@tensorflow/tfjs';
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

/** Elements per distance block [blockRows, restarts * k]; small blocks run faster on wasm (cache, allocator). */
const BLOCK_ELEMENTS = 1 << 21;

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

/** Column blocks [restarts, blockColumns] joined into one row-major host array [restarts, rows]. */
function readColumnBlocks(blocks: tf.Tensor2D[], restarts: number, rows: number): Float32Array {
  const out = new Float32Array(restarts * rows);
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
  for (let c = 1; c < k; c++) {
    const closestValues = readColumnBlocks(closest, restarts, rows);
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
  return tf.tidy(() => tf.concat([tf.mul(centers.transpose(), -2), tf.sum(tf.square(centers), 1).reshape([1, -1])], 0) as tf.Tensor2D);
}

/** Labels of one row block for `active` restarts: argmin over k of |c|^2 - 2 x.c, shape [blockRows, active]. */
function assignBlock(block: DeviceData['blocks'][number], weights: tf.Tensor2D, active: number, k: number): tf.Tensor2D {
  return tf.tidy(() => tf.argMin(tf.matMul(block.xOne, weights).reshape([-1, active, k]), 2) as tf.Tensor2D);
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
    let centers = seedAll(data, k, nInit, rngs);
    let active = Array.from({ length: nInit }, (_, r) => r);
    let labelsOld: tf.Tensor2D[] | null = null;
    const finalCenters: Float32Array[] = new Array(nInit);
    const nIter = new Int32Array(nInit);
    let unconverged = 0;

    for (let iter = 0; iter < maxIter && active.length > 0; iter++) {
      const width = active.length;
      const weights = assignmentWeights(centers);
      const labelsNew: tf.Tensor2D[] = [];
      let sums: tf.Tensor2D = tf.zeros([width * k, cols + 1]);
      let changed: tf.Tensor1D = tf.zeros([width]);
      data.blocks.forEach((block, b) => {
        const labels = assignBlock(block, weights, width, k);
        labelsNew.push(labels);
        const [nextSums, nextChanged] = tf.tidy(() => {
          // oneHot^T @ xOne with xOne as the matmul's constant right operand: XNNPACK packs the right operand per
          // call, so [blockRows, cols + 1] is cheap where the one-hot [blockRows, width * k] would not be.
          // (tfjs-backend-wasm 4.22 ignores oneHot's dtype argument and returns int32 bits typed float32: cast instead.)
          const oneHotT = tf.oneHot(labels, k).toFloat().reshape([-1, width * k]).transpose() as tf.Tensor2D;
          const blockChanged =
            labelsOld === null ? tf.fill([width], block.xOne.shape[0]) : tf.sum(tf.notEqual(labels, labelsOld[b]).toFloat(), 0);
          return [tf.add(sums, tf.matMul(oneHotT, block.xOne)) as tf.Tensor2D, tf.add(changed, blockChanged) as tf.Tensor1D];
        });
        tf.dispose([sums, changed]);
        sums = nextSums;
        changed = nextChanged;
      });
      weights.dispose();
      if (labelsOld !== null) tf.dispose(labelsOld);
      labelsOld = labelsNew;

      const counts = tf.tidy(() => sums.slice([0, cols], [width * k, 1]).reshape([width * k]));
      const countValues = counts.dataSync();
      counts.dispose();
      const hasEmpty = countValues.some((v) => v === 0);
      let newCenters: tf.Tensor2D;
      if (hasEmpty) {
        // Rare path (duplicates, bad seeds): scikit-learn's relocation on the host, then back to the backend.
        const sumValues = Float64Array.from(sums.dataSync());
        const oldValues = centers.dataSync();
        const labelsHost = concatLabels(labelsOld, rows, width);
        const next = new Float32Array(width * k * cols);
        for (let a = 0; a < width; a++) {
          const restartSums = new Float64Array(k * cols);
          const restartCounts = new Float64Array(k);
          for (let c = 0; c < k; c++) {
            restartCounts[c] = sumValues[(a * k + c) * (cols + 1) + cols];
            for (let f = 0; f < cols; f++) restartSums[c * cols + f] = sumValues[(a * k + c) * (cols + 1) + f];
          }
          const restartOld = oldValues.subarray(a * k * cols, (a + 1) * k * cols);
          relocateEmptyClusters(centered, cols, column(labelsHost, rows, width, a), restartOld, restartSums, restartCounts);
          for (let c = 0; c < k; c++) {
            for (let f = 0; f < cols; f++) {
              next[(a * k + c) * cols + f] = restartCounts[c] > 0 ? restartSums[c * cols + f] / restartCounts[c] : restartOld[c * cols + f];
            }
          }
        }
        newCenters = tf.tensor2d(next, [width * k, cols]);
      } else {
        newCenters = tf.tidy(() => tf.div(sums.slice([0, 0], [width * k, cols]), sums.slice([0, cols], [width * k, 1])) as tf.Tensor2D);
      }
      const shift = tf.tidy(() => tf.sum(tf.squaredDifference(newCenters, centers).reshape([width, k * cols]), 1));
      const [shiftValues, changedValues] = [shift.dataSync(), changed.dataSync()];
      tf.dispose([shift, changed, sums, centers]);
      centers = newCenters;

      const stillActive: number[] = [];
      const keepIndex: number[] = [];
      const centerValues = centers.dataSync();
      active.forEach((r, a) => {
        nIter[r] = iter + 1;
        if (changedValues[a] === 0 || shiftValues[a] <= tolAbs) {
          finalCenters[r] = centerValues.slice(a * k * cols, (a + 1) * k * cols) as Float32Array;
        } else {
          stillActive.push(r);
          keepIndex.push(a);
        }
      });
      if (stillActive.length > 0 && stillActive.length < active.length) {
        const rowsToKeep = tf.tidy(() =>
          tf.tensor1d(keepIndex.flatMap((a) => Array.from({ length: k }, (_, c) => a * k + c)), 'int32'),
        );
        const previous = centers;
        centers = tf.gather(previous, rowsToKeep);
        // Dropping label columns on the host: wasm's gather along axis 1 is ~10x slower than a readback.
        const previousLabels = labelsOld;
        labelsOld = previousLabels.map((labels) => {
          const values = labels.dataSync() as Int32Array;
          const blockRows = labels.shape[0];
          const kept = new Int32Array(blockRows * keepIndex.length);
          for (let i = 0; i < blockRows; i++) keepIndex.forEach((a, j) => (kept[i * keepIndex.length + j] = values[i * width + a]));
          return tf.tensor2d(kept, [blockRows, keepIndex.length], 'int32');
        });
        tf.dispose([previous, rowsToKeep, ...previousLabels]);
      }
      active = stillActive;
    }
    if (active.length > 0) {
      const centerValues = centers.dataSync();
      active.forEach((r, a) => {
        finalCenters[r] = centerValues.slice(a * k * cols, (a + 1) * k * cols) as Float32Array;
        unconverged++;
      });
    }
    centers.dispose();
    if (labelsOld !== null) tf.dispose(labelsOld);

    // Final assignment of every restart to its final centres (scikit-learn's last E-step), inertia in float64.
    const allCenters = new Float32Array(nInit * k * cols);
    finalCenters.forEach((values, r) => allCenters.set(values, r * k * cols));
    const centersTensor = tf.tensor2d(allCenters, [nInit * k, cols]);
    const labelsAll = assignAll(data, centersTensor, nInit, k);
    centersTensor.dispose();
    let best = -1;
    let bestInertia = Infinity;
    let bestLabels = new Int32Array(0);
    for (let r = 0; r < nInit; r++) {
      const labels = column(labelsAll, rows, nInit, r);
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

/** Row blocks of labels [blockRows, width] joined into one row-major host array [rows, width]. */
function concatLabels(blocks: tf.Tensor2D[], rows: number, width: number): Int32Array {
  const out = new Int32Array(rows * width);
  let offset = 0;
  for (const block of blocks) {
    const values = block.dataSync() as Int32Array;
    out.set(values, offset);
    offset += values.length;
  }
  return out;
}

/** Rows from which k-means splits the restarts over worker threads by default (wasm is single-threaded). */
const KMEANS_WORKER_ROWS = 10_000;

/** Worker threads k-means uses by default for `rows` rows and `nInit` restarts on `backend`. */
export function defaultKMeansWorkers(rows: number, nInit: number, backend: BackendName): number {
  if (backend === 'native' || nInit < 2 || rows < KMEANS_WORKER_ROWS) return 0;
  return Math.min(2, availableParallelism(), nInit);
}

/**
 * The checked core of {@link kmeans}: assumes validated options and an initialised backend. With `workers` > 0
 * the restarts are split into that many contiguous groups, each run as one batched computation in a pooled
 * worker thread with its own backend; every restart keeps its own random stream, so the result is the same as
 * with one batch in-process.
 */
export async function kmeansChecked(X: Matrix, options: CheckedKMeansOptions, workers = 0): Promise<KMeansFit> {
  const { k, nInit, maxIter, tol, seed } = options;
  const { rows, cols } = X;
  const { centered, mean } = centerColumns(X);
  const tolAbs = absoluteTolerance(centered, rows, cols, tol);
  const restarts = Array.from({ length: nInit }, (_, r) => r);
  const batch = (ids: number[]): RestartBatch => ({ centered, rows, cols, k, maxIter, tolAbs, seed, restarts: ids });
  let results: RestartBatchResult[];
  if (workers <= 0) {
    results = [runRestartBatch(batch(restarts))];
  } else {
    const groups = Math.min(workers, nInit);
    const per = Math.ceil(nInit / groups);
    const backend = (await ensureBackend()).name;
    results = await Promise.all(
      Array.from({ length: groups }, (_, g) => runPooled(backend, { kind: 'kmeans', batch: batch(restarts.slice(g * per, (g + 1) * per)) }, g)),
    ) as RestartBatchResult[];
  }
  const best = results.reduce((a, b) => (b.inertia < a.inertia || (b.inertia === a.inertia && b.restart < a.restart) ? b : a));
  const unconverged = results.reduce((total, r) => total + r.unconverged, 0);
  return finishFit(X, centered, mean, k, best.labels, best.centers, best.nIter, unconverged, options);
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
