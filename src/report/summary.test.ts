import { describe, expect, it } from 'vitest';
import { parseCustomersCsv } from '../data/parse';
import { syntheticCustomersCsv } from '../data/synthetic';
import { fitSegments, preprocess } from '../pipeline';
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
