/**
 * The silhouette computation for a set of query rows, shared by the in-process path and the worker threads.
 * Assumes checked input (see silhouette.ts). Per row chunk the distance block [chunk, rows] is computed once,
 * per feature as sum_f (x_if - x_jf)^2 (exact zeros for identical points, no |x|^2 + |y|^2 - 2xy cancellation),
 * and the per-cluster distance sums of EVERY labeling come from one matmul with the concatenated one-hot matrix
 * [rows, sum(k)] (wasm has no UnsortedSegmentSum). The a/b/s arithmetic runs in float64 on the host.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CompactLabels } from './types';

/** What the kernel needs; plain arrays only, so it can be posted to a worker. */
export interface KernelInput {
  readonly rows: number;
  readonly cols: number;
  /** Column-centred data as float32, shape [rows, cols] row-major. */
  readonly centered: Float32Array;
  /** Labels of each labeling, each length rows, values 0..k-1. */
  readonly labels: CompactLabels[];
  /** k of each labeling. */
  readonly ks: number[];
}

/**
 * Elements of one distance block when no chunk size is given: ~4 MB of float32. The kernel holds a few blocks at once
 * on the backend, and a wasm heap never shrinks: 8 MB blocks grew each thread's heap to ~60-80 MB, 4 MB ones to ~35-40,
 * at the same speed (10,000 and 20,000 rows, k = 2..10, in-process on wasm).
 */
export const DEFAULT_BLOCK_ELEMENTS = 1 << 20;

/** Rows per chunk for `rows` columns of distances. */
export function defaultChunkSize(rows: number): number {
  return Math.max(1, Math.min(rows, Math.floor(DEFAULT_BLOCK_ELEMENTS / rows)));
}

/** Cluster sizes per labeling. */
export function clusterCounts(input: KernelInput): Float64Array[] {
  return input.labels.map((labels, l) => {
    const counts = new Float64Array(input.ks[l]);
    for (let i = 0; i < labels.length; i++) counts[labels[i]] += 1;
    return counts;
  });
}

/**
 * Silhouette values of the query rows `rowIds` for every labeling, shape [rowIds.length, labelings] row-major.
 * Runs on the current tfjs backend; `onChunk(rowsDone)` is called after each chunk.
 */
export function silhouetteRows(input: KernelInput, rowIds: Int32Array, chunkSize: number, onChunk?: (rowsDone: number) => void): Float64Array {
  const { rows, cols, labels, ks } = input;
  const nLabelings = ks.length;
  const totalK = ks.reduce((a, b) => a + b, 0);
  const offsets = ks.map((_, l) => ks.slice(0, l).reduce((a, b) => a + b, 0));
  const counts = clusterCounts(input);
  const out = new Float64Array(rowIds.length * nLabelings);

  const oneHot = new Float32Array(rows * totalK);
  for (let l = 0; l < nLabelings; l++) for (let i = 0; i < rows; i++) oneHot[i * totalK + offsets[l] + labels[l][i]] = 1;
  const device = tf.tidy(() => {
    const all = tf.tensor2d(input.centered, [rows, cols]);
    const transposed = tf.transpose(all);
    return {
      all: tf.keep(all),
      featureRows: Array.from({ length: cols }, (_, f) => tf.keep(tf.slice(transposed, [f, 0], [1, rows]))),
      oneHot: tf.keep(tf.tensor2d(oneHot, [rows, totalK])),
    };
  });
  try {
    for (let start = 0; start < rowIds.length; start += chunkSize) {
      const size = Math.min(chunkSize, rowIds.length - start);
      const sums = tf.tidy(() => {
        const points = tf.gather(device.all, tf.tensor1d(rowIds.subarray(start, start + size), 'int32'));
        const columns = tf.split(points, cols, 1);
        let squared: tf.Tensor = tf.squaredDifference(columns[0], device.featureRows[0]);
        for (let f = 1; f < cols; f++) squared = tf.add(squared, tf.squaredDifference(columns[f], device.featureRows[f]));
        return tf.matMul(tf.sqrt(squared) as tf.Tensor2D, device.oneHot);
      });
      const values = sums.dataSync();
      sums.dispose();
      for (let q = 0; q < size; q++) {
        const row = rowIds[start + q];
        for (let l = 0; l < nLabelings; l++) {
          const own = labels[l][row];
          const countsL = counts[l];
          const base = q * totalK + offsets[l];
          let s = 0;
          if (countsL[own] > 1) {
            const a = values[base + own] / (countsL[own] - 1);
            let b = Infinity;
            for (let c = 0; c < ks[l]; c++) {
              if (c === own || countsL[c] === 0) continue;
              const mean = values[base + c] / countsL[c];
              if (mean < b) b = mean;
            }
            const denominator = Math.max(a, b);
            s = denominator > 0 ? (b - a) / denominator : 0;
          }
          out[(start + q) * nLabelings + l] = s;
        }
      }
      onChunk?.(start + size);
    }
  } finally {
    tf.dispose([device.all, device.oneHot, ...device.featureRows]);
  }
  return out;
}
