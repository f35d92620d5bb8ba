import type { Customers } from '../data/clean';
import { categoricalColumns } from '../data/schema';
import { categoryCodes, categoryValues } from '../features/encode';
import type { Matrix } from '../model/matrix';

/** Column written for the customer id when the table has no id column (customers numbered by data row). */
export const ROW_ID_COLUMN = 'row';

function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header: readonly string[], rows: (string | number)[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** The id column's name as written in output tables: the schema's id column, or "row". */
export function idColumn(data: Customers): string {
  return data.schema.primaryKey ?? ROW_ID_COLUMN;
}

/**
 * data/processed/preprocessed_data.csv: the id, each categorical column as an integer code (its index in the enum or
 * in the sorted values; Mall: Gender Female 0, Male 1), and one standardized column per clustering column, named as
 * the feature ("<column>=<category>" for one-hot).
 * @param scaled standardized features, shape [data.n, features.length]
 */
export function preprocessedCsv(data: Customers, scaled: Matrix, features: readonly string[]): string {
  const cats = categoricalColumns(data.schema);
  const codes = cats.map((c) => categoryCodes(data.schema, data.categorical[c], c));
  const rows = data.ids.map((id, i) => [id, ...codes.map((col) => col[i]), ...features.map((_, j) => scaled.data[i * scaled.cols + j])]);
  return csv([idColumn(data), ...cats, ...features], rows);
}

/** The category codes used by {@link preprocessedCsv}, per categorical column: value -> code. */
export function categoryCodeBook(data: Customers): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const c of categoricalColumns(data.schema)) out[c] = Object.fromEntries(categoryValues(data.schema, data.categorical[c], c).map((v, i) => [v, i]));
  return out;
}

/** data/processed/clustered_data.csv: the id, the cleaned schema columns in field order, and an integer `Cluster` (0..k-1). */
export function clusteredCsv(data: Customers, labels: ArrayLike<number>): string {
  const columns = data.schema.fields.map((f) => f.name).filter((name) => name !== data.schema.primaryKey);
  const values = columns.map((c) => data.numeric[c] ?? data.categorical[c]);
  const rows = data.ids.map((id, i) => [id, ...values.map((col) => col[i]), labels[i]]);
  return csv([idColumn(data), ...columns, 'Cluster'], rows);
}
