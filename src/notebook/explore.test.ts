import { describe, expect, it } from 'vitest';
import { cleanCustomers } from '../data/clean';
import { parseCustomersCsv } from '../data/parse';
import type { Customer } from '../data/schema';
import { distributionFigure, duplicateRows, featureStats, missingValues } from './explore';

const HEADER = 'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n';
// Lines: 2..9. Line 4 repeats line 2 exactly; line 6 repeats id 3 with other values; NA/empty/text cells.
const DIRTY = parseCustomersCsv(
  HEADER +
    ['1,Male,19,15,39', '2,Female,NA,16,81', '1,Male,19,15,39', '3,Female,20,,6', '3,Male,22,17,abc', '4,,31,n/a,40', '5,Female,?,18,77', '6,Male,25,19,None'].join('\n'),
  { source: 'dirty.csv' },
);

describe('missingValues', () => {
  it('counts empty cells and NA tokens per column, and non-numbers in numeric columns', () => {
    expect(missingValues(DIRTY)).toEqual([
      { column: 'CustomerID', missing: 0, percent: 0, notNumeric: 0 },
      { column: 'Gender', missing: 1, percent: 12.5, notNumeric: 0 },
      { column: 'Age', missing: 2, percent: 25, notNumeric: 0 },
      { column: 'Annual Income (k$)', missing: 2, percent: 25, notNumeric: 0 },
      { column: 'Spending Score (1-100)', missing: 1, percent: 12.5, notNumeric: 1 },
    ]);
  });

  it('agrees with cleaning on which rows have a missing cell', () => {
    const clean = cleanCustomers(DIRTY);
    const missingDrops = clean.dropped.filter((d) => d.reason.startsWith('missing')).length;
    // Rows with a missing cell: lines 3, 5, 7, 8, 9 (line 7 has two). Cleaning drops each once.
    expect(missingDrops).toBe(5);
  });
});

describe('duplicateRows', () => {
  it('finds exact duplicates and repeated ids separately, with their lines', () => {
    expect(duplicateRows(DIRTY)).toEqual({ exact: 1, exactLines: [4], repeatedIds: 1, repeatedIdLines: [6] });
  });
});

const people = (ages: number[]): Customer[] => ages.map((age, i) => ({ id: i + 1, gender: i % 2 ? 'Male' : 'Female', age, income: 10 * (i + 1), spending: 50 }));

describe('featureStats', () => {
  it('matches pandas describe() and skew() (values computed with pandas 1.5)', () => {
    const [age] = featureStats(people([20, 30, 40, 70]), { features: ['Age'] });
    expect(age.count).toBe(4);
    expect(age.mean).toBe(40);
    expect(age.std).toBeCloseTo(21.602468994692867, 12);
    expect([age.min, age.q25, age.median, age.q75, age.max]).toEqual([20, 27.5, 35, 47.5, 70]);
    expect(age.skew).toBeCloseTo(1.1903401282789947, 12);
    const [skewed] = featureStats(people([15, 15, 16, 120, 18]), { features: ['Age'] });
    expect(skewed.std).toBeCloseTo(46.526336627763854, 12);
    expect(skewed.skew).toBeCloseTo(2.2322201057631768, 12);
  });

  it('describes the three features by default and gives NaN for an empty list', () => {
    expect(featureStats(people([1, 2, 3])).map((s) => s.feature)).toEqual(['Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
    const [empty] = featureStats([], { features: ['Age'] });
    expect(empty.count).toBe(0);
    expect(empty.mean).toBeNaN();
    expect(empty.median).toBeNaN();
  });
});

describe('distributionFigure', () => {
  it('has one histogram per feature with the raw values and a gender bar with the counts', () => {
    const fig = distributionFigure(people([20, 30, 40]), { bins: 5 });
    expect(fig.data.map((t) => t.type)).toEqual(['histogram', 'histogram', 'histogram', 'bar']);
    expect(fig.data[0].x).toEqual([20, 30, 40]);
    expect(fig.data[1].x).toEqual([10, 20, 30]);
    expect(fig.data[0].nbinsx).toBe(5);
    expect(fig.data[3]).toMatchObject({ x: ['Female', 'Male'], y: [2, 1], xaxis: 'x4' });
    expect(fig.layout.grid).toEqual({ rows: 2, columns: 2, pattern: 'independent' });
    expect(JSON.parse(JSON.stringify(fig))).toEqual(fig);
  });
});
