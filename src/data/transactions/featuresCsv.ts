/**
 * customer_features.csv: the per-customer feature table as CSV text. One row formatter ({@link featuresCsvRow})
 * serves the text built from a table in memory ({@link customerFeaturesCsv}, {@link customerFeaturesCsvPieces}) and
 * the file written while the customers stream from DuckDB ({@link FeaturesCsvFile}, used by writeCustomerFeatures),
 * so both give the same bytes.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { csvCell, formulaLike } from '../../util/csv';
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
  /**
   * Cells (header names and ids) that the CSV guard changes: written with a leading ' when `csvGuard`, as they are
   * otherwise. Zero means the file's bytes are the same with and without the guard.
   */
  formulaLikeCells = 0;

  /** Opens the temporary file and writes the header. */
  constructor(
    readonly path: string,
    idColumn: string,
    private readonly names: readonly string[],
    private readonly csvGuard = false,
  ) {
    this.partial = `${path}.partial`;
    this.fd = this.io('open', () => openSync(this.partial, 'w'));
    this.formulaLikeCells = [idColumn, ...names].filter(formulaLike).length;
    this.push(featuresCsvHeader(idColumn, names, csvGuard));
  }

  /** Adds rows `0..n-1` of `ids` and `columns` (one array per feature name, in order). */
  add(n: number, ids: readonly string[], columns: readonly ArrayLike<number>[]): void {
    if (columns.length !== this.names.length) throw new Error(`${columns.length} columns given for ${this.names.length} features (${this.names.join(', ')})`);
    for (let i = 0; i < n; i++) {
      if (formulaLike(ids[i])) this.formulaLikeCells++;
      this.push(featuresCsvRow(ids[i], columns, i, this.csvGuard));
    }
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

/**
 * Writes, through `write`, the guarded form (csvGuard true) of a customer_features.csv file written without the guard:
 * the bytes `customerFeaturesCsv(table, true)` gives for the `customerFeaturesCsv(table, false)` the file holds. Reads
 * the file as a stream (64 KiB reads; one record's text held at a time, besides the read). The first cell of each
 * line (the id, quoted when it holds `"`, `,` or a line break) is re-guarded, and the header's names; the numbers stay.
 * @returns the digest of the bytes written, "sha256:<hex>".
 * @throws DataError naming `path` when it cannot be read or is not such a file (a line without its end).
 * @example await guardFeaturesCsv('staging/customer_features.csv', (text) => out.write(text));
 */
export async function guardFeaturesCsv(path: string, write: (text: string) => void | Promise<void>): Promise<string> {
  const hash = createHash('sha256');
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let header = true;
  const emit = async (text: string) => {
    if (text === '') return;
    hash.update(text, 'utf8');
    try {
      await write(text);
    } catch (error) {
      throw new DataError(`cannot write the guarded copy of ${path}: ${(error as Error).message}`, path);
    }
  };
  /** Rewrites the complete records at the start of `text`; returns where the first incomplete one starts. */
  const records = (text: string): [string, number] => {
    const out: string[] = [];
    let p = 0;
    while (p < text.length) {
      let cellEnd: number;
      if (text[p] === '"') {
        let j = p + 1;
        for (;;) {
          const k = text.indexOf('"', j);
          if (k < 0 || k + 1 >= text.length) return [out.join(''), p];
          if (text[k + 1] === '"') j = k + 2;
          else {
            cellEnd = k + 1;
            break;
          }
        }
      } else {
        const comma = text.indexOf(',', p);
        const end = text.indexOf('\n', p);
        if (end < 0) return [out.join(''), p];
        cellEnd = comma >= 0 && comma < end ? comma : end;
      }
      const lineEnd = text.indexOf('\n', cellEnd);
      if (lineEnd < 0) return [out.join(''), p];
      const cell = text.slice(p, cellEnd);
      const value = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      const rest = text.slice(cellEnd, lineEnd);
      out.push(csvCell(value, true) + (header ? rest.split(',').map((name, i) => (i === 0 ? name : csvCell(name, true))).join(',') : rest) + '\n');
      header = false;
      p = lineEnd + 1;
    }
    return [out.join(''), p];
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) {
      const text = carry + decoder.write(chunk as Buffer);
      const [done, at] = records(text);
      carry = text.slice(at);
      await emit(done);
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`cannot read ${path}: ${(error as Error).message}`, path);
  }
  carry += decoder.end();
  if (carry !== '') throw new DataError(`${path} ends inside a line (${JSON.stringify(carry.slice(0, 40))}): not a customer_features.csv written whole`, path);
  return `sha256:${hash.digest('hex')}`;
}
