import { describe, expect, it } from 'vitest';
import { idColumn } from '../report/tables';
import { cleanCustomers } from './clean';
import { customersToDataFrame, rawTableToDataFrame } from './frame';
import { parseCustomersCsv } from './parse';

const MALL = 'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n1,Male,19,15,39\n2,Female,21.5,16,81\n5,female,30,70,6\n';
// A non-Mall table: text ids, two categorical columns (one clustered), no header order shared with the schema.
const SHOP = 'region,basket,visits,member,customer,segment_hint\nNorth,12.5,3,yes,c-1,x\nSouth,40,10,no,c-2,y\nnorth,7,1,yes,c-3,z\n';
const SHOP_CHOICE = { features: ['basket', 'visits', 'member'], id: 'customer', categorical: ['member', 'region'] };

describe('customersToDataFrame', () => {
  it('Mall: the id first, then the columns in field order, numbers as numbers and categories as text', () => {
    const { data } = cleanCustomers(parseCustomersCsv(MALL));
    const df = customersToDataFrame(data);
    expect(df.shape).toEqual([3, 5]);
    expect(df.columns).toEqual(['CustomerID', 'Gender', 'Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
    expect(df.column('CustomerID').values).toEqual([1, 2, 5]);
    expect(df.column('Gender').values).toEqual(['Male', 'Female', 'Female']);
    expect(df.column('Age').values).toEqual([19, 21.5, 30]);
    expect(df.column('Spending Score (1-100)').values).toEqual([39, 81, 6]);
    expect(df.dtypes).toEqual(['int32', 'string', 'float32', 'int32', 'int32']);
  });

  it('any schema: text ids, categorical columns with their canonical spelling, numeric columns', () => {
    const { data } = cleanCustomers(parseCustomersCsv(SHOP, { schema: SHOP_CHOICE }));
    const df = customersToDataFrame(data);
    expect(df.columns[0]).toBe('customer');
    expect([...df.columns].sort()).toEqual(['basket', 'customer', 'member', 'region', 'visits']);
    expect(df.column('customer').values).toEqual(['c-1', 'c-2', 'c-3']);
    expect(df.column('region').values).toEqual(['North', 'South', 'North']);
    expect(df.column('basket').values).toEqual([12.5, 40, 7]);
    expect(df.column('member').values).toEqual(['yes', 'no', 'yes']);
  });

  it('without an id column: "row" with the row numbers, the name the output tables use', () => {
    const { data } = cleanCustomers(parseCustomersCsv(SHOP, { schema: { features: ['basket', 'visits'] } }));
    const df = customersToDataFrame(data);
    expect(df.columns).toEqual(['row', 'basket', 'visits']);
    expect(df.columns[0]).toBe(idColumn(data));
    expect(df.column('row').values).toEqual([1, 2, 3]);
  });

  it('gives an empty frame with the same columns for no customers', () => {
    const { data } = cleanCustomers(parseCustomersCsv(MALL));
    const df = customersToDataFrame({ ...data, n: 0, ids: [], lines: new Int32Array(0) });
    expect(df.shape).toEqual([0, 5]);
    expect(df.columns).toEqual(['CustomerID', 'Gender', 'Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
  });
});

describe('rawTableToDataFrame', () => {
  it('Mall: raw strings, the schema columns in file order, file lines as index, extra columns left out', () => {
    const table = parseCustomersCsv('Age,CustomerID,Gender,Annual Income (k$),Spending Score (1-100),Extra\n19,1,male,15,39,x\n\n,2,Female,abc,81,y\n');
    const df = rawTableToDataFrame(table);
    expect(df.shape).toEqual([2, 5]);
    expect(df.columns).toEqual(['Age', 'CustomerID', 'Gender', 'Annual Income (k$)', 'Spending Score (1-100)']);
    expect(df.index).toEqual([2, 4]);
    expect(df.dtypes).toEqual(['string', 'string', 'string', 'string', 'string']);
    expect(df.column('Gender').values).toEqual(['male', 'Female']);
    expect(df.column('Age').values).toEqual(['19', '']);
    expect(df.column('Annual Income (k$)').values).toEqual(['15', 'abc']);
  });

  it('any schema: the columns the schema names, in file order', () => {
    const df = rawTableToDataFrame(parseCustomersCsv(SHOP, { schema: SHOP_CHOICE }));
    expect(df.columns).toEqual(['region', 'basket', 'visits', 'member', 'customer']);
    expect(df.column('region').values).toEqual(['North', 'South', 'north']);
    expect(df.index).toEqual([2, 3, 4]);
  });
});
