/**
 * customer_features.csv: the per-customer feature table as CSV text. One row formatter ({@link featuresCsvRow})
 * serves the text built from a table in memory ({@link customerFeaturesCsv}, {@link customerFeaturesCsvPieces}) and
 * the file written while the customers stream from DuckDB ({@link FeaturesCsvFile}, used by writeCustomerFeatures),
 * so both give the same bytes.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { csvCell } from '../../util/csv';
import { DataError, OptionsError } from '../../util/errors';

/** One row per customer, column-wise, ordered by id (text order). */
export interface CustomerFeatureTable {
  /** The id column's name (the orders' customer column). */
  idColumn: string;
  ids: string[];
  /** Feature column names, in order: recency_days, frequency, monetary, avg_order_value, tenure_days[, items]. */
  names: string[];
  columns: Record<string, Float64Array>;
}

/** The header line: the id column and the feature names, as cells. */
export function featuresCsvHeader(idColumn: string, names: readonly string[], csvGuard = false): string {
  return [idColumn, ...names].map((s) => csvCell(s, csvGuard)).join(',') + '\n';
}

/**
 * The line of row `i`: the id as a CSV cell (with a leading ' for formula-like text when `csvGuard`), then each
 * column's value at `i` in JavaScript's shortest form (`String(x)`).
 */
export function featuresCsvRow(id: string, columns: readonly ArrayLike<number>[], i: number, csvGuard = false): string {
  let line = csvCell(id, csvGuard);
  for (const column of columns) line += ',' + String(column[i]);
  return line + '\n';
}

/**
 * data/processed/customer_features.csv: the id column and the features, one customer a line (numbers in JS's shortest
 * form). `csvGuard` (default false: the text is also read back by the cleaning) writes text cells starting with
 * = + - @ tab or CR with a leading ' (see csvCell), as the files the report writes for people.
 */
export function customerFeaturesCsv(table: CustomerFeatureTable, csvGuard = false): string {
  return [...customerFeaturesCsvPieces(table, { csvGuard })].join('');
}

/** Options of {@link customerFeaturesCsvPieces}. */
export interface CsvPiecesOptions {
  /** As customerFeaturesCsv's `csvGuard`. Default false. */
  csvGuard?: boolean;
  /** Customers per piece. Default 65,536. */
  linesPerPiece?: number;
}

/**
 * {@link customerFeaturesCsv}'s text in pieces (the header first, then `linesPerPiece` customers each), to write
 * millions of customers to a file without one string of them all (V8 strings stop at about 512 MB).
 * @example for (const piece of customerFeaturesCsvPieces(table)) writeSync(fd, piece);
 */
export function* customerFeaturesCsvPieces(table: CustomerFeatureTable, options: CsvPiecesOptions = {}): Generator<string> {
  const { csvGuard = false, linesPerPiece = 65_536 } = options;
  if (!Number.isSafeInteger(linesPerPiece) || linesPerPiece < 1) throw new OptionsError(`linesPerPiece must be an integer >= 1 (got ${linesPerPiece})`, 'linesPerPiece');
  yield featuresCsvHeader(table.idColumn, table.names, csvGuard);
  const cols = table.names.map((n) => table.columns[n]);
  for (let from = 0; from < table.ids.length; from += linesPerPiece) {
    const parts: string[] = [];
    for (let i = from; i < Math.min(table.ids.length, from + linesPerPiece); i++) parts.push(featuresCsvRow(table.ids[i], cols, i, csvGuard));
    yield parts.join('');
  }
}

/** Characters gathered before one write to the file (about 1 MB of this ASCII-mostly text). */
const WRITE_CHARS = 1 << 20;

/**
 * customer_features.csv written as its lines come: gathered into writes of about 1 MB to a temporary file beside
 * `path` (`path` + '.partial'), hashed as written, and renamed to `path` by {@link finish}; {@link abort} removes
 * the temporary file, so a failed run leaves no half file under the final name. Errors name the file.
 */
export class FeaturesCsvFile {
  private readonly partial: string;
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingChars = 0;
  private readonly hash: Hash = createHash('sha256');
  /** Data lines written (the header not counted). */
  rows = 0;

  /** Opens the temporary file and writes the header. */
  constructor(
    readonly path: string,
    idColumn: string,
    private readonly names: readonly string[],
    private readonly csvGuard = false,
  ) {
    this.partial = `${path}.partial`;
    this.fd = this.io('open', () => openSync(this.partial, 'w'));
    this.push(featuresCsvHeader(idColumn, names, csvGuard));
  }

  /** Adds rows `0..n-1` of `ids` and `columns` (one array per feature name, in order). */
  add(n: number, ids: readonly string[], columns: readonly ArrayLike<number>[]): void {
    if (columns.length !== this.names.length) throw new Error(`${columns.length} columns given for ${this.names.length} features (${this.names.join(', ')})`);
    for (let i = 0; i < n; i++) this.push(featuresCsvRow(ids[i], columns, i, this.csvGuard));
    this.rows += n;
  }

  /** Writes what is gathered, closes and renames the file; returns the bytes' digest, "sha256:<hex>". */
  finish(): string {
    this.flush();
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) this.io('close', () => closeSync(fd));
    this.io('rename', () => renameSync(this.partial, this.path));
    return `sha256:${this.hash.digest('hex')}`;
  }

  /** Closes and removes the temporary file (after an error elsewhere); never throws. */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already failing: the first error is the one reported
      }
      this.fd = undefined;
    }
    rmSync(this.partial, { force: true });
  }

  private push(line: string): void {
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= WRITE_CHARS) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const bytes = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    this.hash.update(bytes);
    const fd = this.fd;
    if (fd === undefined) throw new Error(`${this.path} is already closed`);
    this.io('write', () => {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    });
  }

  private io<T>(what: string, f: () => T): T {
    try {
      return f();
    } catch (error) {
      if (what !== 'open') this.abort();
      throw new DataError(`cannot ${what} ${what === 'open' || what === 'write' ? this.partial : this.path}: ${(error as Error).message}; check that the folder exists, is writable and has free space`, this.path);
    }
  }
}
