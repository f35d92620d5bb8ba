import type { Customers } from '../data/clean';
import { categoricalColumns } from '../data/schema';
import { categoryCodes, categoryValues } from '../features/encode';
import type { Matrix } from '../util/matrix';
import { csvCell } from '../util/csv';

/** Column written for the customer id when the table has no id column (customers numbered by data row). */
export const ROW_ID_COLUMN = 'row';

/** Rows per chunk of {@link csvChunks}: large tables are written in pieces, never as one string. */
const CHUNK_ROWS = 2_000;

/** Options of the `*CsvChunks` functions. */
export interface ChunkOptions {
  /** Called after each chunk with the data rows made so far and the total. Default: none. */
  onRows?: (done: number, total: number) => void;
  /** Write text cells starting with = + - @ tab or CR with a leading ' (spreadsheet formula guard, see csvCell). Default true. */
  csvGuard?: boolean;
}

/** CSV text in chunks of CHUNK_ROWS lines; `row(i)` gives line i's cells. */
function* csvChunks(header: readonly string[], n: number, row: (i: number) => (string | number)[], options: ChunkOptions = {}): Generator<string> {
  const guard = options.csvGuard ?? true;
  const cell = (v: string | number) => csvCell(v, guard);
  yield header.map(cell).join(',') + '\n';
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    let text = '';
    const end = Math.min(n, start + CHUNK_ROWS);
    for (let i = start; i < end; i++) text += row(i).map(cell).join(',') + '\n';
    yield text;
    options.onRows?.(end, n);
  }
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
  return [...preprocessedCsvChunks(data, scaled, features)].join('');
}

/** {@link preprocessedCsv} in chunks of 2,000 lines (for writing large tables without one huge string; chunks stay small enough for V8's young generation, so writing 10,000,000 rows does not grow the heap). */
export function preprocessedCsvChunks(data: Customers, scaled: Matrix, features: readonly string[], options: ChunkOptions = {}): Generator<string> {
  const cats = categoricalColumns(data.schema);
  const codes = cats.map((c) => categoryCodes(data.schema, data.categorical[c], c));
  const width = features.length;
  return csvChunks([idColumn(data), ...cats, ...features], data.n, (i) => {
    const cells: (string | number)[] = [data.ids[i]];
    for (const col of codes) cells.push(col[i]);
    for (let j = 0; j < width; j++) cells.push(scaled.data[i * scaled.cols + j]);
    return cells;
  }, options);
}

/** The category codes used by {@link preprocessedCsv}, per categorical column: value -> code (shown in the notebook). */
export function categoryCodeBook(data: Customers): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const c of categoricalColumns(data.schema)) out[c] = Object.fromEntries(categoryValues(data.schema, data.categorical[c], c).map((v, i) => [v, i]));
  return out;
}

/** data/processed/clustered_data.csv: the id, the cleaned schema columns in field order, and an integer `Cluster` (0..k-1). */
export function clusteredCsv(data: Customers, labels: ArrayLike<number>): string {
  return [...clusteredCsvChunks(data, labels)].join('');
}

/** Options of {@link clusteredCsvChunks}. */
export interface ClusteredOptions extends ChunkOptions {
  /** Columns written between the schema's columns and `Cluster` (transactions runs: R, F, M, RFM, rfm_segment). Default: none. */
  extra?: { name: string; value: (row: number) => string | number }[];
}

/** {@link clusteredCsv} in chunks of 2,000 lines. */
export function clusteredCsvChunks(data: Customers, labels: ArrayLike<number>, options: ClusteredOptions = {}): Generator<string> {
  const columns = data.schema.fields.map((f) => f.name).filter((name) => name !== data.schema.primaryKey);
  const values = columns.map((c) => data.numeric[c] ?? data.categorical[c]);
  const extra = options.extra ?? [];
  return csvChunks([idColumn(data), ...columns, ...extra.map((e) => e.name), 'Cluster'], data.n, (i) => {
    const cells: (string | number)[] = [data.ids[i]];
    for (const col of values) cells.push(col[i]);
    for (const e of extra) cells.push(e.value(i));
    cells.push(labels[i]);
    return cells;
  }, options);
}
