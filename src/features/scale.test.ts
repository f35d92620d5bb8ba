import { describe, expect, it } from 'vitest';
import { COLUMNS, type Customer } from '../data/schema';
import { featureMatrix, fitScaler, scaleMatrix, unscaleRow } from './scale';
import { decodeGender, encodeGender } from './encode';

const customers: Customer[] = [
  { id: 1, gender: 'Male', age: 20, income: 10, spending: 50 },
  { id: 2, gender: 'Female', age: 30, income: 20, spending: 50 },
  { id: 3, gender: 'Female', age: 40, income: 60, spending: 50 },
];
const features = [COLUMNS.age, COLUMNS.income, COLUMNS.spending] as const;

describe('fitScaler', () => {
  it('uses the mean and the population standard deviation, 1 for a constant feature', () => {
    const s = fitScaler(customers, features);
    expect(s.mean).toEqual([30, 30, 50]);
    // ages 20,30,40: population variance 200/3
    expect(s.scale[0]).toBeCloseTo(Math.sqrt(200 / 3), 12);
    // incomes 10,20,60: deviations -20,-10,30 -> variance 1400/3
    expect(s.scale[1]).toBeCloseTo(Math.sqrt(1400 / 3), 12);
    expect(s.scale[2]).toBe(1);
  });

  it('scales to zero mean and unit variance, and unscales back', () => {
    const s = fitScaler(customers, features);
    const z = scaleMatrix(featureMatrix(customers, features), s);
    for (let j = 0; j < 2; j++) {
      const col = [0, 1, 2].map((i) => z.data[i * 3 + j]);
      expect(col.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
      expect(col.reduce((a, b) => a + b * b, 0) / 3).toBeCloseTo(1, 12);
    }
    expect(unscaleRow(z.data.subarray(3, 6), s)).toEqual([30, 20, 50].map((v) => expect.closeTo(v, 10)));
  });
});

describe('encodeGender', () => {
  it('maps Female to 0 and Male to 1 and back', () => {
    expect(encodeGender('Female')).toBe(0);
    expect(encodeGender('Male')).toBe(1);
    expect(decodeGender(1)).toBe('Male');
    expect(() => decodeGender(2)).toThrow(/not 0/);
  });
});
