/**
 * Batched k-means on TensorFlow.js: k-means++ seeding (scikit-learn's greedy variant) and Lloyd iterations for
 * all `nInit` restarts at once, as tensors with the restarts side by side ([rows, restarts * k] distance blocks).
 * The data stay on the backend between iterations; per iteration only the per-cluster counts, the number of
 * changed labels and the centre shift per restart are read back.
 */
import * as tf from '@tensorflow/tfjs';
import type { Matrix } from './matrix';
import type { KMeansFit } from './types';
import { ensureBackend } from './backend';
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
  /** Data transposed, one tensor per feature, shape [1, rows]. */
  readonly featureRows: tf.Tensor2D[];
  readonly blocks: {
    /** Rows of the block, shape [blockRows, cols]. */
    x: tf.Tensor2D;
    /** Same rows with a column of ones appended (sums and counts in one matmul), shape [blockRows, cols + 1]. */
    xOne: tf.Tensor2D;
    /** Squared norms, shape [blockRows, 1]. */
    norms: tf.Tensor2D;
  }[];
}

function upload(centered: Float64Array, rows: number, cols: number, blockRows: number): DeviceData {
  return tf.tidy(() => {
    const all = tf.tensor2d(Float32Array.from(centered), [rows, cols]);
    const transposed = all.transpose();
    const featureRows = Array.from({ length: cols }, (_, f) => tf.keep(transposed.slice([f, 0], [1, rows]) as tf.Tensor2D));
    const blocks: DeviceData['blocks'] = [];
    for (let start = 0; start < rows; start += blockRows) {
      const size = Math.min(blockRows, rows - start);
      const x = all.slice([start, 0], [size, cols]);
      blocks.push({
        x: tf.keep(x),
        xOne: tf.keep(tf.concat([x, tf.ones([size, 1])], 1)),
        norms: tf.keep(tf.sum(tf.square(x), 1, true)),
      });
    }
    return { rows, cols, all: tf.keep(all), featureRows, blocks };
  });
}

function release(data: DeviceData): void {
  data.all.dispose();
  tf.dispose(data.featureRows);
  for (const block of data.blocks) tf.dispose([block.x, block.xOne, block.norms]);
}

/** Squared distances of `points` (shape [m, cols]) to every row, per feature (exact for identical points), shape [m, rows]. */
function squaredDistancesToAll(data: DeviceData, points: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const columns = tf.split(points, data.cols, 1);
    let total: tf.Tensor2D = tf.squaredDifference(columns[0], data.featureRows[0]);
    for (let f = 1; f < data.cols; f++) total = tf.add(total, tf.squaredDifference(columns[f], data.featureRows[f]));
    return total;
  });
}

/**
 * k-means++ for all restarts at once. The draws (JS, float64 running sums of the distances read back) use one
 * random stream per restart, so the result equals kmeansReference's draws up to float32 rounding.
 * Returns initial centres, shape [restarts * k, cols] (restart-major).
 */
function seedAll(data: DeviceData, k: number, restarts: number, rngs: Rng[]): tf.Tensor2D {
  const { rows } = data;
  const trials = localTrials(k);
  const chosen = new Int32Array(restarts * k);
  for (let r = 0; r < restarts; r++) chosen[r * k] = rngs[r].nextInt(rows);
  let closest = tf.tidy(() => {
    const firsts = tf.gather(data.all, tf.tensor1d(Array.from({ length: restarts }, (_, r) => chosen[r * k]), 'int32'));
    return squaredDistancesToAll(data, firsts);
  });
  for (let c = 1; c < k; c++) {
    const closestValues = closest.dataSync();
    const candidateIds = new Int32Array(restarts * trials);
    for (let r = 0; r < restarts; r++) candidateIds.set(drawCandidates(rngs[r], closestValues, r * rows, rows, trials), r * trials);
    const [potentials, candidateDistances] = tf.tidy(() => {
      const candidates = tf.gather(data.all, tf.tensor1d(candidateIds, 'int32'));
      const distances = tf.minimum(
        squaredDistancesToAll(data, candidates).reshape([restarts, trials, rows]),
        closest.reshape([restarts, 1, rows]),
      );
      return [tf.sum(distances, 2), distances.reshape([restarts * trials, rows])];
    });
    const pots = potentials.dataSync();
    const bestRows = new Int32Array(restarts);
    for (let r = 0; r < restarts; r++) {
      let best = 0;
      for (let t = 1; t < trials; t++) if (pots[r * trials + t] < pots[r * trials + best]) best = t;
      chosen[r * k + c] = candidateIds[r * trials + best];
      bestRows[r] = r * trials + best;
    }
    const next = tf.tidy(() => tf.gather(candidateDistances, tf.tensor1d(bestRows, 'int32')) as tf.Tensor2D);
    tf.dispose([closest, potentials, candidateDistances]);
    closest = next;
  }
  closest.dispose();
  return tf.tidy(() => tf.gather(data.all, tf.tensor1d(chosen, 'int32')) as tf.Tensor2D);
}

/** Labels of one row block for `active` restarts of centres `centers` [active * k, cols]: shape [blockRows, active]. */
function assignBlock(block: DeviceData['blocks'][number], centersT: tf.Tensor2D, centerNorms: tf.Tensor2D, active: number, k: number): tf.Tensor2D {
  return tf.tidy(() => {
    const distances = tf.sub(tf.add(block.norms, centerNorms), tf.mul(tf.matMul(block.x, centersT), 2));
    return tf.argMin(distances.reshape([-1, active, k]), 2) as tf.Tensor2D;
  });
}

/** Labels of every row for `active` restarts, shape [rows, active] as host Int32Array (row-major). */
function assignAll(data: DeviceData, centers: tf.Tensor2D, active: number, k: number): Int32Array {
  const centersT = tf.tidy(() => centers.transpose() as tf.Tensor2D);
  const centerNorms = tf.tidy(() => tf.sum(tf.square(centersT), 0, true) as tf.Tensor2D);
  const out = new Int32Array(data.rows * active);
  let offset = 0;
  for (const block of data.blocks) {
    const labels = assignBlock(block, centersT, centerNorms, active, k);
    const values = labels.dataSync() as Int32Array;
    out.set(values, offset);
    offset += values.length;
    labels.dispose();
  }
  tf.dispose([centersT, centerNorms]);
  return out;
}

/** Column `r` of a row-major [rows, width] Int32Array. */
function column(values: Int32Array, rows: number, width: number, r: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = values[i * width + r];
  return out;
}

/** The checked core of {@link kmeans}: assumes validated options and an initialised backend. Synchronous. */
export function kmeansChecked(X: Matrix, options: CheckedKMeansOptions): KMeansFit {
  const { k, nInit, maxIter, tol, seed } = options;
  const { rows, cols } = X;
  const { centered, mean } = centerColumns(X);
  const tolAbs = absoluteTolerance(centered, rows, cols, tol);
  const blockRows = Math.max(256, Math.floor(BLOCK_ELEMENTS / (nInit * k)));
  const data = upload(centered, rows, cols, blockRows);
  try {
    const rngs = Array.from({ length: nInit }, (_, r) => createRng(seed, r));
    let centers = seedAll(data, k, nInit, rngs);
    let active = Array.from({ length: nInit }, (_, r) => r);
    let labelsOld: tf.Tensor2D[] | null = null;
    const finalCenters: Float32Array[] = new Array(nInit);
    const nIter = new Int32Array(nInit);
    let unconverged = 0;

    for (let iter = 0; iter < maxIter && active.length > 0; iter++) {
      const width = active.length;
      const centersT = tf.tidy(() => centers.transpose() as tf.Tensor2D);
      const centerNorms = tf.tidy(() => tf.sum(tf.square(centersT), 0, true) as tf.Tensor2D);
      const labelsNew: tf.Tensor2D[] = [];
      let sums: tf.Tensor2D = tf.zeros([width * k, cols + 1]);
      let changed: tf.Tensor1D = tf.zeros([width]);
      data.blocks.forEach((block, b) => {
        const labels = assignBlock(block, centersT, centerNorms, width, k);
        labelsNew.push(labels);
        const [nextSums, nextChanged] = tf.tidy(() => {
          const oneHotT = tf.oneHot(labels, k).reshape([-1, width * k]).transpose().toFloat() as tf.Tensor2D;
          const blockChanged =
            labelsOld === null ? tf.fill([width], block.x.shape[0]) : tf.sum(tf.notEqual(labels, labelsOld[b]).toFloat(), 0);
          return [tf.add(sums, tf.matMul(oneHotT, block.xOne)) as tf.Tensor2D, tf.add(changed, blockChanged) as tf.Tensor1D];
        });
        tf.dispose([sums, changed]);
        sums = nextSums;
        changed = nextChanged;
      });
      tf.dispose([centersT, centerNorms]);
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
        const keep = tf.tensor1d(keepIndex, 'int32');
        const rowsToKeep = tf.tidy(() =>
          tf.tensor1d(keepIndex.flatMap((a) => Array.from({ length: k }, (_, c) => a * k + c)), 'int32'),
        );
        const previous = centers;
        centers = tf.gather(previous, rowsToKeep);
        const previousLabels = labelsOld;
        labelsOld = previousLabels.map((labels) => tf.gather(labels, keep, 1));
        tf.dispose([previous, keep, rowsToKeep, ...previousLabels]);
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
      if (inertia < bestInertia) {
        bestInertia = inertia;
        best = r;
        bestLabels = labels;
      }
    }
    return finishFit(X, centered, mean, k, bestLabels, finalCenters[best], nIter[best], unconverged, options);
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
  await ensureBackend();
  return kmeansChecked(X, checked);
}
