import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import { matrixFromRows } from '../util/matrix';
import { silhouetteSamples } from './silhouette';
import { kmeansEach } from './kmeans';
import { AUTO_EXACT_MAX_ROWS, AUTO_SAMPLE_SIZE, compactLabels, describeKMeansMethod, selectBySilhouette, silhouetteSampleSize, sweepK, type SweepProgress } from './sweep';
import { loadFixture, standardized } from './__fixtures__/load';

const mall = loadFixture('mall');
const mallX = standardized(mall.raw);

describe('sweepK on the Mall data', () => {
  it('sweeps k=2..10, records per k, selects the highest silhouette like scikit-learn does', async () => {
    const events: SweepProgress[] = [];
    const sweep = await sweepK(mallX, { onProgress: (e) => events.push(e) });
    expect(sweep.ks).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Object.keys(sweep.silhouette)).toEqual(['2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(Object.keys(sweep.fits)).toEqual(Object.keys(sweep.inertia));
    for (const k of sweep.ks) {
      const reference = mall.sweep[String(k)];
      expect(sweep.inertia[String(k)], `k=${k}`).toBeLessThanOrEqual(reference.inertia * (k <= 6 ? 1.005 : 1.02));
      expect(sweep.fits[String(k)].k).toBe(k);
      expect(sweep.silhouette[String(k)]).toBeGreaterThan(0.3);
    }
    // scikit-learn's sweep (fixture) peaks at k=6 (0.4269, next best 0.4224 at k=7)
    expect(sweep.selected).toBe(6);
    expect(Math.abs((sweep.silhouette['6'] as number) - mall.sweep['6'].silhouette)).toBeLessThan(1e-3);
    expect(sweep.rule).toBe('highest mean silhouette among stable ks with every segment >= 2% over k=2..10');
    // every k scored by every criterion; the Mall k=6 is also the best silhouette overall, so the reason says so
    for (const k of sweep.ks) {
      const c = sweep.criteria[String(k)];
      expect(c.silhouette).toBe(sweep.silhouette[String(k)]);
      expect(c.stability).toBeGreaterThanOrEqual(0);
      expect(c.stability).toBeLessThanOrEqual(1);
      expect(c.minShare).toBeGreaterThan(0.02);
    }
    expect(sweep.reason).toMatch(/^k=6: highest silhouette \(0\.42\d\d\) over k=2\.\.10; its smallest segment holds 10\.5% of customers \(>= 2%\) and its stability is 0\.\d\d \(>= 0\.8\)$/);
    expect(sweep.selectionWarnings).toEqual([]);
    expect(sweep.kmeansMethod).toBe('k-means++, 10 restarts per k on all 200 rows, the best improved by split-merge moves');
    expect(sweep.timings.kmeans_s).toBeGreaterThan(0);
    expect(sweep.timings.silhouette_s).toBeGreaterThan(0);
    expect(events.filter((e) => e.phase === 'kmeans').map((e) => e.k)).toEqual(sweep.ks);
    // k-means work: k per restart (10 restarts per k), counted as batches end, up to the total of k = 2..10
    const work = events.filter((e) => e.phase === 'kmeans-work');
    expect(work.length).toBeGreaterThanOrEqual(sweep.ks.length);
    for (let i = 1; i < work.length; i++) expect(work[i].done).toBeGreaterThanOrEqual(work[i - 1].done);
    expect(work[work.length - 1]).toEqual({ phase: 'kmeans-work', done: 540, total: 540 });
    const silhouetteEvents = events.filter((e) => e.phase === 'silhouette');
    expect(silhouetteEvents.at(-1)).toEqual({ phase: 'silhouette', done: 200, total: 200 });
  });

  it('a fixed k overrides the sweep and still gets its silhouette', async () => {
    const sweep = await sweepK(mallX, { k: 5, nInit: 3 });
    expect(sweep.ks).toEqual([5]);
    expect(sweep.selected).toBe(5);
    expect(sweep.rule).toBe('fixed k=5 (--k)');
    expect(sweep.kmeansMethod).toBe('k-means++, 3 restarts per k on all 200 rows, the best improved by split-merge moves');
    const plain = await sweepK(mallX, { k: 5, nInit: 3, splitMerge: false, silhouette: 'none' });
    expect(plain.kmeansMethod).toBe('k-means++, 3 restarts per k on all 200 rows');
    expect(sweep.silhouette['5']).toBeGreaterThan(0.35);
  });

  it('states a restart sample in kmeansMethod, and passes restartSample and refineBest to k-means', async () => {
    const sweep = await sweepK(mallX, { k: 4, silhouette: 'none', restartSample: 100, refineBest: 2 });
    expect(sweep.kmeansMethod).toBe('k-means++, 10 restarts per k on a seeded sample of 100 of 200 rows, the best improved by split-merge moves, the best 2 refined with Lloyd on all rows');
    expect(describeKMeansMethod({ nInit: 10, restartSample: 15_000, refineBest: 3, splitMerge: false }, 200_000)).toBe(
      'k-means++, 10 restarts per k on a seeded sample of 15000 of 200000 rows, the best 3 refined with Lloyd on all rows',
    );
    // From 20,000 restart rows each restart is seeded and first run on a quarter of them (the default: the best refined).
    expect(describeKMeansMethod({ nInit: 10, restartSample: 40_000, refineBest: 1, splitMerge: true }, 200_000)).toBe(
      'k-means++, 10 restarts per k on a seeded sample of 40000 of 200000 rows (each seeded and first run to convergence on a seeded sub-sample of 10000 of them), the best improved by split-merge moves, the best refined with Lloyd on all rows',
    );
    expect(describeKMeansMethod({ nInit: 4, restartSample: 0, refineBest: 1, splitMerge: false }, 48_000)).toBe(
      'k-means++, 4 restarts per k on all 48000 rows (each seeded and first run to convergence on a seeded sub-sample of 12000 of them)',
    );
    await expect(sweepK(mallX, { k: 4, silhouette: 'none', restartSample: 3 })).rejects.toThrow("restartSample=3 should be 'auto', 'all' or an integer >= k (4)");
  });

  it("silhouette 'none' needs a fixed k; with one, the score is null", async () => {
    await expect(sweepK(mallX, { silhouette: 'none' })).rejects.toThrow(OptionsError);
    const sweep = await sweepK(mallX, { k: 4, silhouette: 'none', nInit: 2 });
    expect(sweep.silhouette).toEqual({ '4': null });
    expect(sweep.selected).toBe(4);
  });

  it('a sampled silhouette says so in the rule, keeps the rows it scored and states its standard error', async () => {
    const sweep = await sweepK(mallX, { kMin: 3, kMax: 4, nInit: 2, silhouette: { sample: 50 } });
    expect(sweep.rule).toBe('highest mean silhouette among stable ks with every segment >= 2% over k=3..4 (sampled, 50 of 200 rows)');
    expect(sweep.silhouetteRows).toHaveLength(50);
    expect(Array.from(sweep.silhouetteRows)).toEqual([...sweep.silhouetteRows].sort((a, b) => a - b));
    for (const k of ['3', '4']) {
      const values = Array.from(sweep.rowSilhouettes[k]);
      expect(values).toHaveLength(50);
      const mean = values.reduce((a, b) => a + b, 0) / 50;
      expect(sweep.silhouette[k]).toBeCloseTo(mean, 12);
      const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 49);
      expect(sweep.silhouetteStdError[k]).toBeCloseTo(sd / Math.sqrt(50), 12);
      expect(sweep.silhouetteStdError[k]).toBeGreaterThan(0);
      // the sample scored against itself (scikit-learn's sample_size): the exact silhouette of the 50-row matrix
      const rows = Array.from(sweep.silhouetteRows);
      const sub = matrixFromRows(rows.map((r) => Array.from(mallX.data.subarray(r * mallX.cols, (r + 1) * mallX.cols))));
      const exact = await silhouetteSamples(sub, { labels: Int32Array.from(rows, (r) => sweep.fits[k].labels[r]), k: Number(k) });
      for (let i = 0; i < 50; i++) expect(values[i]).toBeCloseTo(exact[i], 9);
    }
  });

  it("'auto' (the default) is exact up to AUTO_EXACT_MAX_ROWS rows and samples AUTO_SAMPLE_SIZE above", async () => {
    expect(silhouetteSampleSize('auto', AUTO_EXACT_MAX_ROWS)).toBeNull();
    expect(silhouetteSampleSize('auto', AUTO_EXACT_MAX_ROWS + 1)).toBe(AUTO_SAMPLE_SIZE);
    expect(silhouetteSampleSize({ sample: 500 }, 200)).toBeNull(); // a sample as large as the data is the exact score
    const sweep = await sweepK(mallX, { kMin: 2, kMax: 3, nInit: 2 });
    expect(sweep.rule).toBe('highest mean silhouette among stable ks with every segment >= 2% over k=2..3');
    expect(sweep.silhouetteRows).toEqual(Int32Array.from({ length: 200 }, (_, i) => i));
    expect(sweep.silhouetteStdError).toEqual({ '2': 0, '3': 0 });
  });

});

describe('sweepK validation (at the edge, messages show the values)', () => {
  const ten = matrixFromRows(Array.from({ length: 10 }, (_, i) => [i, i % 3]));
  it.each([
    [{ k: 12 }, 'k=12 should be <= number of customers (10); lower --k or --k-max'],
    [{ kMax: 12 }, 'kMax=12 should be <= number of customers (10); lower --k or --k-max'],
    [{ kMin: 1 }, 'kMin=1 should be an integer >= 2'],
    [{ kMin: 5, kMax: 4 }, 'kMin=5 should be <= kMax=4; lower --k-min or raise --k-max'],
    [{ kMin: 2.5 }, 'kMin=2.5 should be an integer >= 2'],
    [{ k: 3, nInit: 0 }, 'nInit=0 should be an integer >= 1'],
    [{ silhouette: 'fast' as never }, `silhouette="fast" should be 'auto', 'exact', 'none' or { sample: N }`],
  ])('%o -> OptionsError', async (options, message) => {
    await expect(sweepK(ten, options)).rejects.toThrow(OptionsError);
    await expect(sweepK(ten, options)).rejects.toThrow(message);
  });

  it('k up to the number of rows works; an undefined silhouette becomes null with a warning', async () => {
    const five = matrixFromRows([[0], [1], [5], [6], [20]]);
    const sweep = await sweepK(five, { kMin: 2, kMax: 5, nInit: 2 });
    expect(sweep.silhouette['5']).toBeNull();
    expect(sweep.fits['5'].warnings.at(-1)).toMatch(/^k=5: silhouette not computed: .*found 5$/);
    // worked out by hand: k=2 {0,1,5,6}{20} mean 0.623, k=3 {0,1}{5,6}{20} mean 0.638, k=4 {0,1}{5}{6}{20} mean 0.31
    expect(sweep.silhouette['3']).toBeCloseTo((2 * (1 - 1 / 5.5) + 2 * (1 - 1 / 4.5)) / 5, 6);
    expect(sweep.silhouette['2']).toBeCloseTo((0.8 + (1 - (10 / 3) / 19) + (1 - (10 / 3) / 15) + (1 - 4 / 14)) / 5, 6);
    expect(sweep.selected).toBe(3);
  });
});

describe('selectBySilhouette', () => {
  it('takes the highest score, ties go to the smaller k, nulls are skipped', () => {
    expect(selectBySilhouette([2, 3, 4], { '2': 0.4, '3': 0.5, '4': 0.45 })).toBe(3);
    expect(selectBySilhouette([2, 3, 4], { '2': 0.5, '3': 0.5, '4': 0.5 })).toBe(2);
    expect(selectBySilhouette([4, 3, 2], { '2': 0.5, '3': 0.6, '4': 0.6 })).toBe(3);
    expect(selectBySilhouette([2, 3], { '2': null, '3': 0.1 })).toBe(3);
    expect(selectBySilhouette([2], { '2': null })).toBeNull();
  });
});

describe('compact labels', () => {
  it('holds labels in the smallest unsigned array for k, with the same values', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => (i * 7919) % 70_000);
    const small = compactLabels(labels.map((v) => v % 256), 256);
    expect(small).toBeInstanceOf(Uint8Array);
    expect(Array.from(small)).toEqual(Array.from(labels, (v) => v % 256));
    const middle = compactLabels(labels.map((v) => v % 257), 257);
    expect(middle).toBeInstanceOf(Uint16Array);
    expect(Array.from(middle)).toEqual(Array.from(labels, (v) => v % 257));
    const large = compactLabels(labels, 70_000);
    expect(large).toBeInstanceOf(Int32Array);
    expect(Array.from(large)).toEqual(Array.from(labels));
  });

  it("keeps each k's fit with one byte a label, the values k-means gave", async () => {
    const sweep = await sweepK(mallX, { kMin: 2, kMax: 4 });
    const fits = await kmeansEach(mallX, [2, 3, 4], { seed: 42 });
    fits.forEach((fit, i) => {
      const kept = sweep.fits[String(fit.k)];
      expect(kept.labels).toBeInstanceOf(Uint8Array);
      expect(Array.from(kept.labels), `k=${fit.k}`).toEqual(Array.from(fit.labels));
      expect(kept.inertia).toBe(fits[i].inertia);
    });
  });
});
