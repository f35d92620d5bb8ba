import { describe, expect, it } from 'vitest';
import { cleanCustomers } from '../data/clean';
import { parseCustomersCsv } from '../data/parse';
import { profileSegments } from '../segmentation/profile';
import { customerRecords, profileRows } from './segments';

const SHOP = cleanCustomers(
  parseCustomersCsv('customer,plan,basket,visits\na,pro,10,1\nb,free,20,3\nc,pro,30,2\nd,free,40,4\ne,pro,50,5\n', {
    schema: { features: ['basket', 'visits'], id: 'customer', categorical: ['plan'] },
  }),
).data;

describe('profileRows', () => {
  it('one row per segment with the means of every numeric column and the shares of every category', () => {
    const profiles = profileSegments(SHOP, [0, 0, 1, 1, 1], { k: 2 });
    const rows = profileRows(profiles, SHOP.schema);
    // segment 0: a, b (basket 10, 20; visits 1, 3; plans pro, free); segment 1: c, d, e
    expect(rows[0]).toMatchObject({ segment: 0, customers: 2, share: 0.4, basket: 15, visits: 2, 'plan: free': 0.5, 'plan: pro': 0.5 });
    expect(rows[1]).toMatchObject({ segment: 1, customers: 3, share: 0.6, basket: 40, visits: 11 / 3, 'plan: free': 1 / 3, 'plan: pro': 2 / 3 });
    expect(Object.keys(rows[0])).toEqual(['segment', 'label', 'customers', 'share', 'basket', 'visits', 'plan: free', 'plan: pro']);
  });
});

describe('customerRecords', () => {
  it('takes rows spread over the table, keyed by the schema column names', () => {
    expect(customerRecords(SHOP, { count: 3 })).toEqual([
      { row: 0, record: { customer: 'a', plan: 'pro', basket: 10, visits: 1 } },
      { row: 2, record: { customer: 'c', plan: 'pro', basket: 30, visits: 2 } },
      { row: 4, record: { customer: 'e', plan: 'pro', basket: 50, visits: 5 } },
    ]);
    expect(customerRecords(SHOP, { count: 9 }).map((c) => c.row)).toEqual([0, 1, 2, 3, 4]);
    expect(customerRecords(SHOP, { count: 1 }).map((c) => c.row)).toEqual([0]);
  });

  it('Mall: the record has the Mall column names and numeric ids', () => {
    const mall = cleanCustomers(parseCustomersCsv('CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n1,Male,19,15,39\n2,Female,21,16,81\n')).data;
    expect(customerRecords(mall, { count: 1 })[0].record).toEqual({ CustomerID: 1, Gender: 'Male', Age: 19, 'Annual Income (k$)': 15, 'Spending Score (1-100)': 39 });
  });
});
