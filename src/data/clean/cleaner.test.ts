import { HAS_MALL, MALL_CSV, MALL_SKIP_REASON, titled } from '../../../test/paths';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../util/errors';
import { cleanText, expectAccounted, fixture, mall } from '../__fixtures__/cleaning';
import { parseCustomersCsv } from '../parse';
import { cleanCustomers, CustomerCleaner } from './cleaner';

describe('cleanCustomers: the whole table', () => {
  it('keeps valid rows unchanged, in file order', () => {
    const r = cleanText('1,Male,19,15,39\n2,Female,21.5,15,81\n');
    expect(mall(r)).toEqual([
      { id: 1, gender: 'Male', age: 19, income: 15, spending: 39 },
      { id: 2, gender: 'Female', age: 21.5, income: 15, spending: 81 },
    ]);
    expect(r.rows).toEqual({ read: 2, used: 2, dropped: 0, droppedBy: {}, repaired: 0 });
  });

  it('refuses a table with no usable row, naming the source, rows read and main reasons', () => {
    const table = parseCustomersCsv(fixture('all-invalid.csv'), { source: 'all-invalid.csv' });
    expect(() => cleanCustomers(table)).toThrow(DataError);
    expect(() => cleanCustomers(table)).toThrow(
      'No usable rows in all-invalid.csv: read 3, dropped all (2 × Age out of range 0-120, 1 × missing Gender); fix those cells and retry',
    );
  });
});

describe('cleanCustomers: dirty.csv, all rules together (worked out by hand)', () => {
  const table = parseCustomersCsv(fixture('dirty.csv'), { source: 'dirty.csv' });

  it('drops 13 of 17 rows, each with its reason and line', () => {
    const r = cleanCustomers(table);
    expectAccounted(r);
    expect(r.rows).toEqual({
      read: 17,
      used: 4,
      dropped: 13,
      droppedBy: {
        'duplicate row': 2,
        'missing CustomerID': 1,
        'CustomerID not an integer': 1,
        'missing Gender': 1,
        'unrecognised Gender': 1,
        'missing Age': 2,
        'Age not a number': 1,
        'Age out of range 0-120': 1,
        'Annual Income (k$) negative': 1,
        'Spending Score (1-100) out of range 1-100': 1,
        'repeated CustomerID': 1,
      },
      repaired: 0,
    });
    expect(mall(r).map((c) => c.id)).toEqual([1, 2, 3, 16]);
    expect(r.dropped.map((d) => [d.line, d.id, d.reason])).toEqual([
      [5, '2', 'duplicate row'],
      [6, '', 'missing CustomerID'],
      [7, 'x7', 'CustomerID not an integer'],
      [8, '8', 'missing Gender'],
      [9, '9', 'unrecognised Gender'],
      [10, '10', 'missing Age'],
      [11, '11', 'Age not a number'],
      [12, '12', 'Age out of range 0-120'],
      [13, '13', 'Annual Income (k$) negative'],
      [14, '14', 'Spending Score (1-100) out of range 1-100'],
      [15, '3', 'repeated CustomerID'],
      [16, '15', 'missing Age'],
      [17, '2', 'duplicate row'],
    ]);
    expect(r.warnings).toContain('Dropped 2 exact duplicate rows, equal to an earlier row in every column of the file (lines 5, 17)');
  });
});

describe('cleanCustomers: formats and the real file', () => {
  it('cleans messy-format.csv (BOM, CRLF, quotes, padded gender, reordered/extra columns) to 5 customers', () => {
    const r = cleanCustomers(parseCustomersCsv(fixture('messy-format.csv')));
    expect(mall(r)).toEqual([
      { id: 1, gender: 'Female', age: 19, income: 15, spending: 39 },
      { id: 2, gender: 'Male', age: 21, income: 15, spending: 81 },
      { id: 3, gender: 'Female', age: 20, income: 16, spending: 6 },
      { id: 4, gender: 'Male', age: 23, income: 16, spending: 77 },
      { id: 5, gender: 'Female', age: 31, income: 17, spending: 40 },
    ]);
    expect(r.rows.dropped).toBe(0);
  });

  it.skipIf(!HAS_MALL)(titled('uses all 200 rows of Mall_Customers.csv and flags incomes 137 (ids 199, 200) like pandas', !HAS_MALL, MALL_SKIP_REASON), () => {
    const text = readFileSync(MALL_CSV, 'utf8');
    const r = cleanCustomers(parseCustomersCsv(text, { source: 'Mall_Customers.csv' }));
    expectAccounted(r);
    expect(r.rows).toEqual({ read: 200, used: 200, dropped: 0, droppedBy: {}, repaired: 0 });
    expect(mall(r)[0]).toEqual({ id: 1, gender: 'Male', age: 19, income: 15, spending: 39 });
    // reference computed once with pandas 1.5 (Debian python3-pandas): q1, q3 = df[col].quantile([.25, .75])
    expect(r.outliers).toEqual([
      { feature: 'Age', lower: -1.625, upper: 79.375, count: 0, ids: [] },
      { feature: 'Annual Income (k$)', lower: -13.25, upper: 132.75, count: 2, ids: [199, 200] },
      { feature: 'Spending Score (1-100)', lower: -22.625, upper: 130.375, count: 0, ids: [] },
    ]);
    expect(r.warnings).toEqual(['2 Annual Income (k$) values outside -13.25 to 132.75 by the 1.5×IQR rule, kept (CustomerID 199, 200)']);
  });
});

describe('CustomerCleaner: the streaming form', () => {
  it('gives the result of cleanCustomers when fed one reused cells array, row by row', () => {
    const table = parseCustomersCsv(fixture('dirty.csv'), { source: 'dirty.csv' });
    for (const missingNumeric of ['drop', 'median'] as const) {
      const cleaner = new CustomerCleaner(table.schema, { source: 'dirty.csv', missingNumeric, expected: 2 });
      const cells: string[] = [];
      for (const row of table.rows) {
        table.schema.fields.forEach((f, c) => (cells[c] = row.values[f.name]));
        cleaner.add(row.line, cells, row.others);
      }
      expect(cleaner.rowsRead).toBe(17);
      expect(cleaner.finish()).toEqual(cleanCustomers(table, { missingNumeric }));
    }
  });

  it('grows its buffers on reserve and refuses a second finish', () => {
    const table = parseCustomersCsv(fixture('dirty.csv'));
    const cleaner = new CustomerCleaner(table.schema, { expected: 4 });
    expect(cleaner.capacity).toBe(4);
    cleaner.reserve(100);
    expect(cleaner.capacity).toBe(100);
    cleaner.add(2, ['1', 'Male', '19', '15', '39']);
    expect(cleaner.finish().rows.used).toBe(1);
    expect(() => cleaner.finish()).toThrow('CustomerCleaner.finish called twice');
  });
});
