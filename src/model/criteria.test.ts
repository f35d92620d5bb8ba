import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, calinskiHarabasz, daviesBouldin, smallestShare, stability } from './criteria';
import { fixtureLabels, loadFixture, standardized } from './__fixtures__/load';
import { matrixFromRows } from '../util/matrix';

interface CriteriaFixture {
  tables: Record<string, Record<string, { calinskiHarabasz: number; daviesBouldin: number; adjustedRandNext?: number }>>;
  adjustedRand: { a: number[]; b: number[]; ari: number }[];
}
const reference = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'criteria.json'), 'utf8')) as CriteriaFixture;
const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe.each(['mall', 'synthetic2000'] as const)('criteria against scikit-learn 1.2 on the %s fixture (same labels)', (name) => {
  const fixture = loadFixture(name);
  const X = standardized(fixture.raw);
  const expected = reference.tables[name];

  it.each(Object.keys(fixture.sweep))('k=%s: Calinski-Harabasz and Davies-Bouldin to 1e-9 relative, ARI of k vs k+1 to 1e-9', (k) => {
    const labels = fixtureLabels(fixture.sweep[k].labels);
    expect(relative(calinskiHarabasz(X, labels, Number(k)), expected[k].calinskiHarabasz)).toBeLessThan(1e-9);
    expect(relative(daviesBouldin(X, labels, Number(k)), expected[k].daviesBouldin)).toBeLessThan(1e-9);
    const next = fixture.sweep[String(Number(k) + 1)];
    if (next) expect(adjustedRandIndex(labels, fixtureLabels(next.labels))).toBeCloseTo(expected[k].adjustedRandNext!, 9);
  });
});

describe('adjustedRandIndex', () => {
  it.each(reference.adjustedRand.map((r) => [r.a.join(''), r.b.join(''), r]))('%s vs %s equals scikit-learn', (_a, _b, r) => {
    expect(adjustedRandIndex(r.a, r.b)).toBeCloseTo(r.ari, 12);
  });
  it('is 1 for a renamed partition and symmetric', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], [2, 2, 0, 0, 1])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 2, 2], [0, 1, 1, 2, 2])).toBeCloseTo(adjustedRandIndex([0, 1, 1, 2, 2], [0, 0, 1, 2, 2]), 15);
  });
});

describe('calinskiHarabasz and daviesBouldin by hand', () => {
  // two clusters on a line: {0, 2} and {10, 12}; means 1 and 11, overall 6
  const X = matrixFromRows([[0], [2], [10], [12]]);
  const labels = [0, 0, 1, 1];
  it('Calinski-Harabasz: B = 2*25 + 2*25 = 100, W = 4, (100 / 1) / (4 / 2) = 50', () => {
    expect(calinskiHarabasz(X, labels, 2)).toBeCloseTo(50, 12);
  });
  it('Davies-Bouldin: spreads 1 and 1, centre distance 10: (1 + 1) / 10 = 0.2', () => {
    expect(daviesBouldin(X, labels, 2)).toBeCloseTo(0.2, 12);
  });
  it('ignores an empty cluster', () => {
    expect(calinskiHarabasz(X, labels, 3)).toBeCloseTo(50, 12);
    expect(daviesBouldin(X, labels, 3)).toBeCloseTo(0.2, 12);
  });
});

describe('smallestShare', () => {
  it('is the smallest segment over all rows, 0 with an empty one', () => {
    expect(smallestShare([0, 0, 0, 1], 2)).toBe(0.25);
    expect(smallestShare([0, 0, 0, 1], 3)).toBe(0);
  });
});

describe('stability', () => {
  const fixture = loadFixture('mall');
  const X = standardized(fixture.raw);
  it('lies in [0, 1], is the same for a seed and changes with it', () => {
    const labels = fixtureLabels(fixture.sweep['6'].labels);
    const a = stability(X, labels, 6, { seed: 1 });
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThanOrEqual(1);
    expect(stability(X, labels, 6, { seed: 1 })).toBe(a);
    expect(stability(X, labels, 6, { seed: 2 })).not.toBe(a);
  });
  it('is 1 for well separated groups and low for a random labeling', () => {
    const rows: number[][] = [];
    for (let i = 0; i < 60; i++) rows.push([(i % 3) * 100 + (i % 7) * 0.1, (i % 5) * 0.1]);
    const groups = matrixFromRows(rows);
    expect(stability(groups, rows.map((_, i) => i % 3), 3)).toBe(1);
    const shuffled = fixtureLabels(fixture.sweep['6'].labels).map((_, i) => (i * 7919) % 6);
    expect(stability(X, shuffled, 6)).toBeLessThan(0.1);
  });
  it('scores a large table on a fixed-size sample (maxRows)', () => {
    const big = loadFixture('synthetic2000');
    const Xb = standardized(big.raw);
    const labels = fixtureLabels(big.sweep['4'].labels);
    const s = stability(Xb, labels, 4, { maxRows: 500, subsamples: 4 });
    expect(s).toBeGreaterThan(0.5);
    expect(s).toBeLessThanOrEqual(1);
  });
});
