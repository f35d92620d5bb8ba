import { describe, expect, it } from 'vitest';
import { customersFromCsv, mallCustomers, type MallRow } from '../data/__fixtures__/customers';
import { differenceWords, profileSegments } from './profile';
import { MALL_SCHEMA, type SchemaField, type TableSchema } from '../data/schema';

const COLUMNS = { age: 'Age', income: 'Annual Income (k$)', spending: 'Spending Score (1-100)' } as const;
const c = (id: number, gender: 'Female' | 'Male', age: number, income: number, spending: number): MallRow => ({ id, gender, age, income, spending });

// Nine customers: three clear groups by construction.
const rows: MallRow[] = [
  c(1, 'Female', 20, 100, 90), c(2, 'Female', 22, 110, 95), c(3, 'Male', 24, 120, 85), // young, rich, spenders
  c(4, 'Male', 40, 50, 50), c(5, 'Female', 42, 55, 45), c(6, 'Male', 44, 60, 55), // middle
  c(7, 'Male', 60, 10, 10), c(8, 'Male', 62, 15, 5), c(9, 'Female', 64, 20, 15), // older, poor, savers
];
const customers = mallCustomers(rows);
const labels = [0, 0, 0, 1, 1, 1, 2, 2, 2];


describe('profileSegments', () => {
  const profiles = profileSegments(customers, labels, { k: 3 });

  it('counts sizes and shares, means and medians per segment', () => {
    expect(profiles.map((p) => p.size)).toEqual([3, 3, 3]);
    expect(profiles[0].share).toBeCloseTo(1 / 3, 12);
    expect(profiles[0].means[COLUMNS.age]).toBe(22);
    expect(profiles[0].medians[COLUMNS.income]).toBe(110);
    expect(profiles[2].gender).toEqual({ Female: 1 / 3, Male: 2 / 3 });
    expect(profiles[2].categories).toEqual({ Gender: { Female: 1 / 3, Male: 2 / 3 } });
  });

  it('words each feature by its standardized difference from the population', () => {
    // ages 20,22,24,40,42,44,60,62,64: mean 42, std sqrt(2424/9) = 16.41; segment 0 (mean 22) is -1.22 SD;
    // income mean 60, std sqrt(13950/9) = 39.37, segment 0 (110) +1.27 SD; spending mean 50, std 32.91, (90) +1.22 SD
    expect(profiles[0].differences![COLUMNS.age]).toBeCloseTo(-20 / Math.sqrt(2424 / 9), 12);
    expect(profiles[0].differences![COLUMNS.income]).toBeCloseTo(50 / Math.sqrt(13950 / 9), 12);
    expect(profiles[0].label).toBe('Much younger, much higher income, much higher spending');
    // segment 1: age 0 SD, income (55 - 60) / 39.37 = -0.13 SD, spending 0 SD
    expect(profiles[1].label).toBe('Middle-aged, average income, average spending');
    expect(profiles[2].label).toBe('Much older, much lower income, much lower spending');
    expect(profiles[0].levels[COLUMNS.age]).toBe('much younger');
  });

  it('chooses the strength word at 0.25, 0.5 and 1 SD, in either direction', () => {
    const words = [-1.5, -0.7, -0.3, -0.1, 0.1, 0.3, 0.7, 1].map((z) => differenceWords(MALL_SCHEMA, COLUMNS.age, z));
    expect(words).toEqual(['much younger', 'Young', 'slightly younger', 'Middle-aged', 'Middle-aged', 'slightly older', 'Older', 'much older']);
  });

  it('follows the numbers: swapping the groups swaps the words', () => {
    const swapped = profileSegments(customers, [2, 2, 2, 1, 1, 1, 0, 0, 0], { k: 3 });
    expect(swapped[0].label).toBe('Much older, much lower income, much lower spending');
  });

  it('tells apart segments with the same feature words by the category they hold far more of', () => {
    // segments 2 (ages 60, 62; both male) and 3 (64, female) are much older, much lower income and spending; men
    // are 5/9 of the population, women 4/9: 100% is at least 25 points above either
    const twins = profileSegments(customers, [0, 0, 0, 1, 1, 1, 2, 2, 3], { k: 4 });
    expect(twins[2].label).toBe('Much older, much lower income, much lower spending, Gender: Male 100%');
    expect(twins[3].label).toBe('Much older, much lower income, much lower spending, Gender: Female 100%');
  });

  it('reports an empty segment with zero size and no NaN', () => {
    const p = profileSegments(customers, labels, { k: 4 })[3];
    expect(p.size).toBe(0);
    expect(JSON.stringify(p)).not.toMatch(/NaN|null/);
  });

  it('records raw-unit centroids when given', () => {
    const p = profileSegments(customers, labels, { k: 3, centroids: [[1, 2, 3], [4, 5, 6], [7, 8, 9]] });
    expect(p[1].centroid).toEqual({ [COLUMNS.age]: 4, [COLUMNS.income]: 5, [COLUMNS.spending]: 6 });
  });
});

describe('profileSegments on another table', () => {
  // Four features; segment 0 differs from the population mostly in visits and basket, barely in age.
  const csv = [
    'id,region,age,visits,basket,tenure',
    'a,N,40,20,90,10', 'b,N,41,22,95,11', 'c,S,39,21,92,12',
    'd,S,40,2,10,30', 'e,S,41,3,12,31', 'f,N,39,1,11,29',
  ].join('\n');
  const data = customersFromCsv(csv, {
    schema: {
      primaryKey: 'id',
      features: ['age', 'visits', 'basket', 'tenure'],
      categorical: ['region'],
      fields: [
        { name: 'id', type: 'string' },
        { name: 'visits', type: 'number', title: 'Store visits' },
        { name: 'basket', type: 'number', title: 'Basket' },
        { name: 'tenure', type: 'number', title: 'Tenure' },
      ],
    },
  });
  const p = profileSegments(data, [0, 0, 0, 1, 1, 1], { k: 2 });

  it('names at most three features: those farthest from the population mean in standard deviations', () => {
    // two equal halves: |z| of segment 0 on visits, basket and tenure is just under 1 (the spread within each half
    // adds to the population std), age 0 -> age is left out; words in schema feature order
    expect(p[0].label).toBe('High store visits, high basket, low tenure');
    expect(p[1].label).toBe('Low store visits, low basket, high tenure');
  });

  it('gives category shares per segment that sum to 1, means keyed by column', () => {
    expect(p[0].categories.region).toEqual({ N: 2 / 3, S: 1 / 3 });
    expect(p[1].categories.region).toEqual({ N: 1 / 3, S: 2 / 3 });
    expect(p[0].means.visits).toBe(21);
    expect(p[0].gender).toBeUndefined();
  });
});

/** Clean customers of a hand-made table whose columns are all numbers but the id (and the given categories). */
function table(header: string, lines: string[], schema: Partial<TableSchema> & { features: string[] }) {
  const names = header.split(',');
  const categorical = schema.categorical ?? [];
  const fields: SchemaField[] = names.map((name) => schema.fields?.find((f) => f.name === name) ?? { name, type: name === 'id' || categorical.includes(name) ? 'string' : 'number' });
  return customersFromCsv([header, ...lines].join('\n'), { schema: { primaryKey: 'id', categorical, ...schema, fields } });
}

describe('labels on tables where the right words are known', () => {
  it('calls one-time buyers who stopped buying lapsed, not average (a recency column lowers with activity)', () => {
    // 7 lapsed customers (recency ~485 days, 1-2 orders) and 3 active ones; recency mean 357.5, std ~196:
    // the lapsed segment is +0.65 SD on recency, -0.64 SD on frequency, -0.63 SD on monetary
    const data = table(
      'id,recency_days,frequency,monetary',
      ['a,480,1,20', 'b,490,1,25', 'c,500,1,30', 'd,470,1,20', 'e,485,2,22', 'f,495,1,18', 'g,475,1,26', 'h,30,8,300', 'i,60,10,400', 'j,90,12,500'],
      { features: ['recency_days', 'frequency', 'monetary'] },
    );
    const [lapsed, active] = profileSegments(data, [0, 0, 0, 0, 0, 0, 0, 1, 1, 1], { k: 2 });
    expect(lapsed.differences!.recency_days).toBeGreaterThan(0.5);
    expect(lapsed.label).toBe('Lapsed, low frequency, low monetary');
    expect(active.label).toBe('Much more recent, much higher frequency, much higher monetary');
  });

  it('names a category the segment is made of, with its column and share', () => {
    // the two segments have the same tenure and charges; segment 0 is 90% fibre optic (population 45%) and
    // 80% churned (population 40%)
    const rows: string[] = [];
    for (let i = 0; i < 10; i++) rows.push(`a${i},${10 + (i % 5)},${50 + (i % 3)},${i < 9 ? 'Fiber optic' : 'DSL'},${i < 8 ? 'Yes' : 'No'}`);
    for (let i = 0; i < 10; i++) rows.push(`b${i},${10 + (i % 5)},${50 + (i % 3)},${i < 9 ? 'DSL' : 'None'},No`);
    const data = table('id,tenure,charges,internet,churn', rows, { features: ['tenure', 'charges'], categorical: ['internet', 'churn'] });
    const p = profileSegments(data, [...Array(10).fill(0), ...Array(10).fill(1)], { k: 2 });
    expect(p[0].label).toBe('Average tenure, average charges, internet: Fiber optic 90%, churn: Yes 80%');
    // segment 1: DSL 90% against 50% overall and "No" churn 100% against 60% are both 40 points above (ties keep column order)
    expect(p[1].label).toBe('Average tenure, average charges, internet: DSL 90%, churn: No 100%');
  });

  it('words a column of tied values by the mean, not by terciles the ties break', () => {
    // 11 of 20 customers bought once (51% ties at the minimum); terciles would put the 1/3 and 2/3 cuts both on 1
    const freq = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 9];
    const rows = freq.map((f, i) => `c${i},${f},${40 + (i % 4)}`);
    const data = table('id,frequency,age', rows, { features: ['frequency', 'age'] });
    const labels = freq.map((f) => (f === 1 ? 0 : 1));
    const [once, repeat] = profileSegments(data, labels, { k: 2 });
    // mean 2.8, std 2.56: once-buyers -0.70 SD, repeat buyers +0.86 SD
    expect(once.label).toBe('Low frequency, average age');
    expect(repeat.label).toBe('High frequency, average age');
  });

  it('compares a log1p column on its log scale: one big spender does not make a segment "higher"', () => {
    // segment 0 spends 10 four times and 1,000 once (raw mean 208 > segment 1's 100); on the log scale (-0.46 SD) its
    // typical customer spends less
    const data = table(
      'id,spend,visits',
      ['a,10,5', 'b,10,5', 'c,10,6', 'd,10,6', 'e,1000,5', 'f,100,5', 'g,100,5', 'h,100,6', 'i,100,6', 'j,100,5'],
      { features: ['spend', 'visits'], fields: [{ name: 'spend', type: 'number', transform: 'log1p', constraints: { minimum: 0 } }] },
    );
    const p = profileSegments(data, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1], { k: 2 });
    expect(p[0].means.spend).toBe(208);
    expect(p[0].differences!.spend).toBeLessThan(0);
    expect(p[0].label).toBe('Slightly lower spend, average visits');
  });

  it('falls back to a mean value when no word tells tied segments apart', () => {
    // segments 1 and 2 are both far above on x and y, and no other column is left to word them apart
    const data = table('id,x,y', ['a,0,0', 'b,0,0', 'c,0,0', 'd,0,0', 'e,10,10', 'f,11,11'], { features: ['x', 'y'] });
    const p = profileSegments(data, [0, 0, 0, 0, 1, 2], { k: 3 });
    expect(new Set(p.map((s) => s.label)).size).toBe(3);
    expect(p[1].label).toBe('Much higher x, much higher y (mean x 10.0)');
    expect(p[2].label).toBe('Much higher x, much higher y (mean x 11.0)');
  });
});
