import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import * as small from './__fixtures__/small';
import { retail, wide } from './__fixtures__/wide';
import { choosePlotColumns, separationScores } from './plotAxes';

describe('separationScores', () => {
  it('is the between-segment share of the variance, worked out by hand on the Mall fixture', () => {
    // Age: mean 282/7; segment means 21, 55, 37.5 with sizes 2, 3, 2.
    const age = [20, 22, 50, 60, 55, 35, 40];
    const mean = 282 / 7;
    const total = age.reduce((s, v) => s + (v - mean) ** 2, 0);
    const between = 2 * (21 - mean) ** 2 + 3 * (55 - mean) ** 2 + 2 * (37.5 - mean) ** 2;
    expect(separationScores(small.data, small.labels).Age).toBeCloseTo(between / total, 12);
  });

  it('scores a constant column 0 and a column equal to the labels 1', () => {
    const data = { ...small.data, numeric: { ...small.data.numeric, Age: new Float64Array(7).fill(30), 'Annual Income (k$)': Float64Array.from(small.labels) } };
    const scores = separationScores(data, small.labels);
    expect(scores.Age).toBe(0);
    expect(scores['Annual Income (k$)']).toBeCloseTo(1, 12);
  });
});

describe('choosePlotColumns', () => {
  it("takes the Mall schema's plot: income against spending", () => {
    expect(choosePlotColumns(small.data, small.labels)).toEqual({ x: 'Annual Income (k$)', y: 'Spending Score (1-100)', rule: 'schema' });
  });

  it('without a schema plot, takes the two numeric features that best separate the segments', () => {
    const { data, labels } = retail().points;
    const scores = separationScores(data, labels, ['recency_days', 'orders_per_year', 'basket_eur', 'tenure_months']);
    const best = Object.entries(scores).sort((a, b) => b[1] - a[1]).map(([c]) => c);
    expect(choosePlotColumns(data, labels)).toEqual({ x: best[0], y: best[1], rule: 'separation' });
    expect(best.slice(0, 2)).toEqual(['orders_per_year', 'basket_eur']);
  });

  it('takes given columns, matched ignoring case, and fills the other axis', () => {
    expect(choosePlotColumns(small.data, small.labels, { x: 'age', y: 'annual income (k$)' })).toEqual({ x: 'Age', y: 'Annual Income (k$)', rule: 'option' });
    expect(choosePlotColumns(small.data, small.labels, { x: 'Spending Score (1-100)' })).toMatchObject({ x: 'Spending Score (1-100)', y: 'Annual Income (k$)' });
    const { data, labels } = retail().points;
    expect(choosePlotColumns(data, labels, { y: 'age' })).toMatchObject({ x: 'orders_per_year', y: 'age' });
  });

  it('refuses a column that is not numeric, naming it and the choices, and the same column twice', () => {
    const { data, labels } = wide().points;
    expect(() => choosePlotColumns(data, labels, { x: 'plan' })).toThrow(OptionsError);
    expect(() => choosePlotColumns(data, labels, { x: 'plan' })).toThrow(/^--plot-x "plan" is not a numeric column of the table; choose one of: visits, web_sessions, basket,/);
    expect(() => choosePlotColumns(small.data, small.labels, { y: 'Height' })).toThrow(/--plot-y "Height" .* choose one of: Age, Annual Income \(k\$\), Spending Score \(1-100\)$/);
    expect(() => choosePlotColumns(small.data, small.labels, { x: 'Age', y: 'AGE' })).toThrow(/both "Age"/);
  });
});
