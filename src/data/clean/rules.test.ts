import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../util/errors';
import { cleanText, HEADER, mall } from '../__fixtures__/cleaning';
import { parseCustomersCsv } from '../parse';
import { MALL_SCHEMA, type TableSchema } from '../schema';
import { cleanCustomers } from './cleaner';
import { checkRow, compileRules, missingNumericPolicy, Scratch } from './rules';

describe('the rules of a row, through cleanCustomers', () => {
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

  it('refuses an unknown missingNumeric option', () => {
    const table = parseCustomersCsv(`${HEADER}\n1,Male,19,15,39\n`);
    expect(() => cleanCustomers(table, { missingNumeric: 'mean' as 'drop' })).toThrow(OptionsError);
    expect(() => cleanCustomers(table, { missingNumeric: 'mean' as 'drop' })).toThrow(`invalid missingNumeric: "mean"; use 'drop' or 'median'`);
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
});

describe('compileRules and checkRow', () => {
  const schema: TableSchema = {
    name: 'ranges',
    features: ['a', 'b'],
    fields: [
      { name: 'a', type: 'number', constraints: { minimum: 5 } },
      { name: 'b', type: 'number', constraints: { maximum: 9 } },
      { name: 'c', type: 'number' },
    ],
  };

  it('words a one-sided range as "below" or "above", and a minimum of 0 as "negative"', () => {
    expect(compileRules(schema).numbers.map((n) => n.reason)).toEqual(['a below 5', 'b above 9', 'c above Infinity']);
    expect(compileRules(MALL_SCHEMA).numbers.map((n) => n.reason)).toEqual([
      'Age out of range 0-120',
      'Annual Income (k$) negative',
      'Spending Score (1-100) out of range 1-100',
    ]);
  });

  it('checks a row into the scratch values and returns the first rule it breaks', () => {
    const rules = compileRules(schema);
    const out = new Scratch(rules);
    expect(checkRow(['5', '9', '-1e9'], 7, rules, 'drop', out)).toBeNull();
    expect(out.id).toBe(7);
    expect([...out.numbers]).toEqual([5, 9, -1e9]);
    expect(checkRow(['4.9', '10', 'x'], 8, rules, 'drop', out)).toEqual({ reason: 'a below 5', detail: '"4.9"' });
    expect(checkRow(['6', '10', 'x'], 8, rules, 'drop', out)).toEqual({ reason: 'b above 9', detail: '"10"' });
    expect(checkRow(['6', '8', 'x'], 8, rules, 'drop', out)).toEqual({ reason: 'c not a number', detail: '"x"' });
    expect(checkRow(['6', 'n/a', ''], 8, rules, 'median', out)).toBeNull();
    expect(out.missing).toEqual([
      { j: 1, text: 'n/a' },
      { j: 2, text: '' },
    ]);
  });
});

describe('missingNumericPolicy', () => {
  it('takes the option, else the schema, else drop, and refuses anything else', () => {
    expect(missingNumericPolicy(MALL_SCHEMA, undefined)).toBe('drop');
    expect(missingNumericPolicy({ ...MALL_SCHEMA, missing: 'median' }, undefined)).toBe('median');
    expect(missingNumericPolicy({ ...MALL_SCHEMA, missing: 'median' }, 'drop')).toBe('drop');
    expect(() => missingNumericPolicy(MALL_SCHEMA, 'mean' as 'drop')).toThrow(OptionsError);
  });
});
