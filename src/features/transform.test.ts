import { describe, expect, it } from 'vitest';
import { cleanCustomers } from '../data/clean';
import { parseCustomersCsv } from '../data/parse';
import { OptionsError } from '../util/errors';
import { applyTransforms, parseTransformFlag, skewness, SKEW_THRESHOLD } from './transform';
import { featureColumns } from './encode';

describe('skewness', () => {
  it("equals pandas 1.5's Series.skew() (adjusted Fisher-Pearson G1)", () => {
    // values from /usr/bin/python3: pd.Series(a, dtype=float).skew()
    expect(skewness([1, 2, 3, 4, 100])).toBeCloseTo(2.2323959116364573, 12);
    const fib = [0, 0, 0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144];
    expect(skewness(fib)).toBeCloseTo(2.1406353288900597, 12);
    expect(skewness(fib.map(Math.log1p))).toBeCloseTo(0.360433749014905, 12);
    expect(skewness([5, 4, 3, 2, 1, 1, 1, 0])).toBeCloseTo(0.6345566452389959, 12);
  });
  it('is 0 for a symmetric, a constant or a too short column', () => {
    expect(skewness([1, 2, 3])).toBeCloseTo(0, 15);
    expect(skewness([7, 7, 7, 7])).toBe(0);
    expect(skewness([1, 9])).toBe(0);
  });
});

describe('parseTransformFlag', () => {
  it('reads auto and COLUMN=log1p lists, names with spaces included', () => {
    expect(parseTransformFlag('auto')).toBe('auto');
    expect(parseTransformFlag('monetary=log1p, Annual Income (k$)=none')).toEqual({ monetary: 'log1p', 'Annual Income (k$)': 'none' });
  });
  it('refuses anything else with the expected form', () => {
    expect(() => parseTransformFlag('monetary')).toThrow(/--transform "monetary" should be COLUMN=log1p or COLUMN=none/);
    expect(() => parseTransformFlag('monetary=sqrt')).toThrow(OptionsError);
  });
});

// a spend growing 15% a customer (log-uniform: skewness 1.7 raw, ~0 after log1p), a symmetric visits column,
// and a score with three customers far below the rest
const csv = ['id,spend,visits,score', ...Array.from({ length: 40 }, (_, i) => `c${i},${Math.round(10 * 1.15 ** i)},${10 + (i % 7)},${i < 3 ? -50 : 10 + (i % 5)}`)].join('\n');
const clean = () =>
  cleanCustomers(parseCustomersCsv(csv, { source: '<test>', schema: { features: ['spend', 'visits', 'score'], id: 'id' } }));

describe('applyTransforms', () => {
  it('warns about a skewed feature with the suggested transform, and about a left tail without one', () => {
    const { skew, warnings, cleaning } = applyTransforms(clean());
    const spend = skew.find((s) => s.column === 'spend')!;
    expect(spend.skewness).toBeGreaterThan(SKEW_THRESHOLD);
    expect(spend).toMatchObject({ transform: 'none', suggested: 'log1p' });
    expect(skew.find((s) => s.column === 'visits')).toMatchObject({ transform: 'none', suggested: null });
    expect(warnings).toEqual([
      expect.stringMatching(/^"spend" is skewed \(skewness \d\.\d\d > 1\): .* try --transform "spend=log1p" \(or --transform auto\)$/),
      expect.stringMatching(/^"score" is skewed \(skewness -\d\.\d\d, beyond ±1\); no log transform suits it \(it has values <= -1\)/),
    ]);
    expect(cleaning.warnings).toEqual(expect.arrayContaining(warnings));
  });

  it('auto applies log1p where suggested: the clustering column, the schema and the skewness after say so', () => {
    const { skew, warnings, cleaning } = applyTransforms(clean(), 'auto');
    expect(skew.find((s) => s.column === 'spend')).toMatchObject({ transform: 'log1p' });
    expect(Math.abs(skew.find((s) => s.column === 'spend')!.skewnessAfter)).toBeLessThan(spendSkew());
    expect(warnings.some((w) => w.startsWith('"spend"'))).toBe(false);
    expect(featureColumns(cleaning.data).map((c) => c.transform)).toEqual(['log1p', 'none', 'none']);
  });

  it('applies a named transform, matching the column ignoring case; refuses unknown columns and log1p below -1', () => {
    expect(featureColumns(applyTransforms(clean(), { Spend: 'log1p' }).cleaning.data)[0].transform).toBe('log1p');
    expect(() => applyTransforms(clean(), { basket: 'log1p' })).toThrow(/"basket" is not a numeric clustering feature \(features: spend, visits, score\)/);
    expect(() => applyTransforms(clean(), { score: 'log1p' })).toThrow(/log1p needs every value of "score" > -1 \(its smallest is -50\)/);
  });

  it('leaves the data alone without a choice (the same schema object)', () => {
    const before = clean();
    expect(applyTransforms(before).cleaning.data.schema).toBe(before.data.schema);
  });
});

function spendSkew(): number {
  return skewness(clean().data.numeric.spend);
}
