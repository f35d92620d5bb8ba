/**
 * Batched k-means++ seeding (scikit-learn's greedy variant, 2 + ln k local trials per centre) for several restarts
 * at once on the backend. The draws (JS, float64 running sums of the distances read back) use one random stream per
 * restart, so they are those of kmeansReference up to float32 rounding. Assumes checked input and an initialised
 * backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '../util/random';
import type { DeviceData } from './kmeansDevice';
import { drawCandidates, localTrials } from './kmeansShared';

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
 * k-means++ for all restarts at once. Candidates are laid out trial-major (row t * restarts + r); distances live in
 * column blocks of the rows (data uploaded with seeding columns). min(a, b) = b - relu(b - a); replication of the
 * restarts' rows = matmul with a 0/1 selector. Returns initial centres, shape [restarts * k, cols] (restart-major).
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
    const pick: number[] = [];
    for (let r = 0; r < restarts; r++) {
      let best = 0;
      for (let t = 1; t < trials; t++) if (pots[t * restarts + r] < pots[best * restarts + r]) best = t;
      chosen[r * k + c] = candidateIds[best * restarts + r];
      pick.push(candidateIds[best * restarts + r]);
    }
    // The chosen candidates' distances are recomputed ([restarts] rows) rather than selected out of the [trials * restarts] ones.
    const bestPoints = tf.tidy(() => augmentPoints(tf.gather(data.all, tf.tensor1d(pick, 'int32'))));
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

/**
 * k-means++ centres for each restart number (own random stream each, createRng(seed, restart)), as host float64
 * arrays, shape [k, cols] each.
 */
export function seedRestarts(data: DeviceData, k: number, restarts: readonly number[], seed: number): Float64Array[] {
  const rngs = restarts.map((r) => createRng(seed, r));
  const seeded = seedAll(data, k, restarts.length, rngs);
  const values = seeded.dataSync();
  seeded.dispose();
  const width = k * data.cols;
  return restarts.map((_, r) => Float64Array.from(values.subarray(r * width, (r + 1) * width)));
}
