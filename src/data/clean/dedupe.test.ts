import { describe, expect, it } from 'vitest';
import { cleanText, HEADER, mall } from '../__fixtures__/cleaning';
import { parseCustomersCsv } from '../parse';
import { cleanCustomers } from './cleaner';
import type { CleanOptions } from './types';

describe('duplicates and repeated ids, in a table with an id column', () => {
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

  it('drops an exact copy of a dropped row as a duplicate, and a copy of a kept row repeating after a drop', () => {
    const r = cleanText('1,Male,19,15,39\n2,Male,150,15,39\n2,Male,150,15,39\n1,Male,19,15,39\n');
    expect(r.dropped).toEqual([
      { line: 3, id: '2', reason: 'Age out of range 0-120' },
      { line: 4, id: '2', reason: 'duplicate row' },
      { line: 5, id: '1', reason: 'duplicate row' },
    ]);
  });
});

describe('duplicates in a table without an id column (rows numbered)', () => {
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

  it('compares a row with missing numbers kept for imputation by the cell text, before imputing', () => {
    const r = clean(['North,,10', 'North,,10', 'North,NA,10', 'North,5,10'].join('\n'), { missingNumeric: 'median' });
    expect(r.dropped).toEqual([{ line: 3, id: '', reason: 'duplicate row' }]);
    expect(r.data.ids).toEqual([1, 3, 4]);
  });
});
