// Clean customers as one record per row (inspection and small tables).
import type { Customers } from './types';

/**
 * Customers as one record per row, keyed by column name (the id under the schema's id column, or "row"): the shape
 * `predict` takes and JSON tools expect. Allocates n objects: for inspection and small tables, not the hot path.
 */
export function toRecords(data: Customers): Record<string, string | number>[] {
  const idName = data.schema.primaryKey ?? 'row';
  const columns = data.schema.fields.map((f) => f.name).filter((name) => name !== data.schema.primaryKey);
  return data.ids.map((id, i) => {
    const record: Record<string, string | number> = { [idName]: id };
    for (const c of columns) record[c] = data.numeric[c] !== undefined ? data.numeric[c][i] : data.categorical[c][i];
    return record;
  });
}
