/**
 * Tables the modeling notebook shows about segments and customers, for any schema: profiles flattened to one row per
 * segment, and customers of the table as the records `predict` takes. Pure.
 */
import type { Customers } from '../data/clean';
import { categoricalColumns, numericColumns, type TableSchema } from '../data/schema';
import type { SegmentProfile } from '../model/types';

/**
 * One row per segment: id, label, size, share, the mean of every numeric column (raw units, keyed by column name)
 * and the share of every value of every categorical column (keyed "<column>: <value>", 0-1).
 * @example showTable(profileRows(seg.profiles, prep.data.schema), { digits: 2 })
 */
export function profileRows(profiles: readonly SegmentProfile[], schema: TableSchema): Record<string, string | number>[] {
  return profiles.map((p) => {
    const row: Record<string, string | number> = { segment: p.id, label: p.label, customers: p.size, share: p.share };
    for (const column of numericColumns(schema)) row[column] = p.means[column];
    for (const column of categoricalColumns(schema))
      for (const [value, share] of Object.entries(p.categories[column] ?? {})) row[`${column}: ${value}`] = share;
    return row;
  });
}

/** Options of {@link customerRecords}. */
export interface CustomerRecordsOptions {
  /** How many customers, spread evenly over the table (first and last included). Default 5. */
  count?: number;
}

/** A customer of the table as a record for `predict`, with the row it came from. */
export interface CustomerRecord {
  /** Index of the customer in `data` (0-based), to compare with the training labels. */
  row: number;
  /** Every schema column's clean value, keyed by column name (the id included). */
  record: Record<string, string | number>;
}

/**
 * Customers taken from the table itself as `predict` records keyed by the schema's column names, so the example works
 * for any table: rows 0, ..., n-1 spread evenly (`count` of them, fewer when the table is smaller).
 * @example predict(model, customerRecords(prep.data).map((c) => c.record))
 */
export function customerRecords(data: Customers, options: CustomerRecordsOptions = {}): CustomerRecord[] {
  const { count = 5 } = options;
  const { schema } = data;
  const take = Math.min(count, data.n);
  const rows = take <= 1 ? [0].slice(0, take) : Array.from({ length: take }, (_, i) => Math.round((i * (data.n - 1)) / (take - 1)));
  return rows.map((row) => {
    const record: Record<string, string | number> = {};
    for (const f of schema.fields) {
      if (f.name === schema.primaryKey) record[f.name] = data.ids[row];
      else if (f.name in data.numeric) record[f.name] = data.numeric[f.name][row];
      else record[f.name] = data.categorical[f.name][row];
    }
    return { row, record };
  });
}
