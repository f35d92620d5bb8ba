// The report run's input phase: the table (a customer file, orders aggregated per customer, or the built-in synthetic
// table), read and cleaned, with the checks that a customer table is not an orders table.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { cleanCustomers, type CleanResult } from '../data/clean';
import { dataHash } from '../data/hash';
import { loadCleanCustomers, loadSchema, type LoadProgress } from '../data/load';
import { parseCustomersCsv } from '../data/parse';
import { headerKey, type SchemaChoice } from '../data/schema';
import { syntheticCustomersCsv } from '../data/synthetic';
import { writeCustomerFeatures, type OrdersSource, type WrittenFeatures } from '../data/transactions/aggregate';
import { StagedOutput } from '../io/atomic';
import { OUTPUTS } from '../io/layout';
import type { ProgressEvent } from '../io/progress';
import { DataError, OptionsError } from '../util/errors';
import { relativeOrAbsolute, type ReportOptions, type ReportSettings } from './options';
import { transactionsSchema } from './transactions';

/** Where the report looks for data when --data is not given (relative to the working directory; npm runs scripts from the project root). */
export const DEFAULT_DATA = 'data/raw/Mall_Customers.csv';

type OrdersOptions = NonNullable<ReportOptions['transactions']>;

/**
 * The orders behind a `--transactions` run: what was asked and what the aggregation gave. The per-customer table is
 * not held in memory: it is customer_features.csv (written without the CSV guard, the bytes the cleaning read) in a
 * staging folder of the output folder, which the output phase moves into place (or guards) and then removes with
 * `stage.discard()` (also the caller's duty when the run fails before).
 */
export interface OrdersInput {
  spec: OrdersOptions;
  /** The aggregation's counts, warnings, customers written and the file's sha256 (writeCustomerFeatures' result). */
  written: WrittenFeatures;
  /** customer_features.csv as written, inside `stage`'s folder. */
  featuresFile: string;
  /** The staging folder (under the output folder) that holds `featuresFile`. */
  stage: StagedOutput;
}

/** What the input phase gives the next ones. */
export interface ReportInput {
  /** The cleaned customer table. */
  cleaning: CleanResult;
  /** Content hash of the input (see dataHash). */
  hash: string;
  /** The file read (or the database and table of the orders). */
  path: string;
  /** True when no file was given and the default one is absent: the built-in synthetic table. */
  synthetic: boolean;
  /** The orders, for a `--transactions` run; null for a customer table. */
  orders: OrdersInput | null;
  /** Warnings for the summary (already sent to onMessage). */
  warnings: string[];
}

/**
 * Reads and cleans the run's table: the orders of `transactions` (the option, else the schema file's) aggregated per
 * customer, else the `data` file as a stream (no text row is held), else the built-in synthetic table.
 */
export async function readReportInput(settings: ReportSettings): Promise<ReportInput> {
  const { onProgress, onMessage } = settings;
  onProgress({ phase: 'loading', done: 0, total: 1, unit: 'bytes' });
  const choice: SchemaChoice = { ...settings.columns, schema: settings.schemaFile ? await loadSchema(settings.schemaFile) : undefined };
  const txOptions = settings.transactions ?? (choice.schema?.transactions ? { ...choice.schema.transactions } : undefined);
  const orders = txOptions ? await readTransactions(settings.data, txOptions, choice, settings.out, onProgress) : null;
  const { cleaning, hash, path, synthetic } = orders ?? (await readCustomers(settings.data, choice, onProgress));
  const warnings = synthetic
    ? [`SYNTHETIC DATA: no dataset at ${DEFAULT_DATA}; ran on ${cleaning.rows.read} built-in synthetic customers. Download Mall_Customers.csv into data/raw/ (see README) or pass --data PATH.`]
    : [];
  if (synthetic) onMessage(`WARNING: ${warnings[0]}`);
  return { cleaning, hash, path, synthetic, orders: orders && { spec: orders.spec, written: orders.written, featuresFile: orders.featuresFile, stage: orders.stage }, warnings };
}

async function readCustomers(
  data: string | undefined,
  schema: SchemaChoice,
  onProgress: (event: ProgressEvent) => void,
): Promise<{ cleaning: CleanResult; hash: string; path: string; synthetic: boolean }> {
  if (data === undefined) {
    const path = resolve(DEFAULT_DATA);
    if (!existsSync(path)) {
      const text = syntheticCustomersCsv();
      return { cleaning: cleanCustomers(parseCustomersCsv(text, { source: '<synthetic>' })), hash: dataHash(text), path, synthetic: true };
    }
    data = path;
  }
  const { cleaning, hash, header } = await loadCleanCustomers(data, { source: relativeOrAbsolute(data), schema, onProgress: loadingProgress(onProgress) });
  refuseOrdersTable(cleaning, header, relativeOrAbsolute(data));
  return { cleaning, hash, path: data, synthetic: false };
}

/** The report's loading and cleaning progress from a streaming read's. */
function loadingProgress(onProgress: (event: ProgressEvent) => void): (p: LoadProgress) => void {
  return (p) =>
    onProgress(
      p.finishing
        ? { phase: 'cleaning', done: 0, total: 1, unit: 'steps', rows: p.rows }
        : { phase: 'loading', done: p.done, total: p.total, unit: p.unit, rows: p.unit === 'rows' ? undefined : p.rows },
    );
}

/** Column names that say "date or time": a customer table with such a column and repeated ids is an orders table. */
const DATE_LIKE = /date|time|stamp|(^|[_ ])(day|dt|ts)$/i;

/**
 * Stops a customer-table run on an orders table (ids repeat, a date-like column): clustering each customer's first
 * row would be wrong, aggregating per customer is what is meant.
 */
function refuseOrdersTable(cleaning: CleanResult, header: readonly string[], source: string): void {
  const id = cleaning.data.schema.primaryKey;
  if (id === undefined) return;
  const repeated = cleaning.rows.droppedBy[`repeated ${id}`] ?? 0;
  const dateColumn = header.find((h) => DATE_LIKE.test(h.trim()) && headerKey(h) !== headerKey(id));
  if (repeated === 0 || dateColumn === undefined || repeated < 0.05 * cleaning.rows.read) return;
  throw new DataError(
    `${source} looks like an orders table: ${repeated} of ${cleaning.rows.read} rows repeat a ${id} and it has a date column "${dateColumn}"; ` +
      `aggregate it per customer with --transactions --customer "${id}" --date "${dateColumn}" --amount COLUMN [--order COLUMN]`,
    source,
  );
}

/**
 * Aggregates the orders into customers (DuckDB) straight into customer_features.csv, in a staging folder of the output
 * folder `out` (writeCustomerFeatures: no per-customer table in JavaScript), then loads and cleans that file as a
 * stream, as readCustomers does a customer file. The file's bytes are customerFeaturesCsv's without the guard.
 */
async function readTransactions(
  data: string | undefined,
  spec: OrdersOptions,
  choice: SchemaChoice,
  out: string,
  onProgress: (event: ProgressEvent) => void,
): Promise<{ cleaning: CleanResult; hash: string; path: string; synthetic: false } & OrdersInput> {
  let source: OrdersSource;
  let path: string;
  let hash: string;
  if (spec.db !== undefined) {
    if (data !== undefined) throw new OptionsError('--data and --db are two sources of orders: give one', 'db');
    const postgres = /^postgres(ql)?:\/\//i.test(spec.db);
    source = postgres ? { postgres: spec.db, table: spec.table, sql: spec.sql } : { duckdb: spec.db, table: spec.table, sql: spec.sql };
    // a PostgreSQL URL may hold a password: the summary names the engine and the table or query only
    path = `${postgres ? 'postgresql' : spec.db}:${spec.sql ?? spec.table ?? ''}`;
    hash = '';
  } else {
    if (data === undefined) throw new OptionsError('--transactions needs the orders: --data FILE (CSV or Parquet) or --db FILE.duckdb --table NAME', 'data');
    if (!existsSync(data)) throw new DataError(`${data} does not exist; give the orders file with --data PATH`, data);
    source = { file: data };
    path = data;
    const h = createHash('sha256');
    for await (const chunk of createReadStream(data)) h.update(chunk as Buffer);
    hash = `sha256:${h.digest('hex')}`;
  }
  const stage = await StagedOutput.create(out);
  try {
    const featuresFile = await stage.path(OUTPUTS.customerFeatures);
    const written = await writeCustomerFeatures({ spec, source, out: featuresFile });
    // a database has no file to hash: the model records the hash of the per-customer table it was trained on
    if (hash === '') hash = written.sha256;
    const schema = transactionsSchema(spec, { features: choice.features ?? (choice.schema?.features.length ? choice.schema.features : undefined) });
    const { cleaning } = await loadCleanCustomers(featuresFile, {
      source: `${relativeOrAbsolute(path)} (per customer)`,
      schema: { schema },
      onProgress: loadingProgress(onProgress),
    });
    return { cleaning, hash, path, synthetic: false, spec, written, featuresFile, stage };
  } catch (error) {
    await stage.discard();
    throw error;
  }
}
