/**
 * Batched Lloyd iterations for several restarts at once: the assignment step (scores and argmin for every active
 * restart) runs on the backend; per iteration the labels [rows, active restarts] are read back and the per-cluster
 * sums, counts, changed labels and centre shifts are computed on the host in float64 (cheaper on wasm than a
 * one-hot matmul over [rows, restarts * k]). Converged restarts leave the batch. Assumes checked input and an
 * initialised backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Matrix } from '../util/matrix';
import { assignAll, assignBlock, assignmentWeights, type DeviceData } from './kmeansDevice';
import { inertiaOf, relocateEmptyClusters } from './kmeansShared';

/** One restart after Lloyd: final centres (centred coordinates, [k, cols]), labels of every row, float64 inertia. */
export interface LloydOutcome {
  readonly centers: Float32Array;
  readonly labels: Int32Array;
  readonly inertia: number;
  readonly nIter: number;
  readonly converged: boolean;
}

/** When Lloyd stops: after maxIter iterations, or when the squared centre shift summed over centres is <= tolAbs. */
export interface LloydStop {
  readonly maxIter: number;
  /** Absolute tolerance (see absoluteTolerance). */
  readonly tolAbs: number;
}

/** Per-cluster sums [restarts * k, cols] and counts [restarts * k] of one iteration's M-step. */
interface Accumulator {
  readonly sums: Float64Array;
  readonly counts: Float64Array;
}

/**
 * Host M-step of restart column `a` over one row block: `values` are the block's labels, row-major [blockRows,
 * width], and the block starts at data row `row`. Adds the rows to the sums and counts of clusters `base + label`,
 * stores the labels in `before` (one per data row) and returns how many of them changed.
 */
function accumulateColumn(
  centered: Matrix,
  block: { values: Int32Array; width: number; rows: number; row: number },
  a: number,
  before: Int32Array,
  into: Accumulator,
  base: number,
): number {
  const { values, width, rows: blockRows, row } = block;
  const { data, cols } = centered;
  const { sums, counts } = into;
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
      sums[s] += data[x];
      sums[s + 1] += data[x + 1];
      sums[s + 2] += data[x + 2];
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
    for (let f = 0; f < cols; f++) sums[s + f] += data[x + f];
  }
  return changes;
}

/** Column `r` of a row-major [rows, width] Int32Array. */
function column(values: Int32Array, rows: number, width: number, r: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = values[i * width + r];
  return out;
}

/**
 * Lloyd iterations for several restarts at once from their `initial` centres ([k, cols] each, not modified) on
 * `data` (the upload of `centered`), then scikit-learn's last E-step (final assignment) and the float64 inertia of
 * each restart.
 */
export function lloydAll(data: DeviceData, centered: Matrix, k: number, stop: LloydStop, initial: readonly Float64Array[]): LloydOutcome[] {
  const { rows, cols } = centered;
  const { maxIter, tolAbs } = stop;
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
    const into: Accumulator = { sums: new Float64Array(width * k * cols), counts: new Float64Array(width * k) };
    const changed = new Int32Array(width);
    let row = 0;
    for (const block of data.blocks) {
      const labels = assignBlock(block, weights, width, k);
      const values = labels.dataSync() as Int32Array;
      labels.dispose();
      const blockRows = values.length / width;
      const read = { values, width, rows: blockRows, row };
      for (let a = 0; a < width; a++) changed[a] += accumulateColumn(centered, read, a, previous[active[a]], into, a * k);
      row += blockRows;
    }
    weights.dispose();

    const stillActive: number[] = [];
    active.forEach((r, a) => {
      const restartSums = into.sums.subarray(a * k * cols, (a + 1) * k * cols);
      const restartCounts = into.counts.subarray(a * k, (a + 1) * k);
      const old = current[r];
      // Rare path (duplicates, bad seeds): scikit-learn's relocation of empty clusters.
      if (restartCounts.some((v) => v === 0)) relocateEmptyClusters(centered.data, cols, previous[r], old, restartSums, restartCounts);
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
    inertia: inertiaOf(centered.data, cols, labels, finalCenters[r]),
    nIter: nIter[r],
    converged: converged[r] === 1,
  }));
}
