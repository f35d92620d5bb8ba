/**
 * Parquet input through DuckDB (embedded; its binary ships in the npm package): the rows of a Parquet file as text
 * cells, so that they go through the same schema, cleaning and scoring as CSV rows.
 */
import { DataError } from '../util/errors';

/** Text of a DuckDB value as a CSV cell would hold it: numbers in JS's shortest form, null as '', text trimmed. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // Trimmed as the CSV reader trims its cells: " Male" in a Parquet file is the same cell as in its CSV.
  return String(value).trim();
}

async function openParquet(path: string) {
  const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  const quoted = `'${path.replace(/'/g, "''")}'`;
  try {
    const result = await connection.stream(`SELECT * FROM read_parquet(${quoted})`);
    return { instance, connection, result };
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw new DataError(`${path} is not a readable Parquet file: ${(error as Error).message.split('\n')[0]}`, path);
  }
}

/**
 * Reads the rows of a Parquet file in batches of about `batchRows`: the header (column names) and, per batch, the
 * rows as text cells with their 1-based row number + 1 (the "line" a CSV of the same rows would give them).
 */
export async function* parquetBatches(path: string, batchRows = 65_536): AsyncGenerator<{ header: string[]; records: { line: number; cells: string[] }[] }> {
  const { instance, connection, result } = await openParquet(path);
  try {
    const header = result.columnNames();
    let line = 1;
    let records: { line: number; cells: string[] }[] = [];
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const row of chunk.getRows()) records.push({ line: ++line, cells: row.map(cellText) });
      if (records.length >= batchRows) {
        yield { header, records };
        records = [];
      }
    }
    if (records.length > 0 || line === 1) yield { header, records };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The number of rows of a Parquet file, from its footer (no row is read). */
export async function parquetRowCount(path: string): Promise<number> {
  const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT num_rows FROM parquet_file_metadata('${path.replace(/'/g, "''")}')`);
    return Number(reader.getRows()[0]?.[0] ?? 0);
  } catch (error) {
    throw new DataError(`${path} is not a readable Parquet file: ${(error as Error).message.split('\n')[0]}`, path);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Every row of a Parquet file as text cells (for tables that fit in memory; see {@link parquetBatches}). */
export async function readParquetRecords(path: string): Promise<{ header: string[]; records: { line: number; cells: string[] }[] }> {
  let header: string[] = [];
  const records: { line: number; cells: string[] }[] = [];
  for await (const batch of parquetBatches(path)) {
    header = batch.header;
    for (const r of batch.records) records.push(r);
  }
  return { header, records };
}

/** True for a path that names a Parquet file (by its extension). */
export function isParquet(path: string): boolean {
  return /\.parquet$/i.test(path);
}
