import { readFile } from 'node:fs/promises';
import { DataError, OptionsError } from '../errors';
import { dataHash } from './hash';
import { isParquet, readParquetRecords } from './parquet';
import { parseCustomersCsv, tableFromRecords, type ParseOptions, type RawTable } from './parse';
import { validateSchema, type TableSchema } from './schema';

/** Where users get the public dataset. */
export const DATASET_URL = 'https://www.kaggle.com/datasets/vjchoudhary7/customer-segmentation-tutorial-in-python';

/**
 * Reads a customer CSV file and parses it with {@link parseCustomersCsv}. The only I/O in src/data.
 *
 * @param path - File to read (UTF-8).
 * @param options - `source` names the file in messages; default: `path` as given.
 * @returns The parsed table and the file's text (for `dataHash`).
 * @throws DataError when the file is missing (with the download link and `--data`), is a directory or cannot
 * be read, and for every refusal of `parseCustomersCsv`.
 *
 * @example
 * const { table, text } = await loadCustomersCsv('data/raw/Mall_Customers.csv');
 */
export async function loadCustomersCsv(path: string, options: ParseOptions = {}): Promise<{ table: RawTable; text: string }> {
  const { source = path } = options;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new DataError(
        `Data file not found: ${path}. Download Mall_Customers.csv from ${DATASET_URL} and save it there, or pass --data <path to the CSV>`,
        source,
      );
    }
    if (code === 'EISDIR') {
      throw new DataError(`${path} is a directory, not a CSV file; pass --data <path to the CSV>`, source);
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError(`Cannot read ${path}: ${reason}`, source);
  }
  return { table: parseCustomersCsv(text, { source, schema: options.schema }), text };
}

/**
 * Reads a customer table from a CSV or a Parquet file (by extension, `.parquet`): the same RawTable either way, so a
 * Parquet file gives the same results as the CSV of the same rows. Parquet is read through DuckDB.
 * @returns the table and `hash`, the sha256 of the file's bytes (of its UTF-8 text for CSV, as dataHash(text)).
 * @throws DataError as {@link loadCustomersCsv}, and for an unreadable Parquet file.
 */
export async function loadCustomers(path: string, options: ParseOptions = {}): Promise<{ table: RawTable; hash: string }> {
  if (!isParquet(path)) {
    const { table, text } = await loadCustomersCsv(path, options);
    return { table, hash: dataHash(text) };
  }
  const { source = path } = options;
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(code === 'ENOENT' ? `Data file not found: ${path}; pass --data <path to the CSV or Parquet file>` : `Cannot read ${path}: ${(error as Error).message}`, source);
  }
  const { header, records } = await readParquetRecords(path);
  return { table: tableFromRecords(header, records, { ...options, source }), hash: dataHash(bytes) };
}

/**
 * Reads a schema JSON file (see README "Your own data") and checks its shape with {@link validateSchema}.
 * @throws OptionsError when the file is missing, not JSON, or not a schema.
 */
export async function loadSchema(path: string): Promise<TableSchema> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OptionsError(`Schema file ${path} cannot be read (${code ?? (error as Error).message}); pass --schema <path to a schema JSON file>`, 'schema');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OptionsError(`Schema file ${path} is not JSON (${(error as Error).message.split('\n')[0]})`, 'schema');
  }
  return validateSchema(json, path);
}
