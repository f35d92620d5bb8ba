import { HAS_MALL, MALL_CSV, MALL_SKIP_REASON, titled } from '../../test/paths';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, OptionsError } from '../util/errors';
import { cleanCustomers, toRecords, type CleanOptions, type CleanResult } from './clean';

/** The clean Mall customers as the short records these tests were written with. */
function mall(result: CleanResult): { id: number; gender: string; age: number; income: number; spending: number }[] {
  return toRecords(result.data).map((r) => ({
    id: r.CustomerID as number,
    gender: r.Gender as string,
    age: r.Age as number,
    income: r['Annual Income (k$)'] as number,
    spending: r['Spending Score (1-100)'] as number,
  }));
}
import { parseCustomersCsv } from './parse';

const HEADER = 'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)';
const fixture = (name: string): string => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const cleanText = (body: string, options?: CleanOptions): CleanResult =>
  cleanCustomers(parseCustomersCsv(`${HEADER}\n${body}`, { source: 't.csv' }), options);

function expectAccounted(result: CleanResult): void {
  expect(result.rows.read).toBe(result.rows.used + result.rows.dropped);
  expect(mall(result)).toHaveLength(result.rows.used);
  expect(result.dropped).toHaveLength(result.rows.dropped);
  expect(Object.values(result.rows.droppedBy).reduce((a, b) => a + b, 0)).toBe(result.rows.dropped);
  for (const c of mall(result)) {
    for (const v of [c.id, c.age, c.income, c.spending]) expect(Number.isFinite(v)).toBe(true);
  }
}

describe('cleanCustomers: one rule at a time', () => {
  it('keeps valid rows unchanged, in file order', () => {
    const r = cleanText('1,Male,19,15,39\n2,Female,21.5,15,81\n');
    expect(mall(r)).toEqual([
      { id: 1, gender: 'Male', age: 19, income: 15, spending: 39 },
      { id: 2, gender: 'Female', age: 21.5, income: 15, spending: 81 },
    ]);
    expect(r.rows).toEqual({ read: 2, used: 2, dropped: 0, droppedBy: {}, repaired: 0 });
  });

  it('drops exact duplicates, keeps the first, and warns with the lines', () => {
    const r = cleanText('1,Male,19,15,39\n2,Male,21,15,81\n1,Male,19,15,39\n3,Male,25,16,50\n2,Male,21,15,81\n');
    expect(mall(r).map((c) => c.id)).toEqual([1, 2, 3]);
    expect(r.dropped).toEqual([
      { line: 4, id: '1', reason: 'duplicate row' },
      { line: 6, id: '2', reason: 'duplicate row' },
    ]);
    expect(r.rows.droppedBy).toEqual({ 'duplicate row': 2 });
    expect(r.warnings).toContain('Dropped 2 exact duplicate rows, equal to an earlier row in every column of the file (lines 4, 6)');
  });

  it('counts a repeat equal only after normalisation ("male" vs "Male", "19.0" vs "19") as a repeated id, not a duplicate', () => {
    const r = cleanText('1,Male,19,15,39\n1,male,19.0,15,39\n');
    expect(r.dropped).toEqual([{ line: 3, id: '1', reason: 'repeated CustomerID' }]);
  });

  it('compares every column of the file: a row differing only in a column the schema does not use is not a duplicate', () => {
    const withNote = (body: string) => cleanCustomers(parseCustomersCsv(`${HEADER},Note\n${body}`, { source: 't.csv' }));
    const r = withNote('1,Male,19,15,39,a\n1,Male,19,15,39,b\n1,Male,19,15,39,a\n');
    expect(r.dropped).toEqual([
      { line: 3, id: '1', reason: 'repeated CustomerID' },
      { line: 4, id: '1', reason: 'duplicate row' },
    ]);
  });

  it('drops a repeated CustomerID with different values, keeps the first, and warns', () => {
    const r = cleanText('1,Male,19,15,39\n2,Male,21,15,81\n1,Female,45,80,10\n');
    expect(mall(r).map((c) => [c.id, c.age])).toEqual([[1, 19], [2, 21]]);
    expect(r.dropped).toEqual([{ line: 4, id: '1', reason: 'repeated CustomerID' }]);
    expect(r.warnings).toContain(
      'Dropped 1 row repeating a CustomerID with different values, kept the first (line 4: CustomerID 1 first on line 2)',
    );
  });

  it('lets a later row use the id of an earlier row that was dropped', () => {
    const r = cleanText('1,Male,150,15,39\n1,Male,19,15,39\n');
    expect(mall(r).map((c) => c.age)).toEqual([19]);
    expect(r.dropped).toEqual([{ line: 2, id: '1', reason: 'Age out of range 0-120' }]);
  });

  it('drops a missing or non-integer CustomerID', () => {
    const r = cleanText('1,Male,19,15,39\n,Male,20,15,39\nabc,Male,21,15,39\n4.5,Male,22,15,39\n-5,Male,23,15,39\n6.0,Male,24,15,39\n');
    expect(mall(r).map((c) => c.id)).toEqual([1, 6]);
    expect(r.dropped.map((d) => [d.line, d.reason])).toEqual([
      [3, 'missing CustomerID'],
      [4, 'CustomerID not an integer'],
      [5, 'CustomerID not an integer'],
      [6, 'CustomerID not an integer'],
    ]);
    expect(r.warnings).toContain('Dropped 1 row with missing CustomerID (line 3)');
    expect(r.warnings).toContain('Dropped 3 rows with CustomerID not an integer (line 4: "abc", line 5: "4.5", line 6: "-5")');
  });

  it('reads padded and lower/upper-case Gender and f/m, and drops missing or unknown Gender', () => {
    const r = cleanText('1,female,19,15,39\n2,MALE,20,15,39\n3,f,21,15,39\n4,M,22,15,39\n5,,23,15,39\n6,Other,24,15,39\n7,"  Female ",25,15,39\n');
    expect(mall(r).map((c) => c.gender)).toEqual(['Female', 'Male', 'Female', 'Male', 'Female']);
    expect(r.rows.droppedBy).toEqual({ 'missing Gender': 1, 'unrecognised Gender': 1 });
    expect(r.warnings).toContain('Read 4 Gender values spelled differently ("female", "MALE", "f", "M") as Female/Male');
    expect(r.warnings).toContain('Dropped 1 row with unrecognised Gender (line 7: "Other")');
  });

  it('drops missing and non-numeric numeric cells by default', () => {
    const r = cleanText('1,Male,,15,39\n2,Male,NA,15,39\n3,Male,20,abc,39\n4,Male,21,15,1e400\n5,Male,22,15,0x10\n6,Male,23,15,39\n');
    expect(mall(r).map((c) => c.id)).toEqual([6]);
    expect(r.dropped.map((d) => d.reason)).toEqual([
      'missing Age',
      'missing Age',
      'Annual Income (k$) not a number',
      'Spending Score (1-100) not a number',
      'Spending Score (1-100) not a number',
    ]);
    expect(r.warnings).toContain('Dropped 2 rows with missing Age (line 2: empty, line 3: "NA")');
  });

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

  it('still drops impossible values with missingNumeric: "median"', () => {
    const r = cleanText('1,Male,19,15,39\n2,Male,121,15,39\n', { missingNumeric: 'median' });
    expect(r.dropped).toEqual([{ line: 3, id: '2', reason: 'Age out of range 0-120' }]);
  });

  it('drops impossible values: Age outside 0-120, score outside 1-100, negative income (bounds inclusive)', () => {
    const body = [
      '1,Male,0,0,1',
      '2,Male,120,15,100',
      '3,Male,-1,15,39',
      '4,Male,121,15,39',
      '5,Male,30,-0.5,39',
      '6,Male,30,15,0',
      '7,Male,30,15,101',
    ].join('\n');
    const r = cleanText(body);
    expect(mall(r).map((c) => c.id)).toEqual([1, 2]);
    expect(r.rows.droppedBy).toEqual({
      'Age out of range 0-120': 2,
      'Annual Income (k$) negative': 1,
      'Spending Score (1-100) out of range 1-100': 2,
    });
    expect(r.warnings).toContain('Dropped 2 rows with Age out of range 0-120 (line 4: "-1", line 5: "121")');
  });

  it('refuses a table with no usable row, naming the source, rows read and main reasons', () => {
    const table = parseCustomersCsv(fixture('all-invalid.csv'), { source: 'all-invalid.csv' });
    expect(() => cleanCustomers(table)).toThrow(DataError);
    expect(() => cleanCustomers(table)).toThrow(
      'No usable rows in all-invalid.csv: read 3, dropped all (2 × Age out of range 0-120, 1 × missing Gender); fix those cells and retry',
    );
  });

  it('refuses an unknown missingNumeric option', () => {
    const table = parseCustomersCsv(`${HEADER}\n1,Male,19,15,39\n`);
    expect(() => cleanCustomers(table, { missingNumeric: 'mean' as 'drop' })).toThrow(OptionsError);
    expect(() => cleanCustomers(table, { missingNumeric: 'mean' as 'drop' })).toThrow(`invalid missingNumeric: "mean"; use 'drop' or 'median'`);
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

  it('flags IQR outliers without changing the data', () => {
    // ages 19, 20, 21, 35: Q1 = 19.75, Q3 = 24.5, IQR = 4.75 -> [12.625, 31.625]; 35 (id 16) is out
    const r = cleanCustomers(table);
    expect(r.outliers[0]).toEqual({ feature: 'Age', lower: 12.625, upper: 31.625, count: 1, ids: [16] });
    expect(mall(r).find((c) => c.id === 16)?.age).toBe(35);
    expect(r.outliers.map((o) => o.feature)).toEqual(['Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
    expect(r.warnings).toContain('1 Age value outside 12.63 to 31.63 by the 1.5×IQR rule, kept (CustomerID 16)');
  });

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


describe('cleanCustomers: a table without an id column (rows numbered)', () => {
  const clean = (body: string, options?: CleanOptions) =>
    cleanCustomers(parseCustomersCsv(`shop,visits,spend\n${body}`, { source: 'shops.csv', schema: { features: ['visits', 'spend'], categorical: ['shop'] } }), options);

  it('drops exact repeats of kept and of dropped rows as duplicates, and keeps rows equal only after normalisation', () => {
    const r = clean(['North,3,10', 'North,3,10', 'north,3.0,10', 'South,x,1', 'South,x,1', 'South,2,5', 'North,3,10'].join('\n'));
    expect(r.data.ids).toEqual([1, 3, 6]);
    expect(r.data.categorical.shop).toEqual(['North', 'North', 'South']);
    expect(r.dropped).toEqual([
      { line: 3, id: '', reason: 'duplicate row' },
      { line: 5, id: '', reason: 'visits not a number' },
      { line: 6, id: '', reason: 'duplicate row' },
      { line: 8, id: '', reason: 'duplicate row' },
    ]);
    expect(r.warnings).toContain('Dropped 3 exact duplicate rows, equal to an earlier row in every column of the file (lines 3, 6, 8)');
    expect(r.warnings).toContain('Read 1 shop value spelled differently ("north") as North');
  });

  it('keeps customers that share the feature values but differ in another column, and drops exactly the true duplicates', () => {
    // pandas: pd.read_csv(...).duplicated().sum() == 2 (lines 5 and 6); the features repeat on every line.
    const text = ['customer,shop,visits,spend', 'a,North,3,10', 'b,North,3,10', 'c,North,3,10', 'a,North,3,10', 'c,North,3,10'].join('\n');
    const r = cleanCustomers(parseCustomersCsv(text, { source: 'shops.csv', schema: { features: ['visits', 'spend'], categorical: ['shop'] } }));
    expect(r.rows).toMatchObject({ read: 5, used: 3, dropped: 2, droppedBy: { 'duplicate row': 2 } });
    expect(r.dropped.map((d) => d.line)).toEqual([5, 6]);
    expect(r.warnings).toContain('Dropped 2 exact duplicate rows, equal to an earlier row in every column of the file (lines 5, 6)');
  });

  it('drops a row whose categorical clustering feature is missing (never clustered as "(missing)"), under both policies', () => {
    const text = ['shop,visits,spend', 'North,3,10', ',4,11', 'NA,5,12', 'South,2,1'].join('\n');
    for (const missing of ['drop', 'median'] as const) {
      const r = cleanCustomers(parseCustomersCsv(text, { source: 'shops.csv', schema: { features: ['visits', 'spend', 'shop'], categorical: ['shop'], missing } }));
      expect(r.dropped.map((d) => [d.line, d.reason])).toEqual([
        [3, 'missing shop'],
        [4, 'missing shop'],
      ]);
    }
    // a profiled-only category stays "(missing)"
    const profiled = cleanCustomers(parseCustomersCsv(text, { source: 'shops.csv', schema: { features: ['visits', 'spend'], categorical: ['shop'] } }));
    expect(profiled.data.categorical.shop).toEqual(['North', '(missing)', '(missing)', 'South']);
  });

  it('writes a value without an enum as its most frequent spelling over all rows read', () => {
    const r = clean(['EAST,1,1', 'east,2,2', 'East,3,3', 'East,4,4', 'East,x,5'].join('\n'));
    expect(r.data.categorical.shop).toEqual(['East', 'East', 'East', 'East']);
    expect(r.warnings).toContain('Read 2 shop values spelled differently ("EAST", "east") as East');
  });
});
