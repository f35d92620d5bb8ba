import * as dfd from 'danfojs-node';
import type { RawTable } from './parse';
import { COLUMNS, REQUIRED_COLUMNS, type Customer } from './schema';

/** danfojs-node's DataFrame (the only module that imports danfojs). */
export type DataFrame = dfd.DataFrame;

/**
 * Clean customers as a danfo DataFrame for notebooks, shape [nCustomers, 5], columns named exactly as
 * COLUMNS in the public file's order (CustomerID, Gender, Age, Annual Income (k$), Spending Score (1-100)).
 * The index is 0..n-1. An empty list gives a frame of shape [0, 5] with the same columns.
 *
 * @example
 * customersToDataFrame(clean.customers).head().print();
 */
export function customersToDataFrame(customers: readonly Customer[]): DataFrame {
  const columns = [...REQUIRED_COLUMNS];
  if (customers.length === 0) return new dfd.DataFrame([], { columns });
  return new dfd.DataFrame({
    [COLUMNS.id]: customers.map((c) => c.id),
    [COLUMNS.gender]: customers.map((c) => c.gender),
    [COLUMNS.age]: customers.map((c) => c.age),
    [COLUMNS.income]: customers.map((c) => c.income),
    [COLUMNS.spending]: customers.map((c) => c.spending),
  }, { columns });
}

/**
 * The raw table as a danfo DataFrame of strings (cells as read, '' when empty), for "look at the data"
 * cells: shape [nRows, 5], columns = REQUIRED_COLUMNS, index = the file line numbers, so a dropped row's
 * `line` finds it. Extra columns of the file are not included.
 *
 * @example
 * rawTableToDataFrame(table).head().print();
 */
export function rawTableToDataFrame(table: RawTable): DataFrame {
  const columns = [...REQUIRED_COLUMNS];
  if (table.rows.length === 0) return new dfd.DataFrame([], { columns });
  const data: Record<string, string[]> = {};
  for (const column of columns) data[column] = table.rows.map((row) => row.values[column]);
  return new dfd.DataFrame(data, { columns, index: table.rows.map((row) => row.line), dtypes: columns.map(() => 'string') });
}
