/**
 * Per-thread k-means kernel (the orchestration is kmeans.ts, as silhouette.ts / silhouetteKernel.ts): batched
 * k-means++ seeding (scikit-learn's greedy variant) and Lloyd iterations for a group of restarts at once, with the
 * restarts side by side ([rows, restarts * k] distance blocks). The data stay on the backend between iterations.
 * The assignment step (scores and argmin for every active restart) runs batched on tensors; per iteration the
 * labels [rows, active restarts] are read back and the per-cluster sums, counts, changed labels and centre shifts
 * are computed on the host in float64 (cheaper on wasm than a one-hot matmul over [rows, restarts * k]).
 * Converged restarts leave the batch. A batch may run its restarts on a sample of the rows and refine the best of
 * them with Lloyd iterations on all rows (RestartBatch.sample). Runs on the main thread or in a model worker
 * (modelWorker.ts); everything here assumes checked input and an initialised backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '../util/random';
import { drawCandidates, inertiaOf, localTrials, relocateEmptyClusters } from './kmeansShared';

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

/**
 * Uploads the centred data and its blocks, built on the host (tfjs slice/concat on big tensors are slow on wasm);
 * `seedColumns` 0 = no seeding blocks (Lloyd only).
 */
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
  for (let start = 0; seedColumns > 0 && start < rows; start += seedColumns) {
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
  /**
   * Restarts on a sample: seeding and Lloyd run on the sample's rows (`centered`, shape [rows, cols], centred
   * with the mean of ALL rows); then the `refine` restarts with the lowest sample inertia (ties to the lower
   * restart number) continue with Lloyd iterations on all rows from their sample centres, and the lowest
   * all-rows inertia among them is the batch's result. Absent: every restart on all rows.
   */
  readonly sample?: { readonly centered: Float64Array; readonly rows: number; readonly refine: number };
  /**
   * Shared work counter (a SharedArrayBuffer-backed Int32Array of length 1), added to with Atomics as work ends: k per
   * restart on all rows; with a sample, k for the sample's restarts and k per refined restart (see batchWork).
   * Absent: no counting.
   */
  readonly progress?: Int32Array;
}

/** The work units of a batch as {@link RestartBatch.progress} counts them. */
export function batchWork(batch: RestartBatch): number {
  const { k, restarts, sample } = batch;
  return sample === undefined ? k * restarts.length : k * (1 + Math.max(1, Math.min(sample.refine, restarts.length)));
}

/** Adds work done to the batch's counter and lets the caller look (`tick`, on the thread that did the work). */
function count(batch: RestartBatch, units: number, tick?: () => void): void {
  if (batch.progress === undefined) return;
  Atomics.add(batch.progress, 0, units);
  tick?.();
}

/** The best restart of a batch (lowest float64 inertia over all rows; ties go to the lower restart number). */
export interface RestartBatchResult {
  readonly restart: number;
  readonly inertia: number;
  /** Centres in centred coordinates, shape [k, cols]. */
  readonly centers: Float32Array;
  readonly labels: Int32Array;
  /** Lloyd iterations of that restart on all rows (with a sample: the refinement's iterations). */
  readonly nIter: number;
  /** Restarts of the batch that hit maxIter (with a sample: on the sample or in the refinement). */
  readonly unconverged: number;
}

/** One restart after Lloyd: final centres (centred coordinates, [k, cols]), labels of every row, float64 inertia. */
export interface LloydOutcome {
  readonly centers: Float32Array;
  readonly labels: Int32Array;
  readonly inertia: number;
  readonly nIter: number;
  readonly converged: boolean;
}

/** Block shapes for `restarts` restarts of k centres: assignment rows per block, and seeding columns (0 = no seeding). */
function blockShape(restarts: number, k: number, seeding: boolean): { blockRows: number; seedColumns: number } {
  return {
    blockRows: Math.max(256, Math.floor(BLOCK_ELEMENTS / (restarts * k))),
    seedColumns: seeding ? Math.max(256, Math.floor(BLOCK_ELEMENTS / (restarts * localTrials(k)))) : 0,
  };
}

/** k-means++ centres for each restart number (own random stream each), as host float64 arrays [k, cols]. */
function seedRestarts(data: DeviceData, k: number, restarts: readonly number[], seed: number): Float64Array[] {
  const rngs = restarts.map((r) => createRng(seed, r));
  const seeded = seedAll(data, k, restarts.length, rngs);
  const values = seeded.dataSync();
  seeded.dispose();
  const width = k * data.cols;
  return restarts.map((_, r) => Float64Array.from(values.subarray(r * width, (r + 1) * width)));
}

/**
 * Lloyd iterations for several restarts at once from their `initial` centres ([k, cols] each, not modified), then
 * scikit-learn's last E-step (final assignment) and the float64 inertia of each restart.
 */
function lloydAll(data: DeviceData, centered: Float64Array, k: number, maxIter: number, tolAbs: number, initial: readonly Float64Array[]): LloydOutcome[] {
  const { rows, cols } = data;
  const nInit = initial.length;
  // Current centres per restart (host, float64), shape [k, cols] each.
  const current = initial.map((c) => Float64Array.from(c));
  // Previous labels per restart (host); -1 before the first iteration.
  const previous = Array.from({ length: nInit }, () => new Int32Array(rows).fill(-1));
  let active = Array.from({ length: nInit }, (_, r) => r);
  const finalCenters: Float32Array[] = new Array(nInit);
  const nIter = new Int32Array(nInit);
  // Restarts whose labels did not change in their last iteration: their centres are the means of those same
  // labels, i.e. the centres that produced them, so the final assignment would give them again.
  const strict = new Uint8Array(nInit);
  const converged = new Uint8Array(nInit);

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
      if (changed[a] === 0 || shift <= tolAbs) {
        finalCenters[r] = Float32Array.from(old);
        converged[r] = 1;
      } else stillActive.push(r);
    });
    active = stillActive;
  }
  for (const r of active) finalCenters[r] = Float32Array.from(current[r]);

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
  return finalLabels.map((labels, r) => ({
    centers: finalCenters[r],
    labels,
    inertia: inertiaOf(centered, cols, labels, finalCenters[r]),
    nIter: nIter[r],
    converged: converged[r] === 1,
  }));
}

/**
 * Lloyd iterations for one restart on the host in float64 from `initial` centres ([k, cols], not modified), with
 * Hamerly's bounds (an upper bound on each row's distance to its centre, a lower bound on the distance to every
 * other centre, both moved by the centres' shifts): a row is only measured again when its bounds overlap, so once
 * the centres barely move an iteration costs little more than the M-step. Same assignments (up to exact ties) and
 * the same stopping rules as lloydAll: labels unchanged, or squared centre shift <= tolAbs; then the last E-step.
 * Used to refine centres found on a sample, which start close to a fixed point.
 */
export function lloydBounded(centered: Float64Array, rows: number, cols: number, k: number, maxIter: number, tolAbs: number, initial: ArrayLike<number>): LloydOutcome {
  const centers = Float64Array.from(initial);
  const labels = new Int32Array(rows);
  const upper = new Float64Array(rows);
  const lower = new Float64Array(rows);
  const half = new Float64Array(k); // half the distance from each centre to its nearest other centre
  const moved = new Float64Array(k);
  const sums = new Float64Array(k * cols);
  const counts = new Float64Array(k);
  const squared = (i: number, c: number): number => {
    if (cols === 3) {
      const x = i * 3;
      const y = c * 3;
      const d0 = centered[x] - centers[y];
      const d1 = centered[x + 1] - centers[y + 1];
      const d2 = centered[x + 2] - centers[y + 2];
      return d0 * d0 + d1 * d1 + d2 * d2;
    }
    let d = 0;
    for (let f = 0; f < cols; f++) {
      const diff = centered[i * cols + f] - centers[c * cols + f];
      d += diff * diff;
    }
    return d;
  };
  /** Nearest and second-nearest centre of row i (squared distances, one square root each): sets labels, upper, lower. */
  const scan = (i: number): void => {
    let best = 0;
    let first = Infinity;
    let second = Infinity;
    for (let c = 0; c < k; c++) {
      const d = squared(i, c);
      if (d < first) {
        second = first;
        first = d;
        best = c;
      } else if (d < second) second = d;
    }
    labels[i] = best;
    upper[i] = Math.sqrt(first);
    lower[i] = Math.sqrt(second);
  };
  const halfDistances = (): void => {
    for (let c = 0; c < k; c++) {
      let nearest = Infinity;
      for (let o = 0; o < k; o++) {
        if (o === c) continue;
        let d = 0;
        for (let f = 0; f < cols; f++) d += (centers[c * cols + f] - centers[o * cols + f]) ** 2;
        nearest = Math.min(nearest, d);
      }
      half[c] = Math.sqrt(nearest) / 2;
    }
  };
  /** E-step with the bounds; returns the number of changed labels. */
  const assign = (): number => {
    halfDistances();
    let changes = 0;
    for (let i = 0; i < rows; i++) {
      const a = labels[i];
      const limit = Math.max(half[a], lower[i]);
      if (upper[i] <= limit) continue;
      upper[i] = Math.sqrt(squared(i, a));
      if (upper[i] <= limit) continue;
      scan(i);
      if (labels[i] !== a) changes++;
    }
    return changes;
  };

  for (let i = 0; i < rows; i++) scan(i);
  let nIter = 0;
  let converged = false;
  let strict = false;
  for (let iter = 0; iter < maxIter; iter++) {
    const changes = iter === 0 ? rows : assign();
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < rows; i++) {
      const c = labels[i];
      counts[c]++;
      for (let f = 0; f < cols; f++) sums[c * cols + f] += centered[i * cols + f];
    }
    if (counts.some((v) => v === 0)) relocateEmptyClusters(centered, cols, labels, centers, sums, counts);
    let shift = 0;
    let largest = 0;
    for (let c = 0; c < k; c++) {
      let m = 0;
      for (let f = 0; f < cols; f++) {
        const next = counts[c] > 0 ? sums[c * cols + f] / counts[c] : centers[c * cols + f];
        m += (next - centers[c * cols + f]) ** 2;
        centers[c * cols + f] = next;
      }
      shift += m;
      moved[c] = Math.sqrt(m);
      largest = Math.max(largest, moved[c]);
    }
    for (let i = 0; i < rows; i++) {
      upper[i] += moved[labels[i]];
      lower[i] -= largest;
    }
    nIter = iter + 1;
    if (changes === 0) strict = true;
    if (changes === 0 || shift <= tolAbs) {
      converged = true;
      break;
    }
  }
  // scikit-learn's last E-step (labels of the final centres); not needed when the labels did not change.
  if (!strict) assign();
  const finalCenters = Float32Array.from(centers);
  return { centers: finalCenters, labels, inertia: inertiaOf(centered, cols, labels, centers), nIter, converged };
}

/** Index of the lowest inertia (first one on ties, i.e. the lower restart number). */
function lowest(outcomes: readonly { inertia: number }[]): number {
  let best = 0;
  for (let r = 1; r < outcomes.length; r++) if (outcomes[r].inertia < outcomes[best].inertia) best = r;
  return best;
}

/** Seeding and Lloyd for the batch's restarts on `centered` ([rows, cols]), each restart's outcome in order. */
function restartsOn(centered: Float64Array, rows: number, batch: RestartBatch): LloydOutcome[] {
  const { cols, k, maxIter, tolAbs, seed, restarts } = batch;
  const { blockRows, seedColumns } = blockShape(restarts.length, k, true);
  const data = upload(centered, rows, cols, blockRows, seedColumns);
  try {
    return lloydAll(data, centered, k, maxIter, tolAbs, seedRestarts(data, k, restarts, seed));
  } finally {
    release(data);
  }
}

/**
 * Seeding and Lloyd iterations for a batch of restarts as one batched tensor computation, then the final
 * assignment and the float64 inertia of each restart; with `batch.sample`, restarts on the sample and the best
 * of them refined on all rows (see RestartBatch.sample). Assumes checked input and an initialised backend.
 */
export function runRestartBatch(batch: RestartBatch, tick?: () => void): RestartBatchResult {
  const { centered, rows, cols, k, maxIter, tolAbs, restarts, sample } = batch;
  if (sample === undefined) {
    const outcomes = restartsOn(centered, rows, batch);
    count(batch, k * restarts.length, tick);
    const best = lowest(outcomes);
    const unconverged = outcomes.filter((o) => !o.converged).length;
    return { restart: restarts[best], ...pick(outcomes[best]), unconverged };
  }
  const onSample = restartsOn(sample.centered, sample.rows, batch);
  count(batch, k, tick);
  const order = onSample.map((_, r) => r).sort((a, b) => onSample[a].inertia - onSample[b].inertia || a - b);
  const chosen = order.slice(0, Math.max(1, Math.min(sample.refine, order.length)));
  // Only the best refined restart so far is kept (each holds a label per row: 40 MB at 10,000,000 rows); the first
  // of equal inertias wins, as lowest() picks.
  let best: { outcome: LloydOutcome; index: number } | null = null;
  let unconverged = onSample.filter((o) => !o.converged).length;
  chosen.forEach((r, index) => {
    const outcome = lloydBounded(centered, rows, cols, k, maxIter, tolAbs, onSample[r].centers);
    count(batch, k, tick);
    if (!outcome.converged) unconverged++;
    if (best === null || outcome.inertia < best.outcome.inertia) best = { outcome, index };
  });
  const { outcome, index } = best as unknown as { outcome: LloydOutcome; index: number };
  return { restart: restarts[chosen[index]], ...pick(outcome), unconverged };
}

function pick(outcome: LloydOutcome): Pick<RestartBatchResult, 'inertia' | 'centers' | 'labels' | 'nIter'> {
  return { inertia: outcome.inertia, centers: outcome.centers, labels: outcome.labels, nIter: outcome.nIter };
}

/** A batch run from a shared queue: its number in the queue and its result. */
export interface QueuedResult {
  readonly index: number;
  readonly result: RestartBatchResult;
}

/**
 * Runs batches of a shared queue until none is left: each next batch number comes from Atomics.add on `next[0]`.
 * `tick` is called on this thread as each piece of work ends (see RestartBatch.progress).
 */
export function runQueuedBatches(batches: readonly RestartBatch[], next: Int32Array, tick?: () => void): QueuedResult[] {
  const ran: QueuedResult[] = [];
  for (let index = Atomics.add(next, 0, 1); index < batches.length; index = Atomics.add(next, 0, 1)) {
    ran.push({ index, result: runRestartBatch(batches[index], tick) });
  }
  return ran;
}
