import { parse, type Options } from 'csv-parse/sync';
import { DataError } from '../errors';
import { headerKey, resolveSchema, type SchemaChoice, type TableSchema } from './schema';

/** One data line of the file, before any cleaning. */
export interface RawRow {
  /** 1-based line number in the file (for messages); a quoted field spanning lines gives its first line. */
  line: number;
  /** Cell text of each schema column, trimmed; '' when empty or when the line is short. Keys: schema field names. */
  values: Record<string, string>;
}

/** A parsed customer CSV: the header as found, the schema that describes it, and one raw row per data line. */
export interface RawTable {
  /** File name or '<input>' used in messages. */
  source: string;
  /** Header as found (after BOM/trim). */
  header: string[];
  /** The table's schema, resolved against the header (column names as spelled in the header). */
  schema: TableSchema;
  /** Data rows in file order. */
  rows: RawRow[];
  /** Number of data lines read, blank lines excluded (always rows.length). */
  read: number;
}

/** Options of {@link parseCustomersCsv}. */
export interface ParseOptions {
  /** Name used in error messages. Default '<input>'. */
  source?: string;
  /** The schema and flags that describe the table (see resolveSchema). Default: the Mall schema when the header has
   * the Mall columns, else an error that lists the columns found and shows how to name features. */
  schema?: SchemaChoice;
}

/** How many characters are inspected to decide whether the input is binary. */
const SNIFF_LENGTH = 8192;

/**
 * Parses the text of a Mall Customers CSV into raw rows (strings only; no value is checked here, see
 * `cleanCustomers`). Pure: text in, table out.
 *
 * Tolerated: a UTF-8 byte-order mark; CRLF, LF or CR line ends; quoted fields (RFC 4180, via csv-parse),
 * also spanning lines; blank lines and lines of empty cells (`,,,,`), which are skipped and not counted;
 * spaces around cells and header names; header names in any letter case (`customerid`); columns in any
 * order; extra columns (ignored); short lines (missing cells read as '').
 *
 * @throws DataError with a one-line message naming `options.source` when the input is empty, binary or
 * UTF-16, JSON, not parseable as CSV (e.g. an unclosed quote), has a single column (wrong delimiter),
 * lacks a required column (named, with the columns found), repeats a required column, or has a header
 * but no data rows.
 *
 * @example
 * const table = parseCustomersCsv('CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n1,Male,19,15,39\n');
 * table.rows[0]; // { line: 2, values: { CustomerID: '1', Gender: 'Male', Age: '19', ... } }
 */
export function parseCustomersCsv(text: string, options: ParseOptions = {}): RawTable {
  const { source = '<input>' } = options;
  const expected = options.schema?.features ? options.schema.features.join(', ') : 'a header row and one customer per line';
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;

  if (body.trim() === '') {
    throw new DataError(`${source} is empty; expected a CSV with ${expected}`, source);
  }
  const sniff = body.slice(0, SNIFF_LENGTH);
  if (sniff.includes('\u0000') || countReplacementChars(sniff) > 8) {
    throw new DataError(
      `${source} is not a CSV text file (binary or UTF-16 content); save it as UTF-8 CSV with ${expected}`,
      source,
    );
  }
  const first = body.trimStart()[0];
  if (first === '{' || first === '[') {
    throw new DataError(
      `${source} looks like JSON, not CSV; export it as CSV with ${expected}`,
      source,
    );
  }

  // One pass: the header resolves the schema, then each record becomes its compact row at once (no per-record
  // intermediates: at 1,000,000 rows they held ~1 GB of the heap).
  let columns: { header: string[]; index: (readonly [string, number])[]; schema: TableSchema } | null = null;
  const rows = parseRecords(body, source, (line, cells): RawRow | null => {
    if (columns === null) {
      columns = resolveColumns(cells, { ...options, source, expected });
      return null;
    }
    return rawRow(columns.index, line, cells);
  });
  const resolved = columns as { header: string[]; schema: TableSchema } | null;
  if (resolved === null) {
    throw new DataError(`${source} has no header and no data (only blank lines)`, source);
  }
  if (rows.length === 0) {
    throw new DataError(`${source} has a header but no data rows; add customer rows below the header`, source);
  }
  return { source, header: resolved.header, schema: resolved.schema, rows, read: rows.length };
}

/** The schema's cells of one record ('' where the line is short). */
function rawRow(index: readonly (readonly [string, number])[], line: number, cells: readonly string[]): RawRow {
  const values: Record<string, string> = {};
  for (const [column, i] of index) values[column] = cells[i] ?? '';
  return { line, values };
}

/** Checks a header, resolves the schema against it and locates the schema's columns. */
function resolveColumns(header: string[], options: ParseOptions & { expected?: string }) {
  const { source = '<input>', expected = 'a header row and one customer per line' } = options;
  if (header.length < 2) {
    const delimiter = [';', '\t', '|'].find((d) => header[0].includes(d));
    const hint = delimiter === undefined ? '' : ` (the header contains ${JSON.stringify(delimiter)}: save the file comma-separated)`;
    throw new DataError(
      `${source} is not a comma-separated file: it has one column ${JSON.stringify(header[0])}${hint}; expected ${expected}, comma-separated`,
      source,
    );
  }
  const schema = resolveSchema(header, options.schema, source);
  const index = schema.fields.map((f) => [f.name, header.findIndex((h) => headerKey(h) === headerKey(f.name))] as const);
  return { header, index, schema };
}

/**
 * Builds a RawTable from a header and data records (cells as text) however they were read (CSV text, a Parquet
 * file): checks the header, resolves the schema against it and keeps the schema's columns. Pure.
 * @throws DataError for a one-column header, a header without data rows, or a schema column missing from it.
 */
export function tableFromRecords(
  header: string[],
  records: readonly { line: number; cells: readonly string[] }[],
  options: ParseOptions & { expected?: string } = {},
): RawTable {
  const { source = '<input>' } = options;
  const { index, schema } = resolveColumns(header, options);
  const rows: RawRow[] = records.map(({ line, cells }) => rawRow(index, line, cells));
  if (rows.length === 0) {
    throw new DataError(`${source} has a header but no data rows; add customer rows below the header`, source);
  }
  return { source, header, schema, rows, read: rows.length };
}

/**
 * Splits CSV text into trimmed records and hands each non-blank one, with its first line number, to `make`;
 * returns what `make` returned (null: left out). An error thrown by `make` is rethrown as is.
 */
function parseRecords<T>(body: string, source: string, make: (line: number, cells: string[]) => T | null): T[] {
  // csv-parse counts a CRLF inside a quoted field as two lines; normalising line ends keeps line numbers exact.
  const normalised = body.indexOf('\r') >= 0 ? body.replace(/\r\n?/g, '\n') : body;
  let thrown: { error: unknown } | null = null;
  let out: T[];
  try {
    const csvOptions: Options = {
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      // csv-parse types on_record as returning a record; any value is collected (null skips the record)
      on_record: ((record: string[], context: { lines: number }) => {
        if (thrown !== null) return null;
        let blank = true;
        let breaks = 0;
        for (let i = 0; i < record.length; i++) {
          const raw = record[i];
          if (raw.includes('\n')) breaks += raw.split('\n').length - 1;
          const cell = raw.trim();
          record[i] = cell;
          if (cell !== '') blank = false;
        }
        if (blank) return null;
        try {
          return make(context.lines - breaks, record);
        } catch (error) {
          thrown = { error };
          return null;
        }
      }) as unknown as Options['on_record'],
    };
    out = parse(normalised, csvOptions) as unknown as T[];
  } catch (error) {
    if (thrown !== null) throw (thrown as { error: unknown }).error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new DataError(`${source} is not a readable CSV: ${reason}`, source);
  }
  if (thrown !== null) throw (thrown as { error: unknown }).error;
  return out;
}

function countReplacementChars(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) count++;
  return count;
}
