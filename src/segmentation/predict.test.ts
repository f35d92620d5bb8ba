import { describe, expect, it } from 'vitest';
import { fixtureModel, recordError, rows } from './__fixtures__/fourCustomers';
import { predict } from './predict';

describe('predict', () => {
  it('assigns each training row to its nearest centre', () => {
    const { labels, distances } = fixtureModel();
    expect(Array.from(labels)).toEqual([0, 0, 1, 1]);
    expect(distances.every((d) => d > 0)).toBe(true);
  });

  it('predicts by column name or by the Mall camelCase names, training customers into their own clusters', () => {
    const { model, labels, scaled } = fixtureModel();
    const p = predict(model, rows);
    expect(p.map((x) => x.cluster)).toEqual(Array.from(labels));
    // distance worked out independently: Euclidean distance of the scaled row to its centre
    const c0 = model.centroids[0];
    const d0 = Math.hypot(...[0, 1, 2].map((j) => scaled.data[j] - c0[j]));
    expect(p[0].distance).toBeCloseTo(d0, 12);
    const camel = predict(model, [{ gender: 'Female', age: 20, annualIncome: 100, spendingScore: 90 }]);
    expect(camel[0]).toEqual(p[0]);
    // numbers as CSV text are read too, and the id comes back
    expect(predict(model, [{ CustomerID: 17, Age: '20', 'Annual Income (k$)': '100', 'Spending Score (1-100)': '90' }])[0]).toEqual({ id: 17, ...p[0] });
  });

  it('flags outliers above the 99th percentile of training distances', () => {
    const { model, distances } = fixtureModel();
    // 4 training distances: numpy's p99 = d[2] + 0.97 (d[3] - d[2]) of the sorted values
    const d = Array.from(distances).sort((a, b) => a - b);
    expect(model.distance.p99).toBeCloseTo(d[2] + 0.97 * (d[3] - d[2]), 12);
    const far = predict(model, [{ Age: 120, 'Annual Income (k$)': 1000, 'Spending Score (1-100)': 1 }])[0];
    expect(far.outlier).toBe(true);
    expect(far.distance).toBeGreaterThan(model.distance.max);
    const centre = predict(model, [{ Age: 21, 'Annual Income (k$)': 105, 'Spending Score (1-100)': 92.5 }])[0];
    expect(centre.distance).toBeCloseTo(0, 9);
    expect(centre.outlier).toBe(false);
  });

  it('refuses a record it cannot score, naming the column', () => {
    const { model } = fixtureModel();
    expect(recordError(() => predict(model, [{ age: 23 }])).field).toBe('customers[0].Annual Income (k$)');
    const e = recordError(() => predict(model, [rows[0], { ...rows[1], Age: 'old' }]));
    expect(e.field).toBe('customers[1].Age');
    expect(e.message).toBe('customers[1].Age: must be a finite number (got "old")');
    expect(recordError(() => predict(model, [{ ...rows[0], Age: 130 }])).problem).toBe('must be <= 120 (got 130)');
    // an extra field is ignored and listed; the answer is the one without it
    const [extra] = predict(model, [{ ...rows[0], visits: 3 }]);
    expect(extra.warnings).toEqual(['ignored field not in the model: "visits"']);
    expect({ ...extra, warnings: undefined }).toEqual({ ...predict(model, [rows[0]])[0], warnings: undefined });
    // cells read as the CSV cleaning reads them: padding, numeric text, missing tokens
    expect(predict(model, [{ ...rows[0], Age: ' 19 ' }])[0].distance).toBe(predict(model, [{ ...rows[0], Age: 19 }])[0].distance);
    expect(recordError(() => predict(model, [{ ...rows[0], Age: 'NA' }])).problem).toBe('is required (a number)');
    // a profiled-only category: other spellings and aliases read as the value; an unknown value is flagged only
    expect(predict(model, [{ ...rows[0], Gender: ' f ' }])[0].warnings).toBeUndefined();
    const [odd] = predict(model, [{ ...rows[0], Gender: 'x' }]);
    expect(odd.warnings).toEqual(['Gender: unknown category "x" (not clustered; known: Female, Male)']);
    expect(odd.cluster).toBe(predict(model, [rows[0]])[0].cluster);
    expect(recordError(() => predict(model, [{ ...rows[0], Gender: 'x', Age: null }])).problem).toBe('is required (a number)');
  });
});
