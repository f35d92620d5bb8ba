import { describe, expect, it } from 'vitest';
import { customersFromCsv, mallCustomers, type MallRow } from '../data/__fixtures__/customers';
import { profileSegments, terciles } from './profile';

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

  it('labels segments from the population terciles', () => {
    // ages 20,22,24,40,42,44,60,62,64: the 1/3 quantile (numpy linear) sits at position 8/3 -> 24 + (40-24)*2/3
    const cuts = terciles(customers);
    expect(cuts[COLUMNS.age][0]).toBeCloseTo(24 + 16 * (2 / 3), 12);
    expect(cuts[COLUMNS.age][1]).toBeCloseTo(44 + 16 * (1 / 3), 12);
    expect(profiles[0].label).toBe('Young, high income, high spending');
    expect(profiles[1].label).toBe('Middle-aged, average income, average spending');
    expect(profiles[2].label).toBe('Older, low income, low spending');
    expect(profiles[0].levels[COLUMNS.age]).toBe('young');
  });

  it('follows the numbers: swapping the groups swaps the words', () => {
    const swapped = profileSegments(customers, [2, 2, 2, 1, 1, 1, 0, 0, 0], { k: 3 });
    expect(swapped[0].label).toBe('Older, low income, low spending');
  });

  it('tells apart two segments that would get the same words', () => {
    const twins = profileSegments(customers, [0, 0, 0, 1, 1, 1, 2, 2, 3], { k: 4 });
    const older = twins.filter((p) => p.label.startsWith('Older'));
    expect(older).toHaveLength(2);
    expect(new Set(older.map((p) => p.label)).size).toBe(2);
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
    // |z| of segment 0: visits, basket and tenure ~1, age 0 -> age is left out; words in schema feature order
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
