import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
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

/**
 * Agreement with scikit-learn on the same labels. Both sum float64 distances; scikit-learn forms them as
 * |x|^2 + |y|^2 - 2xy (rounding ~1e-16 relative of |x|^2, ~1e-13 seen on the 2,000-row table), this library from
 * the differences.
 */
const SKLEARN_TOLERANCE = 1e-12;

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
  it('Mall data, k=2..10 in one call: silhouette_score to rounding', async () => {
    const { labelings, expected } = sweepLabelings(mall);
    const scores = await silhouetteScores(mallX, labelings);
    expect(maxAbsDiff(scores, expected)).toBeLessThan(SKLEARN_TOLERANCE);
  });

  it('synthetic n=2000, k=2..10 in one call: silhouette_score to rounding, the same bits with 2 workers and odd chunks', async () => {
    const { labelings, expected } = sweepLabelings(synthetic);
    const inProcess = await silhouetteScores(syntheticX, labelings, { workers: 0 });
    expect(maxAbsDiff(inProcess, expected)).toBeLessThan(SKLEARN_TOLERANCE);
    const threaded = await silhouetteScores(syntheticX, labelings, { workers: 2, chunkSize: 37 });
    const rechunked = await silhouetteScores(syntheticX, labelings, { workers: 0, chunkSize: 37 });
    // each distance sum is formed in the same order whatever the chunk, thread or backend
    expect(threaded).toEqual(inProcess);
    expect(rechunked).toEqual(inProcess);
  });

  it('silhouetteSamples equals silhouette_samples on the Mall data (k=5)', async () => {
    const samples = mall.samples as { k: number; values: number[] };
    const values = await silhouetteSamples(mallX, { k: samples.k, labels: fixtureLabels(mall.sweep[String(samples.k)].labels) });
    expect(values).toHaveLength(200);
    expect(maxAbsDiff(values, samples.values)).toBeLessThan(SKLEARN_TOLERANCE);
  });

  it('silhouetteSamples scores only the rows asked for, in their order, and refuses ids that are not rows', async () => {
    const samples = mall.samples as { k: number; values: number[] };
    const labeling = { k: samples.k, labels: fixtureLabels(mall.sweep[String(samples.k)].labels) };
    const rows = [199, 0, 57, 58];
    const values = await silhouetteSamples(mallX, labeling, { rows });
    expect(maxAbsDiff(values, rows.map((r) => samples.values[r]))).toBeLessThan(SKLEARN_TOLERANCE);
    await expect(silhouetteSamples(mallX, labeling, { rows: [0, 200] })).rejects.toThrow('rows[1] = 200 is not a row id; give integers from 0 to 199');
    await expect(silhouetteSamples(mallX, labeling, { rows: [1.5] })).rejects.toThrow(OptionsError);
  });
});

describe('sampled silhouette', () => {
  it('is exact when the sample covers every row, and close on a 400-row sample', async () => {
    const { labelings, expected } = sweepLabelings(synthetic);
    const all = await silhouetteScores(syntheticX, labelings.slice(4, 5), { sampleSize: 2000 });
    expect(Math.abs(all[0] - expected[4])).toBeLessThan(SKLEARN_TOLERANCE);
    const sampled = await silhouetteScores(syntheticX, labelings.slice(4, 5), { sampleSize: 400, seed: 1 });
    expect(Math.abs(sampled[0] - expected[4])).toBeLessThan(0.03);
    expect(sampled[0]).not.toBe(all[0]);
    expect(await silhouetteScores(syntheticX, labelings.slice(4, 5), { sampleSize: 400, seed: 1 })).toEqual(sampled);
  });
});

describe('validation', () => {
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
});
