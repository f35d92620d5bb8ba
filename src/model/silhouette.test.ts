import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import { ensureBackend } from './backend';
import { matrixFromRows } from '../util/matrix';
import { silhouetteSamples, silhouetteScores, type Labeling } from './silhouette';
import { fixtureLabels, loadFixture, standardized } from './__fixtures__/load';

const mall = loadFixture('mall');
const synthetic = loadFixture('synthetic2000');
const mallX = standardized(mall.raw);
const syntheticX = standardized(synthetic.raw);

function sweepLabelings(fixture: typeof mall): { labelings: Labeling[]; expected: number[] } {
  const entries = Object.entries(fixture.sweep);
  return {
    labelings: entries.map(([k, v]) => ({ k: Number(k), labels: fixtureLabels(v.labels) })),
    expected: entries.map(([, v]) => v.silhouette),
  };
}

/** Agreement of mean silhouettes across chunk sizes on the native backend (float32 sums in a shape-dependent order). */
const NATIVE_CHUNKING_TOLERANCE = 1e-6;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('silhouette by hand', () => {
  // 1-D points 0, 1, 5, 6 in clusters {0, 1} and {5, 6}:
  // s(0) = (5.5 - 1) / 5.5, s(1) = (4.5 - 1) / 4.5, s(5) = (4.5 - 1) / 4.5, s(6) = (5.5 - 1) / 5.5
  const X = matrixFromRows([[0], [1], [5], [6]]);
  const labeling = { labels: Int32Array.from([0, 0, 1, 1]), k: 2 };

  it('per-sample values', async () => {
    const values = await silhouetteSamples(X, labeling);
    const expected = [4.5 / 5.5, 3.5 / 4.5, 3.5 / 4.5, 4.5 / 5.5];
    expect(maxAbsDiff(values, expected)).toBeLessThan(1e-6);
  });

  it('mean, and a singleton cluster gets s = 0 (scikit-learn)', async () => {
    // 0, 1, 10 with {0, 1} and {10}: s(0) = (10 - 1) / 10, s(1) = (9 - 1) / 9, s(10) = 0
    const [pairs, singleton] = await Promise.all([
      silhouetteScores(X, [labeling]),
      silhouetteScores(matrixFromRows([[0], [1], [10]]), [{ labels: Int32Array.from([0, 0, 1]), k: 2 }]),
    ]);
    expect(pairs[0]).toBeCloseTo((4.5 / 5.5 + 3.5 / 4.5) / 2, 6);
    expect(singleton[0]).toBeCloseTo((0.9 + 8 / 9 + 0) / 3, 6);
  });

  it('ignores empty clusters of a labeling (k larger than the labels used)', async () => {
    const [withEmpty] = await silhouetteScores(X, [{ labels: Int32Array.from([0, 0, 3, 3]), k: 5 }]);
    expect(withEmpty).toBeCloseTo((4.5 / 5.5 + 3.5 / 4.5) / 2, 6);
  });
});

describe('silhouette against scikit-learn (stored fixtures, identical labels)', () => {
  it('Mall data, k=2..10 in one call: within 1e-5 of silhouette_score', async () => {
    const { labelings, expected } = sweepLabelings(mall);
    const scores = await silhouetteScores(mallX, labelings);
    expect(maxAbsDiff(scores, expected)).toBeLessThan(1e-5);
  });

  it('synthetic n=2000, k=2..10 in one call: within 1e-4, in-process and with 2 workers and odd chunks', async () => {
    const { labelings, expected } = sweepLabelings(synthetic);
    const inProcess = await silhouetteScores(syntheticX, labelings, { workers: 0 });
    expect(maxAbsDiff(inProcess, expected)).toBeLessThan(1e-4);
    const threaded = await silhouetteScores(syntheticX, labelings, { workers: 2, chunkSize: 37 });
    const rechunked = await silhouetteScores(syntheticX, labelings, { workers: 0, chunkSize: 37 });
    if ((await ensureBackend()).name === 'native') {
      // Native TensorFlow sums each row's float32 distances to a cluster (a matMul over up to n = 2000 terms) in an
      // order that depends on the block shape and the CPU's vector unit, so another chunk size moves each sum by
      // about sqrt(n) * 2^-24 ~ 3e-6 relative, s by at most twice that, and a mean over 2000 rows far less
      // (3e-9 seen). NATIVE_CHUNKING_TOLERANCE bounds the mean; docs/backends.md states the promise.
      expect(maxAbsDiff(threaded, inProcess)).toBeLessThan(NATIVE_CHUNKING_TOLERANCE);
      expect(maxAbsDiff(rechunked, inProcess)).toBeLessThan(NATIVE_CHUNKING_TOLERANCE);
    } else {
      // wasm and cpu: each distance sum is formed in the same order whatever the chunk or thread: equal bits.
      expect(threaded).toEqual(inProcess);
      expect(rechunked).toEqual(inProcess);
    }
  });

  it('silhouetteSamples equals silhouette_samples on the Mall data (k=5)', async () => {
    const samples = mall.samples as { k: number; values: number[] };
    const values = await silhouetteSamples(mallX, { k: samples.k, labels: fixtureLabels(mall.sweep[String(samples.k)].labels) });
    expect(values).toHaveLength(200);
    expect(maxAbsDiff(values, samples.values)).toBeLessThan(1e-5);
  });

  it('silhouetteSamples scores only the rows asked for, in their order, and refuses ids that are not rows', async () => {
    const samples = mall.samples as { k: number; values: number[] };
    const labeling = { k: samples.k, labels: fixtureLabels(mall.sweep[String(samples.k)].labels) };
    const rows = [199, 0, 57, 58];
    const values = await silhouetteSamples(mallX, labeling, { rows });
    expect(maxAbsDiff(values, rows.map((r) => samples.values[r]))).toBeLessThan(1e-5);
    await expect(silhouetteSamples(mallX, labeling, { rows: [0, 200] })).rejects.toThrow('rows[1] = 200 is not a row id; give integers from 0 to 199');
    await expect(silhouetteSamples(mallX, labeling, { rows: [1.5] })).rejects.toThrow(OptionsError);
  });
});

describe('sampled silhouette', () => {
  it('is exact when the sample covers every row, and close on a 400-row sample', async () => {
    const { labelings, expected } = sweepLabelings(synthetic);
    const all = await silhouetteScores(syntheticX, labelings.slice(4, 5), { sampleSize: 2000 });
    expect(Math.abs(all[0] - expected[4])).toBeLessThan(1e-4);
    const sampled = await silhouetteScores(syntheticX, labelings.slice(4, 5), { sampleSize: 400, seed: 1 });
    expect(Math.abs(sampled[0] - expected[4])).toBeLessThan(0.03);
    expect(sampled[0]).not.toBe(all[0]);
    expect(await silhouetteScores(syntheticX, labelings.slice(4, 5), { sampleSize: 400, seed: 1 })).toEqual(sampled);
  });
});

describe('validation and memory', () => {
  const X = matrixFromRows([[0], [1], [5], [6]]);

  it('rejects bad labelings and options with messages that show the values', async () => {
    await expect(silhouetteScores(X, [{ labels: Int32Array.from([0, 1]), k: 2 }])).rejects.toThrow(
      'labelings[0] has 2 labels for 4 rows; give one label per row',
    );
    await expect(silhouetteScores(X, [{ labels: Int32Array.from([0, 0, 1, 2]), k: 2 }])).rejects.toThrow(
      'labelings[0].labels[3]=2 is outside 0..1 (k=2)',
    );
    await expect(silhouetteScores(X, [{ labels: Int32Array.from([0, 0, 0, 0]), k: 2 }])).rejects.toThrow(OptionsError);
    await expect(silhouetteScores(X, [{ labels: Int32Array.from([0, 1, 2, 3]), k: 4 }])).rejects.toThrow(/found 4/);
    await expect(silhouetteScores(X, [])).rejects.toThrow(OptionsError);
    await expect(silhouetteScores(X, [{ labels: Int32Array.from([0, 0, 1, 1]), k: 2 }], { chunkSize: 0 })).rejects.toThrow(
      'chunkSize=0 should be an integer >= 1',
    );
    await expect(silhouetteSamples(X, { labels: Int32Array.from([0, 0, 1, 1]), k: 2 }, { sampleSize: 2 })).rejects.toThrow(/sampleSize=2 is not supported/);
  });

  it('does not grow tf.memory().numTensors across calls', async () => {
    const { labelings } = sweepLabelings(mall);
    await silhouetteScores(mallX, labelings);
    const before = tf.memory().numTensors;
    await silhouetteScores(mallX, labelings, { chunkSize: 7 });
    await silhouetteSamples(mallX, labelings[3]);
    await expect(silhouetteScores(mallX, [{ labels: new Int32Array(3), k: 2 }])).rejects.toThrow(OptionsError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
