import { cleanCustomers, type Customers } from '../clean';
import { parseCustomersCsv } from '../parse';
import type { SchemaChoice } from '../schema';

/** A Mall customer as tests write it by hand. */
export interface MallRow {
  id: number;
  gender: 'Female' | 'Male';
  age: number;
  income: number;
  spending: number;
}

/** Clean, column-wise Mall customers from hand-written rows (through the real parser and cleaner). */
export function mallCustomers(rows: readonly MallRow[]): Customers {
  const text = ['CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)', ...rows.map((r) => [r.id, r.gender, r.age, r.income, r.spending].join(','))].join('\n');
  const result = cleanCustomers(parseCustomersCsv(text, { source: '<test>' }));
  if (result.rows.dropped > 0) throw new Error(`test rows dropped: ${JSON.stringify(result.dropped)}`);
  return result.data;
}

/** Clean customers of any table from CSV text and a schema choice (through the real parser and cleaner). */
export function customersFromCsv(text: string, schema: SchemaChoice): Customers {
  return cleanCustomers(parseCustomersCsv(text, { source: '<test>', schema })).data;
}
