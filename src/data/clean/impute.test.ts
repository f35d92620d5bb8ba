import { describe, expect, it } from 'vitest';
import { cleanText, expectAccounted, fixture, mall } from '../__fixtures__/cleaning';
import { parseCustomersCsv } from '../parse';
import { cleanCustomers } from './cleaner';

describe('median imputation (missingNumeric: "median")', () => {
  it('imputes the median of valid rows with missingNumeric: "median" and records each repair', () => {
    // valid ages 19, 20, 21, 35 -> median 20.5; valid scores 39, 81, 6, 77 -> median (39 + 77) / 2 = 58
    const body = '1,Male,19,15,39\n2,Male,,15,81\n3,Female,20,16,6\n4,Male,21,15,?\n5,Male,abc,16,77\n6,Female,35,17,40x\n';
    const r = cleanText(body, { missingNumeric: 'median' });
    expectAccounted(r);
    expect(mall(r).map((c) => [c.id, c.age, c.spending])).toEqual([
      [1, 19, 39],
      [2, 20.5, 81],
      [3, 20, 6],
      [4, 21, 58],
      [5, 20.5, 77],
      [6, 35, 58],
    ]);
    expect(r.repairs).toEqual([
      { line: 3, id: '2', column: 'Age', from: '', to: '20.5' },
      { line: 5, id: '4', column: 'Spending Score (1-100)', from: '?', to: '58' },
      { line: 6, id: '5', column: 'Age', from: 'abc', to: '20.5' },
      { line: 7, id: '6', column: 'Spending Score (1-100)', from: '40x', to: '58' },
    ]);
    expect(r.rows.repaired).toBe(4);
    expect(r.warnings).toContain('Imputed 2 missing Age values with the median 20.5 of the valid rows (line 3: empty, line 6: "abc")');
  });

  it('drops the rows missing a number no kept row has, and imputes once one row has it', () => {
    const schema = { features: ['visits', 'spend'], categorical: ['shop'], missing: 'median' as const };
    const text = ['shop,visits,spend', 'North,,10', 'South,NA,11', 'East,,12'].join('\n');
    expect(() => cleanCustomers(parseCustomersCsv(text, { source: 'shops.csv', schema }))).toThrow(
      'No usable rows in shops.csv: read 3, dropped all (3 × missing visits in every usable row)',
    );
    const r = cleanCustomers(parseCustomersCsv(`${text}\nWest,4,`, { source: 'shops.csv', schema }));
    expect(r.rows.dropped).toBe(0);
    expect([...r.data.numeric.visits]).toEqual([4, 4, 4, 4]);
    expect([...r.data.numeric.spend]).toEqual([10, 11, 12, 11]);
    expect(r.medians).toEqual({ visits: 4, spend: 11 });
  });
});

describe('median imputation on dirty.csv (worked out by hand)', () => {
  const table = parseCustomersCsv(fixture('dirty.csv'), { source: 'dirty.csv' });

  it('with median imputation keeps 7 rows and repairs 3 Age cells with 20.5', () => {
    // valid ages of kept rows: 19, 21, 20, 35 -> median 20.5
    const r = cleanCustomers(table, { missingNumeric: 'median' });
    expectAccounted(r);
    expect(r.rows.used).toBe(7);
    expect(mall(r).map((c) => c.id)).toEqual([1, 2, 3, 10, 11, 15, 16]);
    expect(r.repairs.map((x) => [x.line, x.from, x.to])).toEqual([
      [10, '', '20.5'],
      [11, 'abc', '20.5'],
      [16, 'NA', '20.5'],
    ]);
  });

  it('returns the median of every numeric column with median imputation (stored in the model), none with drop', () => {
    const r = cleanCustomers(table, { missingNumeric: 'median' });
    expect(Object.keys(r.medians ?? {})).toEqual(['Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
    expect(r.medians?.Age).toBe(20.5);
    const income = Float64Array.from(r.data.numeric['Annual Income (k$)']).sort();
    expect(r.medians?.['Annual Income (k$)']).toBe(income[3]); // 7 kept rows, none imputed: the middle one
    expect(cleanCustomers(table).medians).toBeUndefined();
  });
});
