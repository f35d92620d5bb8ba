import { describe, expect, it } from 'vitest';
import { customersFromCsv, mallCustomers } from '../data/__fixtures__/customers';
import { categoryCodes, featureColumns } from './encode';
import { featureMatrix, fitScaler, scaleMatrix, scaleMatrixInPlace, toRawUnits, unscaleRow } from './scale';

const customers = mallCustomers([
  { id: 1, gender: 'Male', age: 20, income: 10, spending: 50 },
  { id: 2, gender: 'Female', age: 30, income: 20, spending: 50 },
  { id: 3, gender: 'Female', age: 40, income: 60, spending: 50 },
]);

describe('fitScaler', () => {
  it('uses the mean and the population standard deviation, 1 for a constant feature', () => {
    const columns = featureColumns(customers);
    const s = fitScaler(featureMatrix(customers, columns), columns);
    expect(s.features).toEqual(['Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
    expect(s.mean).toEqual([30, 30, 50]);
    // ages 20,30,40: population variance 200/3
    expect(s.scale[0]).toBeCloseTo(Math.sqrt(200 / 3), 12);
    // incomes 10,20,60: deviations -20,-10,30 -> variance 1400/3
    expect(s.scale[1]).toBeCloseTo(Math.sqrt(1400 / 3), 12);
    expect(s.scale[2]).toBe(1);
  });

  it('scales to zero mean and unit variance, and unscales back', () => {
    const columns = featureColumns(customers);
    const raw = featureMatrix(customers, columns);
    const s = fitScaler(raw, columns);
    const z = scaleMatrix(raw, s);
    for (let j = 0; j < 2; j++) {
      const col = [0, 1, 2].map((i) => z.data[i * 3 + j]);
      expect(col.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
      expect(col.reduce((a, b) => a + b * b, 0) / 3).toBeCloseTo(1, 12);
    }
    expect(unscaleRow(z.data.subarray(3, 6), s)).toEqual([30, 20, 50].map((v) => expect.closeTo(v, 10)));
  });

  it('scales in place to the very values of a scaled copy, in the raw buffer', () => {
    const columns = featureColumns(customers);
    const raw = featureMatrix(customers, columns);
    const s = fitScaler(raw, columns);
    const copy = scaleMatrix(raw, s);
    const buffer = raw.data;
    const inPlace = scaleMatrixInPlace(raw, s);
    expect(inPlace.data).toBe(buffer);
    expect(Array.from(inPlace.data)).toEqual(Array.from(copy.data));
    expect(Array.from(inPlace.data)).not.toEqual(Array.from(featureMatrix(customers, columns).data));
  });
});

describe('encoding any table', () => {
  const data = customersFromCsv('id,region,spend,visits\na,North,0,1\nb,South,99,3\nc,north,9,2\nd,East,999,2\n', {
    schema: {
      primaryKey: 'id',
      features: ['spend', 'visits', 'region'],
      categorical: ['region'],
      fields: [
        { name: 'id', type: 'string' },
        { name: 'spend', type: 'number', transform: 'log1p', constraints: { minimum: 0 } },
      ],
    },
  });

  it('one-hot encodes a categorical feature (sorted values) and log1p-transforms money-like columns', () => {
    const columns = featureColumns(data);
    expect(columns.map((c) => c.name)).toEqual(['spend', 'visits', 'region=East', 'region=North', 'region=South']);
    const raw = featureMatrix(data, columns);
    // row d: log1p(999) = log(1000), visits 2, East
    expect(Array.from(raw.data.subarray(15, 20))).toEqual([Math.log(1000), 2, 1, 0, 0].map((v) => expect.closeTo(v, 12)));
    const s = fitScaler(raw, columns);
    // one-hot columns: not centred, divided by sqrt(2): a different category is a distance of exactly 1
    expect(s.mean.slice(2)).toEqual([0, 0, 0]);
    expect(s.scale.slice(2)).toEqual([Math.SQRT2, Math.SQRT2, Math.SQRT2]);
    const z = scaleMatrix(raw, s);
    const rowOf = (i: number) => Array.from(z.data.subarray(i * 5 + 2, i * 5 + 5));
    const d2 = rowOf(0).reduce((acc, v, j) => acc + (v - rowOf(1)[j]) ** 2, 0);
    expect(d2).toBeCloseTo(1, 12);
    // back to raw units: expm1 undoes log1p
    expect(toRawUnits(z.data.subarray(15, 20), s, columns)[0]).toBeCloseTo(999, 9);
  });

  it('codes categories by their index in the sorted values', () => {
    expect(Array.from(categoryCodes(data.schema, data.categorical.region, 'region'))).toEqual([1, 2, 1, 0]);
  });
});
