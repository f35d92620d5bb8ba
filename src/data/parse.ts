import { parse } from 'csv-parse/sync';
import { DataError } from '../util/errors';
import { headerKey, resolveSchema, type SchemaChoice, type TableSchema } from './schema';

/** One data line of the file, before any cleaning. */
export interface RawRow {
  /** 1-based line number in the file (for messages); a quoted field spanning lines gives its first line. */
  line: number;
  /** Cell text of each schema column, trimmed; '' when empty or when the line is short. Keys: schema field names. */
  values: Record<string, string>;
  /** Cell text of the file's other columns (not in the schema), trimmed, in file order; absent when there are none.
   * They take part in the duplicate check only. */
  others?: string[];
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
export const SNIFF_LENGTH = 8192;

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
  checkTextStart(body.slice(0, SNIFF_LENGTH), source, expected);

  // One pass: the header resolves the schema, then each record becomes its compact row at once (no per-record
  // intermediates: at 1,000,000 rows they held ~1 GB of the heap).
  let columns: { header: string[]; index: (readonly [string, number])[]; others: number[]; schema: TableSchema } | null = null;
  const rows = parseRecords(body, source, (line, cells): RawRow | null => {
    if (columns === null) {
      columns = resolveColumns(cells, { ...options, source, expected });
      return null;
    }
    return rawRow(columns.index, line, cells, columns.others);
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

/**
 * Refuses text that is not CSV from its first characters (after a BOM): binary or UTF-16 content, or JSON.
 * @param sample - The first {@link SNIFF_LENGTH} characters or so.
 * @param expected - What the file should hold, for the message.
 */
export function checkTextStart(sample: string, source: string, expected: string): void {
  // a sample cut from bytes may end inside a multi-byte character: not counted
  const replaced = countReplacementChars(sample.replace(/\ufffd{1,3}$/, ''));
  if (sample.includes('\u0000') || replaced > sample.length / 10) {
    throw new DataError(
      `${source} is not a CSV text file (binary or UTF-16 content); save it as UTF-8 CSV with ${expected}`,
      source,
    );
  }
  if (replaced > 0) {
    // mostly text without NUL bytes: another encoding (Latin-1, Windows-1252: accented letters are not UTF-8)
    const at = sample.indexOf('\ufffd');
    const line = sample.slice(0, at).split('\n').length;
    throw new DataError(
      `${source} is not UTF-8 text (line ${line} has bytes that are not UTF-8, e.g. accented letters saved as Latin-1 or Windows-1252); save it as UTF-8 CSV (e.g. iconv -f latin1 -t utf-8) with ${expected}`,
      source,
    );
  }
  const first = sample.trimStart()[0];
  if (first === '{' || first === '[') {
    throw new DataError(`${source} looks like JSON, not CSV; export it as CSV with ${expected}`, source);
  }
}

/** The schema's cells of one record and the cells of the other columns at `others` ('' where the line is short). */
function rawRow(index: readonly (readonly [string, number])[], line: number, cells: readonly string[], others: readonly number[]): RawRow {
  const values: Record<string, string> = {};
  for (const [column, i] of index) values[column] = cells[i] ?? '';
  return others.length === 0 ? { line, values } : { line, values, others: others.map((i) => cells[i] ?? '') };
}

/** Checks a header, resolves the schema against it and locates the schema's columns. */
export function resolveColumns(header: string[], options: ParseOptions & { expected?: string }) {
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
  const used = new Set(index.map(([, i]) => i));
  /** Positions of the header's columns the schema does not use. */
  const others = header.flatMap((_, i) => (used.has(i) ? [] : [i]));
  return { header, index, others, schema };
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
  const { index, others, schema } = resolveColumns(header, options);
  const rows: RawRow[] = records.map(({ line, cells }) => rawRow(index, line, cells, others));
  if (rows.length === 0) {
    throw new DataError(`${source} has a header but no data rows; add customer rows below the header`, source);
  }
  return { source, header, schema, rows, read: rows.length };
}

/**
 * Splits CSV text into records, a line at a time, and hands each non-blank record (cells trimmed) with its first
 * line number to `onRecord`. A line without a double quote is split on commas: the common case, ~6x faster than a
 * general CSV parser on customer tables. A line with quotes, with the lines that follow until its quotes balance, is
 * parsed by csv-parse (RFC 4180: quoted commas, doubled quotes, line breaks inside quotes). CRLF and CR line ends
 * read as LF. Feed text with `push` (a chunk may end anywhere, e.g. mid-line or between CR and LF), then call `end`.
 * An error thrown by `onRecord` propagates out of `push`/`end`.
 *
 * @example
 * const records = new CsvRecords('a.csv', (line, cells) => rows.push({ line, cells }));
 * records.push('id,name\n1,"Smith, J"\n');
 * records.end(); // rows: { line: 1, cells: ['id', 'name'] }, { line: 2, cells: ['1', 'Smith, J'] }
 */
export class CsvRecords {
  /** The text after the last line end, in the pieces pushed: joined only when its line ends, so a long line costs
   * time linear in its length. */
  private carry: string[] = [];
  private carryLength = 0;
  /** Cells of the first record (the header): no later record may have more, except empty ones. */
  private width = -1;
  private pendingCr = false;
  private line = 0;
  /** A quoted record still open at the end of a line: its first line, text so far and quote count. */
  private open: { line: number; text: string; quotes: number } | null = null;
  private started = false;

  constructor(
    private readonly source: string,
    private readonly onRecord: (line: number, cells: string[]) => void,
  ) {}

  /** Lines read so far. */
  get lines(): number {
    return this.line;
  }

  push(chunk: string): void {
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (this.pendingCr) {
      chunk = '\r' + chunk;
      this.pendingCr = false;
    }
    if (chunk.indexOf('\r') >= 0) {
      if (chunk.endsWith('\r')) {
        this.pendingCr = true;
        chunk = chunk.slice(0, -1);
      }
      chunk = chunk.replace(/\r\n?/g, '\n');
    }
    let nl = chunk.indexOf('\n');
    if (nl < 0) {
      this.keep(chunk);
      return;
    }
    this.takeLine(this.carryLength === 0 ? chunk.slice(0, nl) : this.carry.join('') + chunk.slice(0, nl));
    this.carry = [];
    this.carryLength = 0;
    let start = nl + 1;
    for (nl = chunk.indexOf('\n', start); nl >= 0; nl = chunk.indexOf('\n', start)) {
      this.takeLine(chunk.slice(start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk.slice(start));
  }

  /** Keeps the start of a line whose end has not come yet; refuses a line longer than {@link MAX_LINE_CHARS}. */
  private keep(piece: string): void {
    this.carry.push(piece);
    this.carryLength += piece.length;
    if (this.carryLength > MAX_LINE_CHARS) this.tooLong(this.line + 1);
  }

  private tooLong(line: number): never {
    throw new DataError(
      `${this.source} line ${line} is longer than ${MAX_LINE_CHARS.toLocaleString('en-US')} characters, the longest line (or quoted field) a CSV may have here; is it a CSV with one customer per line?`,
      this.source,
    );
  }

  /** Ends the text: the last line may lack a line end. @throws DataError for a quoted field that is never closed. */
  end(): void {
    if (this.carryLength > 0 || this.pendingCr) this.takeLine(this.carry.join(''));
    this.carry = [];
    this.carryLength = 0;
    this.pendingCr = false;
    if (this.open !== null) {
      throw new DataError(`${this.source} is not a readable CSV: the quoted field opened on line ${this.open.line} is never closed (a missing closing ")`, this.source);
    }
  }

  private takeLine(text: string): void {
    const line = ++this.line;
    if (text.length > MAX_LINE_CHARS) this.tooLong(line);
    if (this.open !== null) {
      if (this.open.text.length + text.length > MAX_LINE_CHARS) this.tooLong(this.open.line);
      if (line - this.open.line >= MAX_QUOTED_LINES) {
        throw new DataError(
          `${this.source} is not a readable CSV: the quoted field opened on line ${this.open.line} is still open ${MAX_QUOTED_LINES} lines later (a missing closing ", or a stray " in a cell)`,
          this.source,
        );
      }
      this.open.text += '\n' + text;
      this.open.quotes += countQuotes(text);
      if (this.open.quotes % 2 === 0) {
        const { line: first, text: record } = this.open;
        this.open = null;
        this.quoted(first, record);
      }
      return;
    }
    if (text.indexOf('"') < 0) {
      this.emit(line, text.split(','));
      return;
    }
    const quotes = countQuotes(text);
    if (quotes % 2 === 1) this.open = { line, text, quotes };
    else this.quoted(line, text);
  }

  /** A record with quotes (one or more lines, starting on `first`), through csv-parse. */
  private quoted(first: number, text: string): void {
    let records: string[][];
    try {
      records = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
    } catch (error) {
      const reason = (error instanceof Error ? error.message.split('\n')[0] : String(error)).replace(/ at line \d+/, '');
      throw new DataError(`${this.source} is not a readable CSV: line ${first}: ${reason}`, this.source);
    }
    for (const record of records) this.emit(first, record);
  }

  /** Trims the cells in place and hands a record that is not blank to onRecord. */
  private emit(line: number, cells: string[]): void {
    let blank = true;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i].trim();
      cells[i] = cell;
      if (cell !== '') blank = false;
    }
    if (blank) return;
    if (this.width < 0) this.width = cells.length;
    else if (cells.length > this.width) this.checkWidth(line, cells);
    this.onRecord(line, cells);
  }

  /**
   * Refuses a record with more cells than the header (as pandas' tokenizer does: "Expected 5 fields in line 3, saw 6"),
   * where the extra cells hold text: the value of one column was split, so which cell belongs to which column is
   * unknown. Trailing empty cells (a comma at the end of the line) are dropped.
   */
  private checkWidth(line: number, cells: string[]): void {
    for (let i = this.width; i < cells.length; i++) {
      if (cells[i] !== '') {
        throw new DataError(
          `${this.source} line ${line} has ${cells.length} fields, the header has ${this.width}: a value holds an unquoted comma (a decimal comma such as 1,5?); quote that value or write 1.5`,
          this.source,
        );
      }
    }
    cells.length = this.width;
  }
}

/**
 * The longest line, or quoted field spanning lines, a CSV may have (characters): far above any customer table's
 * line, low enough that a file with no line ends is refused after reading 1 MiB, not after holding all of it.
 */
export const MAX_LINE_CHARS = 1 << 20;

/** Lines a quoted field may span before the file is refused: a stray quote would otherwise hold the rest of a file of
 * millions of rows in memory before the "never closed" error. */
export const MAX_QUOTED_LINES = 10_000;

function countQuotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n;
}

/** Splits CSV text into trimmed records and hands each non-blank one, with its first line number, to `make`; returns
 * what `make` returned (null: left out). */
function parseRecords<T>(body: string, source: string, make: (line: number, cells: string[]) => T | null): T[] {
  const out: T[] = [];
  const records = new CsvRecords(source, (line, cells) => {
    const made = make(line, cells);
    if (made !== null) out.push(made);
  });
  records.push(body);
  records.end();
  return out;
}

function countReplacementChars(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) count++;
  return count;
}
