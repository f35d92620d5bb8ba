import { describe, expect, it } from 'vitest';
import { customersToDataFrame, rawTableToDataFrame } from './frame';
import { parseCustomersCsv } from './parse';
import { REQUIRED_COLUMNS, type Customer } from './schema';

const customers: Customer[] = [
  { id: 1, gender: 'Male', age: 19, income: 15, spending: 39 },
  { id: 2, gender: 'Female', age: 21.5, income: 16, spending: 81 },
  { id: 5, gender: 'Female', age: 30, income: 70, spending: 6 },
];

describe('customersToDataFrame', () => {
  it('gives shape [n, 5] with the public column names and the values', () => {
    const df = customersToDataFrame(customers);
    expect(df.shape).toEqual([3, 5]);
    expect(df.columns).toEqual([...REQUIRED_COLUMNS]);
    expect(df.column('CustomerID').values).toEqual([1, 2, 5]);
    expect(df.column('Gender').values).toEqual(['Male', 'Female', 'Female']);
    expect(df.column('Age').values).toEqual([19, 21.5, 30]);
    expect(df.column('Annual Income (k$)').values).toEqual([15, 16, 70]);
    expect(df.column('Spending Score (1-100)').values).toEqual([39, 81, 6]);
    expect(df.dtypes[1]).toBe('string');
  });

  it('gives an empty frame with the five columns for no customers', () => {
    const df = customersToDataFrame([]);
    expect(df.shape).toEqual([0, 5]);
    expect(df.columns).toEqual([...REQUIRED_COLUMNS]);
  });
});

describe('rawTableToDataFrame', () => {
  it('keeps raw strings, the five required columns, and file lines as index', () => {
    const table = parseCustomersCsv(
      'Age,CustomerID,Gender,Annual Income (k$),Spending Score (1-100),Extra\n19,1,male,15,39,x\n\n,2,Female,abc,81,y\n',
    );
    const df = rawTableToDataFrame(table);
    expect(df.shape).toEqual([2, 5]);
    expect(df.columns).toEqual([...REQUIRED_COLUMNS]);
    expect(df.index).toEqual([2, 4]);
    expect(df.dtypes).toEqual(['string', 'string', 'string', 'string', 'string']);
    expect(df.column('Gender').values).toEqual(['male', 'Female']);
    expect(df.column('Age').values).toEqual(['19', '']);
    expect(df.column('Annual Income (k$)').values).toEqual(['15', 'abc']);
  });
});
