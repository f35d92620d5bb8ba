import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { DataError, OptionsError } from '../util/errors';
import { CustomerCleaner, type CleanOptions, type CleanResult } from './clean';
import { dataHash } from './hash';
import { isParquet, parquetBatches, parquetRowCount, readParquetRecords } from './parquet';
import {
  checkTextStart,
  CsvRecords,
  parseCustomersCsv,
  resolveColumns,
  SNIFF_LENGTH,
  tableFromRecords,
  type ParseOptions,
  type RawTable,
} from './parse';
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
    throw missingFile(path, source, error);
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

/** How far a streaming read has come (see {@link loadCleanCustomers}). */
export interface LoadProgress {
  /** Data rows read so far. */
  rows: number;
  /** Work done and to do, in `unit`s: bytes of a CSV file, rows of a Parquet file. */
  done: number;
  total: number;
  unit: 'bytes' | 'rows';
  /** True once, when every row is read and the cleaning's finish (imputation, outlier flags, warnings) starts. */
  finishing?: boolean;
}

/** Options of {@link loadCleanCustomers}. */
export interface LoadCleanOptions extends ParseOptions, CleanOptions {
  /** Called about every 64 KiB read (CSV) or every batch (Parquet). Default: none. */
  onProgress?: (progress: LoadProgress) => void;
}

/** What {@link loadCleanCustomers} returns. */
export interface LoadedCustomers {
  /** The cleaning result, as `cleanCustomers` of the parsed file would give it. */
  cleaning: CleanResult;
  /** The table's schema, resolved against the header. */
  schema: TableSchema;
  /** Header as found. */
  header: string[];
  /** sha256 of the file's bytes, as {@link loadCustomers} gives it. */
  hash: string;
}

/**
 * Reads and cleans a customer file (CSV or Parquet) as a stream: rows go straight into a {@link CustomerCleaner}, so
 * no text row is held: memory grows with the clean columns (typed arrays, category codes), the ids and the id index,
 * not with the file's text. The path for tables of millions of rows (10,000,000 Mall-shaped rows load and clean in
 * ~20 s here). The result is the one `cleanCustomers(loadCustomers(path).table)` gives (tested), with the same refusals.
 *
 * @throws DataError as {@link loadCustomers} and {@link cleanCustomers}.
 *
 * @example
 * const { cleaning, hash } = await loadCleanCustomers('big.csv', { onProgress: (p) => draw(p.done / p.total) });
 */
export async function loadCleanCustomers(path: string, options: LoadCleanOptions = {}): Promise<LoadedCustomers> {
  const { source = path, onProgress } = options;
  const expected = options.schema?.features ? options.schema.features.join(', ') : 'a header row and one customer per line';
  let opened: { header: string[]; schema: TableSchema; index: number[]; others: number[]; cleaner: CustomerCleaner } | null = null;
  const open = (header: string[], expectedRows: number) => {
    const { schema, index, others } = resolveColumns(header, { ...options, source, expected });
    const cleaner = new CustomerCleaner(schema, { missingNumeric: options.missingNumeric, source, expected: expectedRows });
    return { header, schema, index: index.map(([, i]) => i), others, cleaner };
  };
  const cells: string[] = [];
  const otherCells: string[] = [];
  const hash = createHash('sha256');
  const addRecord = (line: number, record: string[], estimatedRows: number) => {
    if (opened === null) {
      opened = open(record, estimatedRows);
      return;
    }
    const o: { index: number[]; others: number[]; cleaner: CustomerCleaner } = opened;
    for (let c = 0; c < o.index.length; c++) cells[c] = o.index[c] < 0 ? '' : (record[o.index[c]] ?? '');
    otherCells.length = o.others.length;
    for (let c = 0; c < o.others.length; c++) otherCells[c] = record[o.others[c]] ?? '';
    o.cleaner.add(line, cells, otherCells);
  };
  const addAll = (batch: CsvBatch, estimatedRows: number) => {
    for (const { line, cells: record } of batch.records) addRecord(line, record, estimatedRows);
    if (opened === null) return;
    const { cleaner } = opened as { cleaner: CustomerCleaner };
    // Near full, the buffers grow to the rows projected from the share read so far (not by a fixed factor).
    if (cleaner.rowsRead > 0.9 * cleaner.capacity && batch.done > 0) cleaner.reserve(Math.ceil(((cleaner.rowsRead * batch.total) / batch.done) * 1.02) + 1024);
    onProgress?.({ rows: cleaner.rowsRead, done: batch.done, total: batch.total, unit: batch.unit });
  };

  if (isParquet(path)) {
    await statFile(path, source);
    const total = await parquetRowCount(path);
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    let done = 0;
    for await (const batch of parquetBatches(path)) {
      opened ??= open(batch.header, total);
      done += batch.records.length;
      addAll({ records: batch.records, done, total, unit: 'rows' }, total);
    }
  } else {
    // each record is cleaned as it is parsed: no batch of text records is held
    for await (const batch of csvFileBatches(path, { source, expected, onBuffer: (b) => hash.update(b), onRecord: addRecord })) addAll(batch, batch.estimatedRows);
  }
  const result = opened as { header: string[]; schema: TableSchema; cleaner: CustomerCleaner } | null;
  if (result === null || result.cleaner.rowsRead === 0) {
    throw new DataError(`${source} has a header but no data rows; add customer rows below the header`, source);
  }
  onProgress?.({ rows: result.cleaner.rowsRead, done: 1, total: 1, unit: 'rows', finishing: true });
  return { cleaning: result.cleaner.finish(), schema: result.schema, header: result.header, hash: `sha256:${hash.digest('hex')}` };
}

/** A batch of records read from a file, and how far the read has come. */
export interface CsvBatch {
  /** Records (the header first, in the first batch) with their first line, cells trimmed; blank lines left out. */
  records: { line: number; cells: string[] }[];
  /** Work done and total, in `unit`s. */
  done: number;
  total: number;
  unit: 'bytes' | 'rows';
}

/** Options of {@link csvFileBatches}. */
export interface CsvFileOptions {
  /** Name of the file in messages. Default: the path. */
  source?: string;
  /** What the file should hold, for messages. Default 'a header row and one customer per line'. */
  expected?: string;
  /** Called with each chunk of bytes as read (e.g. to hash the file). Default: none. */
  onBuffer?: (buffer: Buffer) => void;
  /**
   * Called with each record as it is parsed, with the file's estimated data rows (see csvFileBatches); the batches
   * then come with no records. For a reader that uses each record at once: a batch of records (~3,000 rows per
   * 64 KiB) outlives the young generation's collections and is copied into the old one; one record at a time is not.
   * Default: none (records in the batches).
   */
  onRecord?: (line: number, cells: string[], estimatedRows: number) => void;
}

/**
 * Reads a CSV file as a stream of record batches, one per 64 KiB read, parsed by {@link CsvRecords} (the same records
 * `parseCustomersCsv` sees), with the refusals of `loadCustomers` for a missing, binary, JSON, empty or unreadable file.
 * `estimatedRows`: the file's data rows estimated from the first chunk's lines (for sizing buffers).
 * @throws DataError naming the source.
 */
export async function* csvFileBatches(path: string, options: CsvFileOptions = {}): AsyncGenerator<CsvBatch & { estimatedRows: number }> {
  const { source = path, expected = 'a header row and one customer per line', onBuffer, onRecord } = options;
  const size = await statFile(path, source);
  const decoder = new StringDecoder('utf8');
  let pending: { line: number; cells: string[] }[] = [];
  let any = false;
  let estimatedRows = 1024;
  // an error of the caller's onRecord passes through as it is (not as a read error)
  let recordError: unknown = null;
  const records = new CsvRecords(source, (line, cells) => {
    any = true;
    if (!onRecord) return void pending.push({ line, cells });
    try {
      onRecord(line, cells, estimatedRows);
    } catch (error) {
      recordError = error;
      throw error;
    }
  });
  let bytes = 0;
  let sample = '';
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      if (bytes === 0) {
        sample = buffer.subarray(0, SNIFF_LENGTH).toString('utf8').replace(/^\uFEFF/, '');
        checkTextStart(sample, source, expected);
        estimatedRows = estimateRows(buffer, size);
      }
      bytes += buffer.length;
      onBuffer?.(buffer);
      records.push(decoder.write(buffer));
      const batch = pending;
      pending = [];
      yield { records: batch, done: bytes, total: size, unit: 'bytes', estimatedRows };
    }
    records.push(decoder.end());
    records.end();
  } catch (error) {
    stream.destroy();
    if (error === recordError || error instanceof DataError || error instanceof OptionsError) throw error;
    throw missingFile(path, source, error);
  }
  if (!any) {
    if (sample.trim() === '' && bytes <= SNIFF_LENGTH) throw new DataError(`${source} is empty; expected a CSV with ${expected}`, source);
    throw new DataError(`${source} has no header and no data (only blank lines)`, source);
  }
  yield { records: pending, done: bytes, total: size, unit: 'bytes', estimatedRows };
}

/** The size of a data file; a DataError for a directory or a file that cannot be read. */
async function statFile(path: string, source: string): Promise<number> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new DataError(`${path} is a directory, not a data file; pass --data <path to the CSV or Parquet file>`, source);
    return info.size;
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw missingFile(path, source, error);
  }
}

/** Rows of a file of `size` bytes, from the line ends of its first chunk (a first guess: ids grow longer further on). */
function estimateRows(first: Buffer, size: number): number {
  let lines = 0;
  for (let i = first.indexOf(10); i >= 0; i = first.indexOf(10, i + 1)) lines++;
  if (lines < 2 || first.length >= size) return Math.max(1024, lines);
  return Math.max(1024, Math.ceil((size / first.length) * lines));
}

/** The DataError for a file that cannot be opened. */
function missingFile(path: string, source: string, error: unknown): DataError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new DataError(
      `Data file not found: ${path}. Download Mall_Customers.csv from ${DATASET_URL} and save it there, or pass --data <path to the CSV>`,
      source,
    );
  }
  if (code === 'EISDIR') return new DataError(`${path} is a directory, not a CSV file; pass --data <path to the CSV>`, source);
  return new DataError(`Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, source);
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
