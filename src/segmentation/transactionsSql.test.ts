/**
 * export-sql --transactions against the report, customer by customer: the report trains on generated orders, then
 * the exported query runs on the same orders loaded as text columns in DuckDB, PostgreSQL (a throwaway server) and
 * SQLite (Debian's sqlite3 shell).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresSkipReason, startPostgres } from '../../test/support/postgres';
import { sqlite, sqliteSkipReason } from '../../test/support/sqlite';
import { parseModel, type SegmentModel } from './artifact';
import { exportTransactionsSql } from './transactionsSql';
import { transactionsTable } from '../data/transactions/generate';
import { scoreTransactions } from '../scoring/transactions';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);
const OUTPUT = ['customer_id', 'recency_days', 'frequency', 'monetary', 'avg_order_value', 'tenure_days', 'cluster', 'distance', 'R', 'F', 'M', 'RFM', 'rfm_segment'];

describe('exportTransactionsSql', () => {
  let dir: string;
  let orders: string;
  let model: SegmentModel;
  let report: Map<string, Record<string, string>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tx-sql-'));
    orders = join(dir, 'orders.csv');
    await writeFile(orders, transactionsTable({ customers: 800, seed: 31, dirty: true }).csv);
    await run(join(ROOT, 'node_modules', '.bin', 'tsx'), [
      join(ROOT, 'scripts', 'report.ts'), '--transactions', '--data', orders, '--customer', 'customer_id', '--date', 'order_date',
      '--amount', 'amount', '--order', 'order_id', '--k', '4', '--no-png', '--out', dir,
    ], { cwd: ROOT, env: { ...process.env, SEGMENTATION_BACKEND: '' } });
    model = parseModel(await readFile(join(dir, 'data', 'models', 'clustering_model.json'), 'utf8'));
    const rows = parse(await readFile(join(dir, 'data', 'processed', 'clustered_data.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    report = new Map(rows.map((r) => [r.customer_id, r]));
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Every customer of the report once, with its cluster, R, F, M, RFM, segment and features; distances finite. */
  function expectSameAsReport(rows: Record<string, unknown>[], exactMoney: boolean) {
    expect(rows.length).toBe(report.size);
    for (const row of rows) {
      const r = report.get(String(row.customer_id));
      expect(r, `customer ${row.customer_id}`).toBeDefined();
      expect(Number(row.cluster), `cluster of ${row.customer_id}`).toBe(Number(r!.Cluster));
      for (const c of ['R', 'F', 'M', 'recency_days', 'frequency', 'tenure_days']) expect(Number(row[c]), `${c} of ${row.customer_id}`).toBe(Number(r![c]));
      expect(String(row.RFM)).toBe(r!.RFM);
      expect(row.rfm_segment).toBe(r!.rfm_segment);
      if (exactMoney) expect(Number(row.monetary)).toBe(Number(r!.monetary));
      else expect(Math.abs(Number(row.monetary) - Number(r!.monetary))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(Number(r!.monetary))));
      expect(Number.isFinite(Number(row.distance))).toBe(true);
    }
  }

  const fromCsv = (text: string) => (parse(text, { columns: OUTPUT }) as Record<string, string>[]);

  it('refuses a model not trained on orders and the dialects it has no text for', () => {
    expect(() => exportTransactionsSql({ ...model, transactions: undefined }, { table: 'orders' })).toThrow(/not trained on orders/);
    expect(() => exportTransactionsSql(model, { table: 'orders', dialect: 'bigquery' })).toThrow(/dialects standard \(PostgreSQL, DuckDB\) and sqlite/);
    expect(() => exportTransactionsSql(model, { table: 'orders', asOf: '2024-1-1' })).toThrow(/--as-of must be a date/);
    const broken = { ...model, transactions: { ...model.transactions!, rfm: { ...model.transactions!.rfm, monetary: [1, 2, 3] } } };
    expect(() => parseModel(JSON.stringify(broken), { source: 'm.json' })).toThrow(/Model m\.json is not usable: transactions\.rfm must hold 4 quintile edges/);
  });

  it('equals the report for every customer in DuckDB (standard dialect)', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      await c.run(`CREATE TABLE orders AS SELECT * FROM read_csv('${orders}', all_varchar = true, header = true)`);
      const rows = (await c.runAndReadAll(exportTransactionsSql(model, { table: 'orders' }))).getRowObjectsJS() as Record<string, unknown>[];
      expect(Object.keys(rows[0])).toEqual(OUTPUT);
      expectSameAsReport(rows, true);
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  const pgSkip = postgresSkipReason();
  it.skipIf(pgSkip !== '')(`equals the report for every customer in PostgreSQL${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, async () => {
    const pg = await startPostgres();
    try {
      await pg.psql('CREATE TABLE orders (customer_id TEXT, order_id TEXT, order_date TEXT, product TEXT, quantity TEXT, amount TEXT)');
      await pg.psql(`\\copy orders FROM '${orders}' WITH (FORMAT csv, HEADER true)`);
      expectSameAsReport(fromCsv(await pg.psql(exportTransactionsSql(model, { table: 'orders' }))), true);
    } finally {
      await pg.stop();
    }
  }, 120_000);

  it('score --transactions on the training orders equals the report for every customer; new orders use the training edges', async () => {
    const scored = await scoreTransactions(model, { source: { file: orders } });
    const rows = parse(scored.csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual(['customer_id', 'recency_days', 'frequency', 'monetary', 'avg_order_value', 'tenure_days', 'cluster', 'label', 'distance', 'outlier', 'R', 'F', 'M', 'RFM', 'rfm_segment']);
    expectSameAsReport(rows, true);
    const fresh = join(dir, 'new.csv');
    await writeFile(fresh, transactionsTable({ customers: 50, seed: 99, start: '2025-01-01', days: 90 }).csv);
    const later = await scoreTransactions(model, { source: { file: fresh }, asOf: '2025-06-01' });
    expect(later.checks.asOf).toBe('2025-06-01');
    // every customer of a 90-day window scored 2025-06-01 bought at least 61 days ago
    const newRows = parse(later.csv, { columns: true }) as Record<string, string>[];
    expect(newRows.every((r) => Number(r.recency_days) >= 61)).toBe(true);
    const edge = model.transactions!.rfm.recency_days;
    for (const r of newRows) expect(Number(r.R)).toBe(6 - (1 + edge.filter((e) => Number(r.recency_days) > e).length));
  });

  const liteSkip = sqliteSkipReason();
  it.skipIf(liteSkip !== '')(`equals the report for every customer in SQLite${liteSkip ? ` (skipped: ${liteSkip})` : ''}`, async () => {
    const out = await sqlite(
      [
        'CREATE TABLE orders (customer_id TEXT, order_id TEXT, order_date TEXT, product TEXT, quantity TEXT, amount TEXT);',
        `.import --csv --skip 1 '${orders}' orders`,
        exportTransactionsSql(model, { table: 'orders', dialect: 'sqlite' }),
        '',
      ].join('\n'),
    );
    expectSameAsReport(fromCsv(out), false);
  });
});
