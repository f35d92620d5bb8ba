/**
 * Runs the orders -> customers aggregation ({@link aggregationSql}) in embedded DuckDB, streaming from a CSV or
 * Parquet file or reading a table of a DuckDB database file, in bounded memory (DuckDB spills to a temporary
 * folder above `memoryLimit`). Only one row per customer comes back to JavaScript: into columns
 * ({@link aggregateTransactions}), or straight into customer_features.csv, nothing kept ({@link writeCustomerFeatures}).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError, OptionsError } from '../../util/errors';
import { FeaturesCsvFile, type CustomerFeatureTable } from './featuresCsv';
import { absentColumns, databaseRelation, estimatedParts, fileRelation, shrinkMemoryLimit, sqlString } from './source';
import { aggregationSql, onePassAggregationSql, TRANSACTION_DROP_REASONS, type AggregationDialect, type TransactionsSpec } from './sql';

export { customerFeaturesCsv, customerFeaturesCsvPieces, featuresCsvRow, guardFeaturesCsv, type CsvPiecesOptions, type CustomerFeatureTable } from './featuresCsv';

/** Where the orders are. */
export type OrdersSource =
  /** A CSV (any delimiter DuckDB detects) or Parquet file; every column is read as text. */
  | { file: string }
  /** A DuckDB database file and a table in it (or a query). */
  | { duckdb: string; table?: string; sql?: string }
  /** A PostgreSQL database (postgres://... URL) and a table in it (or a query): the aggregation runs in the server. */
  | { postgres: string; table?: string; sql?: string };

/** Options of {@link aggregateTransactions}. */
export interface AggregateOptions {
  spec: TransactionsSpec;
  source: OrdersSource;
  /** DuckDB's memory limit; above it DuckDB spills to a temporary folder. Default '1GB'. */
  memoryLimit?: string;
  /** DuckDB threads. Default 2. */
  threads?: number;
  /**
   * Parts the customers are grouped in, one reading of the orders each (more parts: less memory, more time).
   * Default: from the number of lines and the memory limit ({@link partsFor}), 1 up to 20 million lines per GB.
   */
  parts?: number;
}

/** What the aggregation counted and chose: the summary's "orders" facts. */
export interface AggregationChecks {
  linesRead: number;
  /** Lines left out, by reason (see TRANSACTION_DROP_REASONS); zero counts omitted. */
  droppedBy: Record<string, number>;
  linesUsed: number;
  /** Customers whose kept lines hold no purchase (only returns or zero amounts): no feature row. */
  customersWithoutPurchase: number;
  /** Customers with a feature row whose monetary is at or below 0 (returns larger than purchases). */
  customersAtOrBelowZero: number;
  firstDate: string;
  lastDate: string;
  /** The as-of date used, and whether it was given or the default (the day after the last date). */
  asOf: string;
  asOfDefault: boolean;
}

/** The result of {@link aggregateTransactions}. */
export interface Aggregation {
  table: CustomerFeatureTable;
  checks: AggregationChecks;
  /** Sentences for the summary (dropped lines, customers without purchase or at or below 0). */
  warnings: string[];
}

/** The per-customer table read column-wise: ids and one Float64Array per feature, in the query's row order. */
export type FeatureColumns = Pick<CustomerFeatureTable, 'ids' | 'columns'>;

/**
 * Reads the features query's result into {@link FeatureColumns}. `names` are the feature columns (the id column is
 * `idColumn`); `rows`, when known, the number of rows (the arrays are then allocated once). Missing values read as 0.
 */
export type FeatureReader = (sql: string, idColumn: string, names: readonly string[], rows?: number) => Promise<FeatureColumns>;

function toNumber(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}

/** A {@link FeatureReader} over a runner that returns row objects (PostgreSQL's and SQLite's clients). */
export function featuresFromRows(run: (sql: string) => Promise<Record<string, unknown>[]>): FeatureReader {
  return async (sql, idColumn, names) => {
    const rows = await run(sql);
    const columns: Record<string, Float64Array> = {};
    for (const name of names) columns[name] = Float64Array.from(rows, (r) => toNumber(r[name]));
    return { ids: rows.map((r) => String(r[idColumn])), columns };
  };
}

/**
 * Columns that grow by doubling, filled chunk by chunk: the row count of a streamed result is known only at its end.
 * `finish` trims to the rows written (one copy of each column, 8 bytes a customer).
 */
class GrowingColumns {
  private length = 0;
  private capacity: number;
  readonly ids: string[] = [];
  private data: Float64Array[];

  constructor(private readonly names: readonly string[], initial = 65_536) {
    this.capacity = Math.max(1, initial);
    this.data = names.map(() => new Float64Array(this.capacity));
  }

  /** Makes room for `n` more rows and returns the index of the first. */
  private reserve(n: number): number {
    if (this.length + n > this.capacity) {
      while (this.length + n > this.capacity) this.capacity *= 2;
      this.data = this.data.map((old) => {
        const grown = new Float64Array(this.capacity);
        grown.set(old.subarray(0, this.length));
        return grown;
      });
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  /** Copies rows `0..n-1` of one chunk (`ids`, one array per feature) to the end. */
  append(n: number, ids: readonly string[], values: readonly Float64Array[]): void {
    const at = this.reserve(n);
    for (let i = 0; i < n; i++) this.ids.push(ids[i]);
    values.forEach((v, j) => this.data[j].set(v.subarray(0, n), at));
  }

  finish(): FeatureColumns {
    const columns: Record<string, Float64Array> = {};
    this.names.forEach((name, j) => (columns[name] = this.length === this.capacity ? this.data[j] : this.data[j].slice(0, this.length)));
    return { ids: this.ids, columns };
  }
}

/**
 * Takes one chunk of a features result: rows `0..n-1` of `ids` and of `values` (one array per feature, in the order
 * asked). The arrays are reused for the next chunk: copy what is kept.
 */
export type FeatureChunkVisitor = (n: number, ids: readonly string[], values: readonly Float64Array[]) => void;

/**
 * Streams the features query's result from DuckDB chunk by chunk (2,048 rows; the sorted rows spill above DuckDB's
 * memory limit, never all materialized) to `visit`, converted as `getRowObjectsJS` converts them (same numbers, same
 * id text; missing values read as 0). Holds one chunk at a time: no JavaScript object per customer, nothing kept.
 */
export async function visitFeaturesFromDuckDB(
  connection: import('@duckdb/node-api').DuckDBConnection,
  sql: string,
  idColumn: string,
  names: readonly string[],
  visit: FeatureChunkVisitor,
): Promise<void> {
  const { JSDuckDBValueConverter } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const result = await connection.stream(sql);
  const resultNames = result.columnNames();
  const idIndex = resultNames.indexOf(idColumn);
  const indexes = names.map((n) => resultNames.indexOf(n));
  if (idIndex < 0 || indexes.some((i) => i < 0)) throw new Error(`the features query returned ${resultNames.join(', ')}, not ${[idColumn, ...names].join(', ')}`);
  const ids: string[] = [];
  let values = names.map(() => new Float64Array(2_048));
  for await (const chunk of result) {
    const n = chunk.rowCount;
    if (values.length > 0 && n > values[0].length) values = names.map(() => new Float64Array(n));
    const rawIds = chunk.convertColumnValues(idIndex, JSDuckDBValueConverter);
    ids.length = n;
    for (let i = 0; i < n; i++) ids[i] = String(rawIds[i]);
    indexes.forEach((c, j) => {
      const raw = chunk.convertColumnValues(c, JSDuckDBValueConverter);
      const column = values[j];
      for (let i = 0; i < n; i++) column[i] = toNumber(raw[i]);
    });
    visit(n, ids, values);
  }
}

/**
 * A {@link FeatureReader} over a DuckDB connection: {@link visitFeaturesFromDuckDB}'s chunks copied into the ids
 * array and one Float64Array per feature (no JavaScript object per customer; the whole table in the V8 heap).
 */
export function featuresFromDuckDB(connection: import('@duckdb/node-api').DuckDBConnection): FeatureReader {
  return async (sql, idColumn, names, rows) => {
    const out = new GrowingColumns(names, rows);
    await visitFeaturesFromDuckDB(connection, sql, idColumn, names, (n, ids, values) => out.append(n, ids, values));
    return out.finish();
  };
}

/**
 * Runs the features and checks queries of `spec` over `source` with a query runner (an engine's connection).
 * `readFeatures` reads the one-row-per-customer result (default: from `run`'s row objects).
 */
export async function runAggregation(
  run: (sql: string) => Promise<Record<string, unknown>[]>,
  spec: TransactionsSpec,
  source: string,
  dialect: AggregationDialect,
  readFeatures: FeatureReader = featuresFromRows(run),
): Promise<Aggregation> {
  const sql = aggregationSql({ spec, source, dialect });
  const features = await readFeatures(sql.features, spec.customer, sql.columns.slice(1));
  const [checksRow] = await run(sql.checks);
  return assemble(spec, source, sql.columns.slice(1), features, checksRow);
}

/** The aggregation's result from the features read and the checks query's one row. */
function assemble(spec: TransactionsSpec, source: string, names: string[], features: FeatureColumns, c: Record<string, unknown>): Aggregation {
  const checks = checksFrom(spec, c);
  if (features.ids.length === 0) throw noCustomerError(source, checks);
  return { table: { idColumn: spec.customer, ids: features.ids, names, columns: features.columns }, checks, warnings: aggregationWarnings(checks) };
}

/** {@link AggregationChecks} from the checks query's one row. */
function checksFrom(spec: TransactionsSpec, c: Record<string, unknown>): AggregationChecks {
  const num = toNumber;
  const droppedBy: Record<string, number> = {};
  let dropped = 0;
  for (const [key, reason] of Object.entries(TRANSACTION_DROP_REASONS)) {
    const n = num(c[`dropped_${key === 'customer' ? 'id' : key === 'date' ? 'day' : key === 'quantity' ? 'qty' : key}`]);
    if (n > 0) droppedBy[reason] = n;
    dropped += n;
  }
  const linesRead = num(c.lines_read);
  return {
    linesRead,
    droppedBy,
    linesUsed: linesRead - dropped,
    customersWithoutPurchase: num(c.customers_without_purchase),
    customersAtOrBelowZero: num(c.customers_at_or_below_zero),
    firstDate: String(c.first_date ?? ''),
    lastDate: String(c.last_date ?? ''),
    asOf: String(c.as_of ?? ''),
    asOfDefault: spec.asOf === undefined,
  };
}

function noCustomerError(source: string, checks: AggregationChecks): DataError {
  const { linesRead, linesUsed, droppedBy } = checks;
  return new DataError(
    `no customer with a purchase in ${source}: ${linesRead} lines read, ${linesRead - linesUsed} dropped (${Object.entries(droppedBy).map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}); check --customer, --date and --amount`,
    source,
  );
}

/**
 * Takes the sorted customers from DuckDB once the grouping is done: `sql` is the features query, `names` the feature
 * columns, `count()` runs a query for the number of customers.
 */
type FeaturesConsumer<T> = (connection: import('@duckdb/node-api').DuckDBConnection, sql: string, names: string[], count: () => Promise<number>) => Promise<T>;

/** What a run in DuckDB gives: what the consumer made of the customers, the checks query's row, the relation read. */
interface DuckDBRun<T> {
  features: T;
  names: string[];
  checksRow: Record<string, unknown>;
  relation: string;
}

/**
 * The aggregation in embedded DuckDB reading the orders once ({@link onePassAggregationSql}) per part of the
 * customers: the lines grouped by customer into a table (`table`; a temporary one unless qualified), then the
 * features (to `consume`) and the checks from it.
 */
async function runOnePassInDuckDB<T>(
  connection: import('@duckdb/node-api').DuckDBConnection,
  spec: TransactionsSpec,
  source: string,
  parts: number,
  table: string,
  consume: FeaturesConsumer<T>,
): Promise<DuckDBRun<T>> {
  const sql = onePassAggregationSql({ spec, source, dialect: 'duckdb' });
  const temp = table.includes('.') ? '' : 'TEMP ';
  await connection.run(`CREATE OR REPLACE ${temp}TABLE ${table} AS ${sql.groupedPart(parts, 0)}`);
  try {
    for (let part = 1; part < parts; part++) await connection.run(`INSERT INTO ${table} ${sql.groupedPart(parts, part)}`);
    // the grouping is done: DuckDB gives back half of its memory (its cached blocks go to the temporary folder), room
    // for what JavaScript makes of the customers while the sort by id streams into it
    await shrinkMemoryLimit(connection, 0.5);
    const names = sql.columns.slice(1);
    const count = async () => Number(((await connection.runAndReadAll(sql.count(table))).getRowObjectsJS() as { n: bigint }[])[0].n);
    const features = await consume(connection, sql.features(table), names, count);
    const [checksRow] = (await connection.runAndReadAll(sql.checks(table))).getRowObjectsJS() as Record<string, unknown>[];
    return { features, names, checksRow, relation: source };
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

/** The summary's sentences about an aggregation. */
export function aggregationWarnings(checks: AggregationChecks): string[] {
  const out: string[] = [];
  const dropped = Object.entries(checks.droppedBy);
  if (dropped.length > 0)
    out.push(`Dropped ${checks.linesRead - checks.linesUsed} of ${checks.linesRead} order lines: ${dropped.map(([r, n]) => `${r} ${n}`).join(', ')}`);
  if (checks.customersWithoutPurchase > 0)
    out.push(`${checks.customersWithoutPurchase} customer(s) have only returns or zero amounts (no purchase) and are left out`);
  if (checks.customersAtOrBelowZero > 0)
    out.push(`${checks.customersAtOrBelowZero} customer(s) have monetary at or below 0 (returns at least as large as purchases)`);
  return out;
}

/**
 * Aggregates an orders table in embedded DuckDB into one row per customer (see aggregationSql for the rules).
 * @throws DataError when a named column is absent (with the columns found) or no customer has a purchase;
 * OptionsError for a bad as-of date or a missing column option.
 * @example const { table, checks } = await aggregateTransactions({ spec: { customer: 'customer_id', date: 'order_date', amount: 'amount' }, source: { file: 'orders.csv' } });
 */
export async function aggregateTransactions(options: AggregateOptions): Promise<Aggregation> {
  const { spec, source } = options;
  if ('postgres' in source) return aggregateInPostgres(spec, source);
  const run = await aggregateInDuckDB(options, async (connection, sql, names, count) => featuresFromDuckDB(connection)(sql, spec.customer, names, await count()));
  return assemble(spec, run.relation, run.names, run.features, run.checksRow);
}

/** Options of {@link writeCustomerFeatures}: the aggregation's, and the file. */
export interface WriteFeaturesOptions extends AggregateOptions {
  /** The CSV file to write (customer_features.csv); written beside as `out`.partial, then renamed. */
  out: string;
  /** Formula-like id cells get a leading ' (see customerFeaturesCsv). Default false. */
  csvGuard?: boolean;
}

/** The result of {@link writeCustomerFeatures}. */
export interface WrittenFeatures {
  /** Customers written (data lines of the file). */
  customers: number;
  checks: AggregationChecks;
  warnings: string[];
  /** Digest of the bytes written, "sha256:<hex>". */
  sha256: string;
  /**
   * Cells (header names and ids) that the CSV guard changes (see FeaturesCsvFile.formulaLikeCells): 0 when the file's
   * bytes are the same with and without `csvGuard`; else `guardFeaturesCsv` turns an unguarded file into the guarded one.
   */
  formulaLikeCells: number;
}

/**
 * {@link aggregateTransactions} straight to a file: the customers stream from DuckDB, sorted by id, into the CSV
 * in writes of about 1 MB, and no per-customer table is held in JavaScript (100 million order lines, 14.8 million
 * customers, within DuckDB's memory limit and a few hundred MB more). The file's bytes are
 * `customerFeaturesCsv(aggregateTransactions(options).table, csvGuard)`'s; a PostgreSQL source is aggregated in the
 * server and its rows written the same way. On an error no file is left under `out`.
 * @throws as aggregateTransactions; DataError naming the file when it cannot be written.
 * @example const { customers, sha256 } = await writeCustomerFeatures({ spec, source: { file: 'orders.csv' }, out: 'data/processed/customer_features.csv' });
 */
export async function writeCustomerFeatures(options: WriteFeaturesOptions): Promise<WrittenFeatures> {
  const { spec, source, out, csvGuard = false } = options;
  if (typeof out !== 'string' || out === '') throw new OptionsError('out must be the path of the CSV file to write', 'out');
  if ('postgres' in source) {
    const { table, checks, warnings } = await aggregateInPostgres(spec, source);
    const file = new FeaturesCsvFile(out, table.idColumn, table.names, csvGuard);
    file.add(table.ids.length, table.ids, table.names.map((n) => table.columns[n]));
    return { customers: file.rows, checks, warnings, sha256: file.finish(), formulaLikeCells: file.formulaLikeCells };
  }
  let file: FeaturesCsvFile | undefined;
  try {
    const run = await aggregateInDuckDB(options, async (connection, sql, names) => {
      file = new FeaturesCsvFile(out, spec.customer, names, csvGuard);
      const into = file;
      await visitFeaturesFromDuckDB(connection, sql, spec.customer, names, (n, ids, values) => into.add(n, ids, values));
      return into;
    });
    const checks = checksFrom(spec, run.checksRow);
    if (run.features.rows === 0) throw noCustomerError(run.relation, checks);
    const customers = run.features.rows;
    return { customers, checks, warnings: aggregationWarnings(checks), sha256: run.features.finish(), formulaLikeCells: run.features.formulaLikeCells };
  } catch (error) {
    file?.abort();
    throw error;
  }
}

/** The DuckDB instance and connection of a file or DuckDB source, its checks, the grouping and `consume`'s read. */
async function aggregateInDuckDB<T>(options: AggregateOptions, consume: FeaturesConsumer<T>): Promise<DuckDBRun<T>> {
  const { spec, source, memoryLimit = '1GB', threads = 2 } = options;
  if ('postgres' in source) throw new Error('aggregateInDuckDB: a PostgreSQL source runs in the server');
  const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const isFile = 'file' in source;
  const where = isFile ? source.file : source.duckdb;
  const relation = isFile ? fileRelation(source.file) : databaseRelation(source, source.duckdb);
  const spill = mkdtempSync(join(tmpdir(), 'duckdb-spill-'));
  const instance = await DuckDBInstance.create(isFile ? ':memory:' : source.duckdb, {
    threads: String(threads),
    memory_limit: memoryLimit,
    temp_directory: spill,
    ...(isFile ? {} : { access_mode: 'READ_ONLY' }),
  });
  const connection = await instance.connect();
  try {
    const run = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    await run('SET preserve_insertion_order = false');
    let header: string[];
    try {
      header = (await run(`DESCRIBE SELECT * FROM ${relation}`)).map((r) => String(r.column_name));
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      const hint = /sniffing/i.test(message) ? '; check that every line has as many fields as the header (quote cells that hold the separator)' : '';
      throw new DataError(`cannot read the orders from ${where}: ${message}${hint}`, where);
    }
    absentColumns(spec, header, where);
    if (options.parts !== undefined && (!Number.isSafeInteger(options.parts) || options.parts < 1)) throw new OptionsError(`parts must be an integer >= 1 (got ${options.parts})`, 'parts');
    try {
      const parts = options.parts ?? (await estimatedParts(run, source, relation));
      // a file's customers go to a database file in the temporary folder, whose blocks DuckDB writes out under its limit
      if (isFile) await run(`ATTACH ${sqlString(join(spill, 'work.duckdb'))} AS tx_work`);
      return await runOnePassInDuckDB(connection, spec, relation, parts, isFile ? 'tx_work.tx_customers' : 'tx_customers', consume);
    } catch (error) {
      if (error instanceof DataError || error instanceof OptionsError) throw error;
      throw new DataError(`cannot aggregate the orders in ${where}: ${(error as Error).message.split('\n').slice(0, 2).join(' ')}`, where);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
  }
}

/** The aggregation inside PostgreSQL (the `pg` client): only one row per customer travels. */
async function aggregateInPostgres(spec: TransactionsSpec, source: { postgres: string; table?: string; sql?: string }): Promise<Aggregation> {
  const { Client } = require('pg') as typeof import('pg');
  // the URL may hold a password: messages name the table or query only
  const where = source.sql !== undefined ? `the --sql query` : `PostgreSQL table ${source.table ?? ''}`;
  const relation = databaseRelation(source, where);
  const client = new Client({ connectionString: source.postgres });
  try {
    await client.connect();
  } catch (error) {
    throw new DataError(`cannot connect to the PostgreSQL database of --db: ${(error as Error).message.split('\n')[0]}`, 'db');
  }
  try {
    let header: string[];
    try {
      header = (await client.query(`SELECT * FROM ${relation} LIMIT 0`)).fields.map((f) => f.name);
    } catch (error) {
      throw new DataError(`cannot read the orders from ${where}: ${(error as Error).message.split('\n')[0]}`, where);
    }
    absentColumns(spec, header, where);
    return await runAggregation(async (sql) => (await client.query(sql)).rows as Record<string, unknown>[], spec, relation, 'postgres');
  } finally {
    await client.end();
  }
}
