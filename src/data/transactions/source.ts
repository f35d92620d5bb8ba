/**
 * Where the orders come from, for the DuckDB aggregation: the relation text of a CSV or Parquet file or a database
 * table or query, a check of the named columns, the number of parts the grouping takes under a memory limit, and
 * DuckDB's memory limit read and lowered.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { DataError, OptionsError } from '../../util/errors';
import type { TransactionsSpec } from './sql';

/** A SQL string literal ('' for each quote). */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * The DuckDB relation for a file: CSV read as text (ids keep leading zeros), Parquet as typed columns cast to text
 * later. The CSV separator is the most frequent of , ; tab | in the header line: DuckDB's own sniffer picks another
 * header or one column when some lines have more or fewer fields, where a fixed separator makes it say which line.
 */
export function fileRelation(path: string): string {
  const ext = extname(path).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return `read_parquet(${sqlString(path)}) AS orders`;
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(65_536);
  const n = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  const first = buffer.subarray(0, n).toString('utf8').split(/\r?\n/)[0];
  const counts = [',', ';', '\t', '|'].map((d) => [d, first.split(d).length - 1] as const).sort((a, b) => b[1] - a[1]);
  const delim = counts[0][1] > 0 ? counts[0][0] : ',';
  return `read_csv(${sqlString(path)}, all_varchar = true, header = true, delim = ${sqlString(delim)}, quote = '"', escape = '"', skip = 0) AS orders`;
}

/**
 * Order lines one part of the grouping takes per GB of DuckDB's memory limit: 10 million lines (1.5 million customers)
 * group within 200 MB, 100 million (14.8 million customers) do not within 1 GB (docs/performance.md).
 */
export const LINES_PER_PART_PER_GB = 20_000_000;

/** The number of parts for about `lines` order lines under a memory limit of `memoryBytes`. */
export function partsFor(lines: number, memoryBytes: number): number {
  if (!Number.isFinite(lines) || !Number.isFinite(memoryBytes) || memoryBytes <= 0) return 1;
  return Math.max(1, Math.ceil(lines / ((LINES_PER_PART_PER_GB * memoryBytes) / 1e9)));
}

/** About how many lines a CSV file has: its size over the mean length of its first lines. */
function csvLinesEstimate(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(65_536);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const lines = buffer.subarray(0, n).toString('utf8').split('\n').length - 1;
    return lines <= 1 ? 1 : Math.ceil((fstatSync(fd).size / n) * lines);
  } finally {
    closeSync(fd);
  }
}

const UNIT: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };

/** Bytes of a DuckDB size text ('953.6 MiB', '1GB', '64 MB'); NaN when not one. */
export function sizeBytes(text: string): number {
  const m = /^\s*([0-9]+(?:[.][0-9]+)?)\s*([KMGT]i?B|B)?\s*$/i.exec(text);
  return m ? Number(m[1]) * UNIT[(m[2] ?? 'B').toUpperCase()] : Number.NaN;
}

/** Lowers DuckDB's memory limit to `fraction` of its current value (DuckDB evicts its cached blocks to disk). */
export async function shrinkMemoryLimit(connection: import('@duckdb/node-api').DuckDBConnection, fraction: number): Promise<void> {
  const [{ limit }] = (await connection.runAndReadAll("SELECT current_setting('memory_limit') AS limit")).getRowObjectsJS() as { limit: string }[];
  const bytes = sizeBytes(String(limit));
  if (Number.isFinite(bytes) && bytes > 0) await connection.run(`SET memory_limit = '${Math.floor((bytes * fraction) / 1024)}KiB'`);
}

/** {@link partsFor} the source's lines (a CSV's estimated from its size, Parquet's and a database's counted). */
export async function estimatedParts(run: (sql: string) => Promise<Record<string, unknown>[]>, source: { file: string } | { duckdb: string }, relation: string): Promise<number> {
  const [{ limit }] = await run("SELECT current_setting('memory_limit') AS limit");
  const isCsv = 'file' in source && !/^read_parquet/.test(relation);
  const lines = isCsv ? csvLinesEstimate(source.file) : Number((await run(`SELECT COUNT(*) AS n FROM ${relation}`))[0].n);
  return partsFor(lines, sizeBytes(String(limit)));
}

/** The relation of a database source: the query in parentheses, else the table. */
export function databaseRelation(source: { table?: string; sql?: string }, where: string): string {
  if (source.sql !== undefined) return `(${source.sql}) AS orders`;
  if (source.table !== undefined) return source.table;
  throw new OptionsError(`name the orders table in ${where}: --table NAME or --sql "SELECT ..."`, 'table');
}

/** Refuses a spec naming columns the orders do not have, with the columns found. */
export function absentColumns(spec: TransactionsSpec, header: readonly string[], where: string): void {
  const wanted = [spec.customer, spec.date, spec.amount, spec.order, spec.quantity].filter((c): c is string => c !== undefined);
  const absent = wanted.filter((c) => !header.includes(c));
  // DuckDB's CSV sniffer falls back to one column when lines disagree on the number of fields
  const oneColumn = header.length === 1 && /[,;\t|]/.test(header[0]);
  if (absent.length > 0)
    throw new DataError(
      `${absent.length === 1 ? `Column "${absent[0]}" is` : `Columns ${absent.map((a) => `"${a}"`).join(', ')} are`} missing in ${where} (found: ${header.join(', ')}); ` +
        (oneColumn
          ? 'the file was read as a single column: some lines have more or fewer fields than the header (a separator inside an unquoted cell?); quote such cells'
          : 'name the columns of the orders with --customer, --date, --amount [--order, --quantity]'),
      where,
    );
}
