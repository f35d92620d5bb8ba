/**
 * The k-means kernel's data on the tfjs backend: the centred rows uploaded once and cut into blocks, and the batched
 * assignment step (argmin over k of |c|^2 - 2 x.c for several restarts side by side, [blockRows, restarts * k]).
 * Only matmul, add/sub, relu and sum run on the big tensors: wasm's minimum, slice and gather are an order of
 * magnitude slower. Assumes checked input and an initialised backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Matrix } from '../util/matrix';
import { localTrials } from './kmeansShared';

/**
 * Elements per distance block [blockRows, restarts * k] (512 KB of float32). Small blocks run faster on wasm
 * (cache, allocator) when two workers share two cores; in one process alone the block size makes no measurable
 * difference.
 */
const BLOCK_ELEMENTS = 1 << 17;

/** The centred data on the backend, cut into row blocks. */
export interface DeviceData {
  readonly rows: number;
  readonly cols: number;
  /** Whole data, shape [rows, cols]. */
  readonly all: tf.Tensor2D;
  /**
   * [-2 x; |x|^2; 1] per row, transposed and cut into column blocks, each shape [cols + 2, blockColumns]:
   * [c, 1, |c|^2] @ block = squared distances of centres c to the block's rows in ONE matmul (no broadcasting
   * ops, which are slow on wasm). Empty when uploaded without seeding columns.
   */
  readonly augmentedT: tf.Tensor2D[];
  /**
   * Rows of each block with a column of ones appended, shape [blockRows, cols + 1]: assignment scores =
   * xOne @ [-2 c^T; |c|^2].
   */
  readonly blocks: { xOne: tf.Tensor2D }[];
}

/** Block shapes for `restarts` restarts of k centres: assignment rows per block, and seeding columns (0 = no seeding). */
export function blockShape(restarts: number, k: number, seeding: boolean): { blockRows: number; seedColumns: number } {
  return {
    blockRows: Math.max(256, Math.floor(BLOCK_ELEMENTS / (restarts * k))),
    seedColumns: seeding ? Math.max(256, Math.floor(BLOCK_ELEMENTS / (restarts * localTrials(k)))) : 0,
  };
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
 * `seedColumns` 0 = no seeding blocks (Lloyd only). Free with {@link release}.
 */
export function upload(centered: Matrix, blockRows: number, seedColumns: number): DeviceData {
  const { rows, cols, data } = centered;
  const all = tf.tensor2d(Float32Array.from(data), [rows, cols]);
  const blocks: DeviceData['blocks'] = [];
  for (let start = 0; start < rows; start += blockRows) {
    const size = Math.min(blockRows, rows - start);
    const xOne = hostBlock(size, cols + 1, (i, out, o) => {
      for (let f = 0; f < cols; f++) out[o + f] = data[(start + i) * cols + f];
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
        const v = data[(start + i) * cols + f];
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

/** Disposes the tensors of {@link upload}. */
export function release(data: DeviceData): void {
  tf.dispose([data.all, ...data.augmentedT]);
  for (const block of data.blocks) block.xOne.dispose();
}

/** Assignment weights [-2 c^T; |c|^2] for centres [active * k, cols], shape [cols + 1, active * k]. */
export function assignmentWeights(centers: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.concat([tf.mul(tf.transpose(centers), -2), tf.reshape(tf.sum(tf.square(centers), 1), [1, -1])], 0) as tf.Tensor2D);
}

/** Labels of one row block for `active` restarts: argmin over k of |c|^2 - 2 x.c, shape [blockRows, active]. */
export function assignBlock(block: DeviceData['blocks'][number], weights: tf.Tensor2D, active: number, k: number): tf.Tensor2D {
  return tf.tidy(() => tf.argMin(tf.reshape(tf.matMul(block.xOne, weights), [-1, active, k]), 2) as tf.Tensor2D);
}

/** Labels of every row for `active` restarts of `centers` [active * k, cols], shape [rows, active] as host Int32Array (row-major). */
export function assignAll(data: DeviceData, centers: tf.Tensor2D, active: number, k: number): Int32Array {
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
