import { describe, expect, it } from 'vitest';
import { fixture, mall } from '../__fixtures__/cleaning';
import { parseCustomersCsv } from '../parse';
import { MALL_SCHEMA } from '../schema';
import { cleanCustomers } from './cleaner';
import { flagOutliers } from './outliers';
import type { Customers } from './types';

describe('flagOutliers', () => {
  it('flags the values beyond 1.5 IQR of the quartiles (linear interpolation), by id in row order', () => {
    // 1..8 and 30: Q1 = 3, Q3 = 7, IQR = 4 -> [-3, 13]
    const values = Float64Array.from([30, 1, 2, 3, 4, 5, 6, 7, 8]);
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    const data: Customers = { schema: MALL_SCHEMA, n: 9, ids, lines: new Int32Array(9), numeric: { Age: values }, categorical: {} };
    expect(flagOutliers(data, 'Age')).toEqual({ feature: 'Age', lower: -3, upper: 13, count: 1, ids: ['a'] });
  });
});

describe('outliers on dirty.csv (worked out by hand)', () => {
  const table = parseCustomersCsv(fixture('dirty.csv'), { source: 'dirty.csv' });

  it('flags IQR outliers without changing the data', () => {
    // ages 19, 20, 21, 35: Q1 = 19.75, Q3 = 24.5, IQR = 4.75 -> [12.625, 31.625]; 35 (id 16) is out
    const r = cleanCustomers(table);
    expect(r.outliers[0]).toEqual({ feature: 'Age', lower: 12.625, upper: 31.625, count: 1, ids: [16] });
    expect(mall(r).find((c) => c.id === 16)?.age).toBe(35);
    expect(r.outliers.map((o) => o.feature)).toEqual(['Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
    expect(r.warnings).toContain('1 Age value outside 12.63 to 31.63 by the 1.5×IQR rule, kept (CustomerID 16)');
  });
});
