import { describe, expect, it } from 'vitest';
import { parseCustomersCsv } from '../data/parse';
import { syntheticCustomersCsv } from '../data/synthetic';
import { applyTransforms, skewness } from '../features/transform';
import { fitSegments, prepareFeatures, preprocess } from '../segmentation/pipeline';
import { buildSummary, SUMMARY_MAX_OUTLIER_IDS, summaryText } from './summary';

const prep = preprocess(parseCustomersCsv(syntheticCustomersCsv({ n: 300, seed: 5 })));
const summaryOf = async (silhouette: 'exact' | { sample: number }) =>
  buildSummary({
    prep,
    seg: await fitSegments(prep, 'hash', { kMin: 3, kMax: 4, nInit: 2, silhouette }),
    data: { path: 'x.csv', synthetic: false, hash: 'hash' },
    backend: { name: 'wasm', reason: 'test' },
    seed: 42,
    fixedK: null,
    timings: {},
    outputs: [],
  });

describe('summary: how the silhouettes were computed', () => {
  it('exact: sampled null, and no sampling sentence', async () => {
    const summary = await summaryOf('exact');
    expect(summary.silhouetteMethod).toEqual({ sampled: null });
    expect(summaryText(summary)).not.toMatch(/Silhouettes:/);
  });

  it('sampled: rows, of, the standard error per k, and one sentence for people', async () => {
    const summary = await summaryOf({ sample: 60 });
    const sampled = summary.silhouetteMethod.sampled!;
    expect(sampled.rows).toBe(60);
    expect(sampled.of).toBe(300);
    expect(Object.keys(sampled.stdError)).toEqual(['3', '4']);
    for (const e of Object.values(sampled.stdError)) expect(e).toBeGreaterThan(0);
    const largest = Math.max(...Object.values(sampled.stdError).map(Number));
    expect(summaryText(summary)).toContain(
      `Silhouettes: each k's mean is over a seeded sample of 60 of 300 customers (exact ones need n^2 distances), scored against each other as scikit-learn's silhouette_score(sample_size=...); standard error of each mean <= ${largest.toFixed(4)}.`,
    );
  });
});

describe('summary: outliers of a large table', () => {
  it('lists the first SUMMARY_MAX_OUTLIER_IDS ids per column and counts them all', async () => {
    const seg = await fitSegments(prep, 'hash', { kMin: 3, kMax: 3, nInit: 2, silhouette: 'exact' });
    const many = { feature: 'Age', lower: 0, upper: 1, count: 2500, ids: Array.from({ length: 2500 }, (_, i) => i + 1) };
    const big = { ...prep, cleaning: { ...prep.cleaning, outliers: [many] } };
    const summary = buildSummary({ prep: big, seg, data: { path: 'x.csv', synthetic: false, hash: 'hash' }, backend: { name: 'wasm', reason: 'test' }, seed: 42, fixedK: null, timings: {}, outputs: [] });
    expect(summary.outliers[0].count).toBe(2500);
    expect(summary.outliers[0].ids).toEqual(many.ids.slice(0, SUMMARY_MAX_OUTLIER_IDS));
    expect(SUMMARY_MAX_OUTLIER_IDS).toBe(1000);
    expect(summaryText(summary)).toContain('Age: 2500 outside [0.0, 1.0] (CustomerID 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, ... 2480 more)');
  });
});

describe('summary: why this k, every criterion per k, transformed features', () => {
  it('k.reason and k.criteria in the JSON; the sentence and a row per k in the text', async () => {
    const summary = await summaryOf('exact');
    expect(Object.keys(summary.k.criteria)).toEqual(['3', '4']);
    for (const c of Object.values(summary.k.criteria)) expect(Object.keys(c).sort()).toEqual(['calinskiHarabasz', 'daviesBouldin', 'minShare', 'silhouette', 'stability']);
    expect(summary.k.reason).toMatch(new RegExp(`^k=${summary.k.selected}: `));
    const text = summaryText(summary);
    expect(text).toContain(`Why: ${summary.k.reason}.`);
    const c3 = summary.k.criteria['3'];
    expect(text).toContain(`   3  ${c3.silhouette!.toFixed(4).padStart(10)}`);
    expect(text).toContain(`${c3.calinskiHarabasz.toFixed(1).padStart(17)}  ${c3.daviesBouldin.toFixed(4).padStart(14)}  ${`${(100 * c3.minShare).toFixed(1)}%`.padStart(8)}  ${c3.stability.toFixed(3).padStart(9)}`);
  });

  it('skewness per numeric feature; a feature clustered as log1p is named log1p(...) in the text', async () => {
    const logged = prepareFeatures(applyTransforms(prep.cleaning, { 'Annual Income (k$)': 'log1p' }).cleaning);
    const summary = buildSummary({
      prep: logged,
      seg: await fitSegments(logged, 'hash', { kMin: 3, kMax: 3, nInit: 2 }),
      data: { path: 'x.csv', synthetic: false, hash: 'hash' },
      backend: { name: 'wasm', reason: 'test' },
      seed: 42,
      fixedK: null,
      timings: {},
      outputs: [],
    });
    expect(Object.keys(summary.skew)).toEqual(['Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
    expect(summary.skew['Annual Income (k$)']).toEqual({ skewness: skewness(prep.data.numeric['Annual Income (k$)']), transform: 'log1p' });
    expect(summary.skew.Age.transform).toBe('none');
    expect(summaryText(summary)).toContain('Features: Age, log1p(Annual Income (k$)), Spending Score (1-100) (standardized)');
  });
});
