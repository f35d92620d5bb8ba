import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import type { KCriteria } from './criteria';
import { matrixFromRows } from '../util/matrix';
import { createRng } from '../util/random';
import { chooseK } from './selectK';
import { sweepK } from './sweep';

const c = (silhouette: number | null, minShare: number, stability: number): KCriteria => ({ silhouette, calinskiHarabasz: 1, daviesBouldin: 1, minShare, stability });

describe('chooseK', () => {
  const ks = [2, 3, 4, 5];
  it('takes the best silhouette when it passes both tests, and says so', () => {
    const choice = chooseK(ks, { '2': c(0.3, 0.4, 0.99), '3': c(0.5, 0.2, 0.95), '4': c(0.45, 0.1, 0.9), '5': c(0.4, 0.05, 0.85) });
    expect(choice).toEqual({
      selected: 3,
      reason: 'k=3: highest silhouette (0.5000) over k=2..5; its smallest segment holds 20% of customers (>= 2%) and its stability is 0.95 (>= 0.8)',
      warnings: [],
    });
  });

  it('skips a k with a tiny segment or an unstable one and names why', () => {
    const choice = chooseK(ks, { '2': c(0.3, 0.4, 0.99), '3': c(0.6, 0.001, 0.95), '4': c(0.55, 0.1, 0.6), '5': c(0.4, 0.05, 0.85) });
    expect(choice!.selected).toBe(5);
    expect(choice!.reason).toBe(
      'k=5: highest silhouette (0.4000) among ks whose segments all hold >= 2% of customers and whose stability is >= 0.8; k=3 scores higher (0.6000) but its smallest segment holds 0.1%',
    );
    // k=5 is the last k of the range
    expect(choice!.warnings).toEqual(['k=5 is at the upper edge of the range k=2..5: a larger k may score higher; raise --k-max to check']);
  });

  it('breaks near-ties (within 0.001) towards the smaller k', () => {
    expect(chooseK(ks, { '2': c(0.3, 0.4, 0.99), '3': c(0.5, 0.2, 0.95), '4': c(0.5005, 0.2, 0.95), '5': c(0.4, 0.2, 0.9) })!.selected).toBe(3);
  });

  it('warns at the lower edge, and when no k is stable or no k gives every segment the minimum share', () => {
    const low = chooseK(ks, { '2': c(0.6, 0.4, 0.99), '3': c(0.5, 0.2, 0.95), '4': c(0.4, 0.1, 0.9), '5': c(0.3, 0.05, 0.85) })!;
    expect(low.selected).toBe(2);
    expect(low.warnings[0]).toMatch(/^k=2 is at the lower edge of the range k=2..5: the data split best in two/);
    const unstable = chooseK(ks, { '2': c(0.3, 0.4, 0.5), '3': c(0.5, 0.2, 0.6), '4': c(0.4, 0.1, 0.7), '5': c(0.3, 0.05, 0.7) })!;
    expect(unstable.selected).toBe(3);
    expect(unstable.reason).toContain('no k over k=2..5 reaches stability 0.8 (k=3: 0.60)');
    expect(unstable.warnings).toEqual([expect.stringMatching(/^No k over k=2..5 is stable/)]);
    const tiny = chooseK(ks, { '2': c(0.3, 0.01, 0.9), '3': c(0.5, 0.01, 0.9), '4': c(0.4, 0.001, 0.9), '5': c(0.3, 0.001, 0.9) })!;
    expect(tiny.selected).toBe(3);
    expect(tiny.warnings).toEqual([expect.stringMatching(/^Every k over k=2..5 has a segment under 2% of customers \(k=3: 1%\)/)]);
  });

  it("'silhouette' is the highest silhouette alone; bad options are refused with the flag to fix", () => {
    const criteria = { '2': c(0.3, 0.4, 0.99), '3': c(0.6, 0.001, 0.95), '4': c(0.55, 0.1, 0.6), '5': c(0.4, 0.05, 0.85) };
    expect(chooseK(ks, criteria, { rule: 'silhouette' })!.selected).toBe(3);
    expect(chooseK(ks, criteria, { minSegmentShare: 0 })!.selected).toBe(3);
    expect(() => chooseK(ks, criteria, { rule: 'elbow' as never })).toThrow(/k rule "elbow" is not known; use one of stable-silhouette, silhouette \(--k-rule\)/);
    expect(() => chooseK(ks, criteria, { minSegmentShare: 2 })).toThrow(OptionsError);
    expect(chooseK(ks, { '2': c(null, 0.4, 1), '3': c(null, 0.4, 1), '4': c(null, 1, 1), '5': c(null, 1, 1) })).toBeNull();
  });
});

describe('sweepK with the k rule on a table where silhouette alone picks a degenerate k', () => {
  // three round groups of 100 and 4 customers apart (1.3% of 304): the silhouette peaks at k=4, which gives the 4
  // their own segment; every segment >= 2% leaves k=3
  const rng = createRng(5);
  const rows: number[][] = [];
  for (const [cx, cy] of [[0, 0], [10, 0], [5, 9]]) for (let i = 0; i < 100; i++) rows.push([cx + rng.next() * 3, cy + rng.next() * 3]);
  for (let i = 0; i < 4; i++) rows.push([6 + i * 0.1, -8]);
  const X = matrixFromRows(rows);

  it('the silhouette rule takes k=4 with a 1.3% segment; the default rule takes k=3 and says why', async () => {
    const bySilhouette = await sweepK(X, { kMin: 2, kMax: 6, nInit: 3, kRule: 'silhouette' });
    expect(bySilhouette.selected).toBe(4);
    expect(bySilhouette.criteria['4'].minShare).toBeCloseTo(4 / 304, 12);
    const sweep = await sweepK(X, { kMin: 2, kMax: 6, nInit: 3 });
    expect(sweep.selected).toBe(3);
    expect(sweep.criteria).toEqual(bySilhouette.criteria);
    expect(sweep.reason).toMatch(
      /^k=3: highest silhouette \(0\.\d{4}\) among ks whose segments all hold >= 2% of customers and whose stability is >= 0\.8; k=4 scores higher \(0\.\d{4}\) but its smallest segment holds 1\.3%$/,
    );
    expect(sweep.selectionWarnings).toEqual([]);
  });

  it('warns when every k keeps a tiny far-out group apart', async () => {
    // two groups of 150 and 3 customers far out (1% of 303), in their own segment at every k
    const two = createRng(5);
    const far: number[][] = [];
    for (let i = 0; i < 150; i++) far.push([two.next() * 2, two.next() * 2]);
    for (let i = 0; i < 150; i++) far.push([6 + two.next() * 2, two.next() * 2]);
    for (let i = 0; i < 3; i++) far.push([30 + i * 0.1, 30]);
    const sweep = await sweepK(matrixFromRows(far), { kMin: 2, kMax: 4, nInit: 3 });
    expect(sweep.selectionWarnings).toContainEqual(expect.stringMatching(/^Every k over k=2..4 has a segment under 2% of customers/));
  });
});
