/**
 * The silhouette computation for a set of query rows, shared by the in-process path and the worker threads.
 * Assumes checked input (see silhouette.ts). Per row chunk the distance block [chunk, rows] is computed once on the
 * host (distanceBlock: fewer passes over the block than the backend's element-wise ops), and the per-cluster distance
 * sums of EVERY labeling come from one matmul on the backend with the concatenated one-hot matrix [rows, sum(k)] (wasm
 * has no UnsortedSegmentSum). The a/b/s arithmetic runs in float64 on the host.
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
 * The distances of the query rows `rowIds` to every row, row-major [rowIds.length, rows], into `out`: per feature
 * sum_f (x_if - x_jf)^2 in float64 (exact zeros for identical points, no |x|^2 + |y|^2 - 2xy cancellation), then the
 * square root rounded to float32.
 */
export function distanceBlock(input: Pick<KernelInput, 'rows' | 'cols' | 'centered'>, rowIds: Int32Array, out: Float32Array): void {
  const { rows, cols, centered } = input;
  for (let q = 0; q < rowIds.length; q++) {
    const x = rowIds[q] * cols;
    const at = q * rows;
    if (cols === 3) {
      const x0 = centered[x];
      const x1 = centered[x + 1];
      const x2 = centered[x + 2];
      for (let j = 0, y = 0; j < rows; j++, y += 3) {
        const d0 = x0 - centered[y];
        const d1 = x1 - centered[y + 1];
        const d2 = x2 - centered[y + 2];
        out[at + j] = Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
      }
      continue;
    }
    for (let j = 0, y = 0; j < rows; j++, y += cols) {
      let d = 0;
      for (let f = 0; f < cols; f++) {
        const diff = centered[x + f] - centered[y + f];
        d += diff * diff;
      }
      out[at + j] = Math.sqrt(d);
    }
  }
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
  const oneHotTensor = tf.tensor2d(oneHot, [rows, totalK]);
  const block = new Float32Array(Math.min(chunkSize, rowIds.length) * rows);
  try {
    for (let start = 0; start < rowIds.length; start += chunkSize) {
      const size = Math.min(chunkSize, rowIds.length - start);
      distanceBlock(input, rowIds.subarray(start, start + size), block);
      const sums = tf.tidy(() => tf.matMul(tf.tensor2d(block.subarray(0, size * rows), [size, rows]), oneHotTensor));
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
    oneHotTensor.dispose();
  }
  return out;
}
