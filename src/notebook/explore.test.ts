import { describe, expect, it } from 'vitest';
import { cleanCustomers } from '../data/clean';
import { parseCustomersCsv } from '../data/parse';
import type { TableSchema } from '../data/schema';
import { categoryCounts, columnIssues, distributionFigure, duplicateRows, numericStats } from './explore';

// Every expectation below was worked out by hand from the rows and the rules documented on cleanCustomers.
const MALL_DIRTY = parseCustomersCsv(
  'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n' +
    [
      '1,Male,19,15,39', //       line 2: used
      '2,Female,NA,16,81', //     line 3: missing Age
      '1,Male,19,15,39', //       line 4: exact duplicate of line 2
      '3,Female,20,,6', //        line 5: missing Annual Income (k$)
      '7,Female,25,17,abc', //    line 6: Spending Score (1-100) not a number
      '4,,31,20,40', //           line 7: missing Gender (required; categories are checked before numbers)
      '5,Female,130,18,77', //    line 8: Age out of range 0-120
      '6,X,25,19,50', //          line 9: unrecognised Gender
      '1,Female,40,60,60', //     line 10: repeats CustomerID 1 with other values
      '8,f,33,-5,50', //          line 11: Annual Income (k$) negative
      '9,m,41,70,20', //          line 12: used (alias m = Male)
      '10,Female,50,80,101', //   line 13: Spending Score (1-100) out of range 1-100
      '11,Male,22,25,?', //       line 14: missing Spending Score (1-100)
    ].join('\n'),
  { source: 'dirty.csv' },
);

// A non-Mall table: text ids, an optional category, a numeric column whose name starts with another's.
const SHOP_SCHEMA: TableSchema = {
  name: 'shop',
  primaryKey: 'customer',
  features: ['basket', 'visits'],
  categorical: ['region', 'member'],
  fields: [
    { name: 'customer', type: 'string' },
    { name: 'region', type: 'string' },
    { name: 'basket', type: 'number', unit: '€' },
    { name: 'visits', type: 'number', constraints: { minimum: 0 } },
    { name: 'visits per month', type: 'number', constraints: { minimum: 0 } },
    { name: 'member', type: 'string' },
  ],
};
const SHOP_DIRTY = parseCustomersCsv(
  'customer,region,basket,visits,visits per month,member\n' +
    [
      'c1,North,10,2,1,yes', //   line 2: used
      'c2,,20,4,2,no', //         line 3: used, region kept as "(missing)"
      'c3,South,NA,3,1,yes', //   line 4: used, basket imputed (median mode)
      'c4,South,15,-1,1,no', //   line 5: visits negative
      'c5,North,12,5,-2,yes', //  line 6: visits per month negative (not a problem of "visits")
      'c6,North,abc,1,1,no', //   line 7: used, basket imputed
      'c1,North,10,2,1,yes', //   line 8: exact duplicate of line 2
      'c7,north,11,2,1,maybe', // line 9: used, region read as North
    ].join('\n'),
  { source: 'shop.csv', schema: { schema: SHOP_SCHEMA } },
);
const SHOP = cleanCustomers(SHOP_DIRTY, { missingNumeric: 'median' });

const none = { missing: 0, notNumber: 0, unrecognised: 0, outOfRange: 0, imputed: 0, keptAsMissing: 0, droppedPercent: 0 };

describe('columnIssues', () => {
  it('Mall: counts each dropped row under the column whose rule it broke first', () => {
    const pct = (rows: number) => (100 * rows) / 13;
    expect(columnIssues(cleanCustomers(MALL_DIRTY))).toEqual([
      { ...none, column: 'CustomerID', role: 'id' },
      { ...none, column: 'Gender', role: 'categorical', missing: 1, unrecognised: 1, droppedPercent: pct(2) },
      { ...none, column: 'Age', role: 'feature', missing: 1, outOfRange: 1, droppedPercent: pct(2) },
      { ...none, column: 'Annual Income (k$)', role: 'feature', missing: 1, outOfRange: 1, droppedPercent: pct(2) },
      { ...none, column: 'Spending Score (1-100)', role: 'feature', missing: 1, notNumber: 1, outOfRange: 1, droppedPercent: pct(3) },
    ]);
  });

  it('any schema: imputed cells, categories kept as "(missing)", and the longer of two prefixed names', () => {
    expect(SHOP.rows).toMatchObject({ read: 8, used: 5, dropped: 3, repaired: 2 });
    expect(columnIssues(SHOP)).toEqual([
      { ...none, column: 'customer', role: 'id' },
      { ...none, column: 'region', role: 'categorical', keptAsMissing: 1 },
      { ...none, column: 'basket', role: 'feature', imputed: 2 },
      { ...none, column: 'visits', role: 'feature', outOfRange: 1, droppedPercent: 12.5 },
      { ...none, column: 'visits per month', role: 'numeric', outOfRange: 1, droppedPercent: 12.5 },
      { ...none, column: 'member', role: 'categorical' },
    ]);
  });
});

describe('duplicateRows', () => {
  it('lists exact duplicates and repeated ids separately, with their lines', () => {
    expect(duplicateRows(cleanCustomers(MALL_DIRTY))).toEqual({ exact: 1, exactLines: [4], repeatedIds: 1, repeatedIdLines: [10] });
    expect(duplicateRows(SHOP)).toEqual({ exact: 1, exactLines: [8], repeatedIds: 0, repeatedIdLines: [] });
  });

  it('a table without an id column has only exact duplicates', () => {
    const table = parseCustomersCsv('a,b\n1,2\n3,4\n1,2\n1,5\n', { schema: { features: ['a', 'b'] } });
    expect(duplicateRows(cleanCustomers(table))).toEqual({ exact: 1, exactLines: [4], repeatedIds: 0, repeatedIdLines: [] });
  });
});

describe('numericStats', () => {
  const ages = (values: number[]) =>
    cleanCustomers(parseCustomersCsv(`age,score\n${values.map((v, i) => `${v},${i}`).join('\n')}\n`, { schema: { features: ['age', 'score'] } })).data;

  it('matches pandas describe() and skew() (values computed with pandas 1.5)', () => {
    const [age] = numericStats(ages([20, 30, 40, 70]), { columns: ['age'] });
    expect(age.count).toBe(4);
    expect(age.mean).toBe(40);
    expect(age.std).toBeCloseTo(21.602468994692867, 12);
    expect([age.min, age.q25, age.median, age.q75, age.max]).toEqual([20, 27.5, 35, 47.5, 70]);
    expect(age.skew).toBeCloseTo(1.1903401282789947, 12);
    const [skewed] = numericStats(ages([15, 15, 16, 120, 18]), { columns: ['age'] });
    expect(skewed.std).toBeCloseTo(46.526336627763854, 12);
    expect(skewed.skew).toBeCloseTo(2.2322201057631768, 12);
  });

  it('describes every numeric column of the schema by default (features and profiled ones)', () => {
    expect(numericStats(SHOP.data).map((s) => [s.column, s.count])).toEqual([['basket', 5], ['visits', 5], ['visits per month', 5]]);
    const [basket] = numericStats(SHOP.data);
    // 10, 20, 11 (median of the valid cells) twice, 11: sorted 10, 11, 11, 11, 20
    expect([basket.min, basket.median, basket.max, basket.mean]).toEqual([10, 11, 20, 12.6]);
  });
});

describe('categoryCounts', () => {
  it('counts each value of every categorical column, sorted, "(missing)" included', () => {
    expect(categoryCounts(SHOP.data)).toEqual([
      { column: 'region', value: '(missing)', customers: 1, share: 0.2 },
      { column: 'region', value: 'North', customers: 3, share: 0.6 },
      { column: 'region', value: 'South', customers: 1, share: 0.2 },
      { column: 'member', value: 'maybe', customers: 1, share: 0.2 },
      { column: 'member', value: 'no', customers: 2, share: 0.4 },
      { column: 'member', value: 'yes', customers: 2, share: 0.4 },
    ]);
  });

  it('follows the enum order and counts an enum value nobody has as 0', () => {
    const table = parseCustomersCsv('CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n1,Male,19,15,39\n2,m,20,16,40\n');
    expect(categoryCounts(cleanCustomers(table).data)).toEqual([
      { column: 'Gender', value: 'Female', customers: 0, share: 0 },
      { column: 'Gender', value: 'Male', customers: 2, share: 1 },
    ]);
  });
});

describe('distributionFigure', () => {
  it('has one histogram per numeric column and one bar per categorical column, with schema axis titles', () => {
    const fig = distributionFigure(SHOP.data, { bins: 5 });
    expect(fig.data.map((t) => [t.type, t.name])).toEqual([
      ['histogram', 'basket'],
      ['histogram', 'visits'],
      ['histogram', 'visits per month'],
      ['bar', 'region'],
      ['bar', 'member'],
    ]);
    expect(fig.data[1].x).toEqual([2, 4, 3, 1, 2]);
    expect(fig.data[0].nbinsx).toBe(5);
    expect(fig.data[3]).toMatchObject({ x: ['(missing)', 'North', 'South'], y: [1, 3, 1], xaxis: 'x4', yaxis: 'y4' });
    expect(fig.layout.grid).toEqual({ rows: 2, columns: 3, pattern: 'independent' });
    expect(fig.layout.xaxis1).toEqual({ title: { text: 'basket (€)' } });
    expect(fig.layout.xaxis5).toEqual({ title: { text: 'member' }, type: 'category' });
    expect(JSON.parse(JSON.stringify(fig))).toEqual(fig);
  });

  it('Mall: three histograms and the gender counts in a 2×2 grid', () => {
    const fig = distributionFigure(cleanCustomers(MALL_DIRTY).data, { perRow: 2 });
    expect(fig.data.map((t) => t.type)).toEqual(['histogram', 'histogram', 'histogram', 'bar']);
    expect(fig.data[0].x).toEqual([19, 41]);
    expect(fig.data[3]).toMatchObject({ x: ['Female', 'Male'], y: [0, 2] });
    expect(fig.layout.grid).toEqual({ rows: 2, columns: 2, pattern: 'independent' });
    expect(fig.layout.xaxis2).toEqual({ title: { text: 'Annual Income (k$)' } });
  });
});
