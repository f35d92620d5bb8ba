import type * as Danfo from 'danfojs-node';
import type { Customers } from './clean';
import type { RawTable } from './parse';

/** danfojs-node's DataFrame (the only module that imports danfojs). */
export type DataFrame = Danfo.DataFrame;

/** danfojs-node takes seconds to load: it is required on first use, so that importing the public API stays fast. */
function danfo(): typeof Danfo {
  return require('danfojs-node') as typeof Danfo;
}

/** Name of the id column of a frame whose table has no id column (customers numbered by data row, as the output tables). */
export const ROW_NUMBER_COLUMN = 'row';

/**
 * Clean customers as a typed danfo DataFrame for notebooks, shape [n, 1 + columns]: the id column first (the schema's
 * `primaryKey`, or "row" with the row numbers when the table has none), then every other schema column in field order,
 * numeric columns as numbers and categorical columns as text. The index is 0..n-1. No customers give a frame of
 * shape [0, 1 + columns] with the same columns.
 *
 * @example
 * customersToDataFrame(cleaning.data).head().print();
 */
export function customersToDataFrame(data: Customers): DataFrame {
  const { schema } = data;
  const idName = schema.primaryKey ?? ROW_NUMBER_COLUMN;
  const others = schema.fields.map((f) => f.name).filter((name) => name !== schema.primaryKey);
  const columns = [idName, ...others];
  if (data.n === 0) return new (danfo().DataFrame)([], { columns });
  const values: Record<string, (string | number)[]> = { [idName]: [...data.ids] };
  for (const name of others) values[name] = name in data.numeric ? Array.from(data.numeric[name]) : [...data.categorical[name]];
  return new (danfo().DataFrame)(values, { columns });
}

/**
 * The raw table as a danfo DataFrame of strings (cells as read, '' when empty), for "look at the data" cells: one
 * column per schema column, in the file's column order, index = the file line numbers, so a dropped row's `line`
 * finds it. Columns of the file the schema does not name are not included.
 *
 * @example
 * rawTableToDataFrame(table).head().print();
 */
export function rawTableToDataFrame(table: RawTable): DataFrame {
  const position = (name: string) => table.header.findIndex((h) => h.trim() === name);
  const columns = table.schema.fields.map((f) => f.name).sort((a, b) => position(a) - position(b));
  if (table.rows.length === 0) return new (danfo().DataFrame)([], { columns });
  const data: Record<string, string[]> = {};
  for (const column of columns) data[column] = table.rows.map((row) => row.values[column]);
  return new (danfo().DataFrame)(data, { columns, index: table.rows.map((row) => row.line), dtypes: columns.map(() => 'string') });
}
