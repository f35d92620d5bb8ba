/**
 * The k-means of kmeans.ts written as plain float64 loops, one restart after another: the yardstick for the
 * shared test suite. Same seeding draws (one random stream per restart), same Lloyd stopping rules, same
 * empty-cluster relocation; only the arithmetic precision and the batching differ.
 */
import type { Matrix } from '../util/matrix';
import type { KMeansFit } from './types';
import { createRng } from '../util/random';
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
import { splitMerge } from './kmeansSplitMerge';

function squaredDistanceToRow(centered: Float64Array, cols: number, i: number, row: Float64Array | number[], rowOffset: number): number {
  let d = 0;
  for (let f = 0; f < cols; f++) {
    const diff = centered[i * cols + f] - row[rowOffset + f];
    d += diff * diff;
  }
  return d;
}

/** k-means++ (greedy, scikit-learn's variant) for one restart; returns centres shape [k, cols] (centred coordinates). */
export function seedCenters(centered: Float64Array, rows: number, cols: number, k: number, seed: number, restart: number): Float64Array {
  const rng = createRng(seed, restart);
  const trials = localTrials(k);
  const centers = new Float64Array(k * cols);
  const first = rng.nextInt(rows);
  centers.set(centered.subarray(first * cols, (first + 1) * cols), 0);
  let closest: Float64Array = new Float64Array(rows);
  for (let i = 0; i < rows; i++) closest[i] = squaredDistanceToRow(centered, cols, i, centers, 0);
  for (let c = 1; c < k; c++) {
    const candidates = drawCandidates(rng, closest, 0, rows, trials);
    let bestPot = Infinity;
    let bestDistances: Float64Array | null = null;
    let bestRow = candidates[0];
    for (const candidate of candidates) {
      const candidateRow = centered.subarray(candidate * cols, (candidate + 1) * cols);
      const distances = new Float64Array(rows);
      let pot = 0;
      for (let i = 0; i < rows; i++) {
        distances[i] = Math.min(closest[i], squaredDistanceToRow(centered, cols, i, candidateRow, 0));
        pot += distances[i];
      }
      if (pot < bestPot) {
        bestPot = pot;
        bestDistances = distances;
        bestRow = candidate;
      }
    }
    closest = bestDistances ?? closest;
    centers.set(centered.subarray(bestRow * cols, (bestRow + 1) * cols), c * cols);
  }
  return centers;
}

function assign(centered: Float64Array, rows: number, cols: number, k: number, centers: Float64Array, labels: Int32Array): void {
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const d = squaredDistanceToRow(centered, cols, i, centers, c * cols);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    labels[i] = best;
  }
}

/**
 * One restart of Lloyd from `centers` (mutated), scikit-learn's rules: the yardstick for kmeansBounded's
 * lloydBounded. `centered` shape [rows, cols], `centers` shape [k, cols].
 */
export function lloydReference(centered: Float64Array, rows: number, cols: number, k: number, centers: Float64Array, maxIter: number, tolAbs: number) {
  const labels = new Int32Array(rows);
  const labelsOld = new Int32Array(rows).fill(-1);
  let strict = false;
  let converged = false;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    assign(centered, rows, cols, k, centers, labels);
    const sums = new Float64Array(k * cols);
    const counts = new Float64Array(k);
    for (let i = 0; i < rows; i++) {
      counts[labels[i]] += 1;
      for (let f = 0; f < cols; f++) sums[labels[i] * cols + f] += centered[i * cols + f];
    }
    relocateEmptyClusters(centered, cols, labels, centers, sums, counts);
    let shift = 0;
    for (let c = 0; c < k; c++) {
      for (let f = 0; f < cols; f++) {
        const next = counts[c] > 0 ? sums[c * cols + f] / counts[c] : centers[c * cols + f];
        shift += (next - centers[c * cols + f]) ** 2;
        centers[c * cols + f] = next;
      }
    }
    let same = true;
    for (let i = 0; i < rows && same; i++) same = labels[i] === labelsOld[i];
    if (same) {
      strict = true;
      converged = true;
      break;
    }
    if (shift <= tolAbs) {
      converged = true;
      break;
    }
    labelsOld.set(labels);
  }
  if (!strict) assign(centered, rows, cols, k, centers, labels);
  return { labels, nIter: Math.min(iter + 1, maxIter), converged };
}

/** The checked core: assumes validated options (see checkKMeansOptions). */
export function kmeansReferenceChecked(X: Matrix, options: CheckedKMeansOptions): KMeansFit {
  const { k, nInit, maxIter, tol, seed } = options;
  const { rows, cols } = X;
  const { centered, mean } = centerColumns(X);
  const tolAbs = absoluteTolerance(centered, rows, cols, tol);
  let best: { labels: Int32Array; centers: Float64Array; nIter: number; inertia: number } | null = null;
  let unconverged = 0;
  for (let r = 0; r < nInit; r++) {
    const centers = seedCenters(centered, rows, cols, k, seed, r);
    const run = lloydReference(centered, rows, cols, k, centers, maxIter, tolAbs);
    if (!run.converged) unconverged++;
    const inertia = inertiaOf(centered, cols, run.labels, centers);
    if (best === null || inertia < best.inertia) best = { labels: run.labels, centers, nIter: run.nIter, inertia };
  }
  const chosen = best as NonNullable<typeof best>;
  if (options.splitMerge) {
    const improved = splitMerge({ rows, cols, data: centered }, chosen, { maxIter, tolAbs });
    if (!improved.converged) unconverged++;
    return finishFit(X, centered, mean, k, improved.labels, improved.centers, chosen.nIter, unconverged, options);
  }
  return finishFit(X, centered, mean, k, chosen.labels, chosen.centers, chosen.nIter, unconverged, options);
}

/**
 * k-means in plain float64 loops (k-means++ seeding, `nInit` restarts one after another, Lloyd), for tests and the
 * stability refits. Split-merge moves on the best restart only with `splitMerge: true` (default false here).
 *
 * @param X data, shape [nSamples, nFeatures]
 * @returns the best restart (lowest inertia): centroids shape [k, nFeatures], labels length nSamples
 * @throws OptionsError / DataError for bad options or data
 * @example kmeansReference(matrixFromRows([[0], [0.1], [5], [5.1]]), { k: 2 }).inertia // 0.01
 */
export function kmeansReference(X: Matrix, options: KMeansOptions): KMeansFit {
  return kmeansReferenceChecked(X, checkKMeansOptions(X, { splitMerge: false, ...options }));
}
