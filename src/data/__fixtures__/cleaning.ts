import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cleanCustomers, toRecords, type CleanOptions, type CleanResult } from '../clean';
import { parseCustomersCsv } from '../parse';

/** The Mall header, for tests that write the rows by hand. */
export const HEADER = 'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)';

/** The text of a file of src/data/__fixtures__/. */
export const fixture = (name: string): string => readFileSync(join(__dirname, name), 'utf8');

/** Cleans Mall rows written by hand (`body`: the lines after the header), as "t.csv". */
export const cleanText = (body: string, options?: CleanOptions): CleanResult =>
  cleanCustomers(parseCustomersCsv(`${HEADER}\n${body}`, { source: 't.csv' }), options);

/** The clean Mall customers as the short records these tests are written with. */
export function mall(result: CleanResult): { id: number; gender: string; age: number; income: number; spending: number }[] {
  return toRecords(result.data).map((r) => ({
    id: r.CustomerID as number,
    gender: r.Gender as string,
    age: r.Age as number,
    income: r['Annual Income (k$)'] as number,
    spending: r['Spending Score (1-100)'] as number,
  }));
}

/** Asserts that every row read is used or dropped, once, and that every number kept is finite. */
export function expectAccounted(result: CleanResult): void {
  expect(result.rows.read).toBe(result.rows.used + result.rows.dropped);
  expect(mall(result)).toHaveLength(result.rows.used);
  expect(result.dropped).toHaveLength(result.rows.dropped);
  expect(Object.values(result.rows.droppedBy).reduce((a, b) => a + b, 0)).toBe(result.rows.dropped);
  for (const c of mall(result)) {
    for (const v of [c.id, c.age, c.income, c.spending]) expect(Number.isFinite(v)).toBe(true);
  }
}
