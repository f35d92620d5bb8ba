/**
 * The aggregation text of each engine on the same awkward lines (every date form, calendar errors, missing tokens,
 * returns, typed columns): PostgreSQL (a throwaway server, through `pg`) and SQLite (the sqlite3 shell) give the
 * DuckDB run's customers, features and drop counts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresSkipReason, startPostgres } from '../../../test/support/postgres';
import { sqlite, sqliteSkipReason } from '../../../test/support/sqlite';
import { aggregateTransactions, runAggregation, writeCustomerFeatures, type Aggregation } from './aggregate';

const LINES = [
  ['007', '2024-01-10', '10.00', 'A'],
  ['007', '2024-01-20T09:30:00', '5.50', 'B'],
  ['007', '2024-01-20 09:30:00', '5.50', 'B'],
  ['007', '20240125', '-3.00', 'C'],
  ['08', '20240201', '20', 'D'],
  ['08', '20240131.0', '1e1', 'D2'],
  ['', '2024-01-05', '1', 'E'],
  ['NA', '2024-01-05', '1', 'E'],
  ['09', '2024-02-30', '1', 'F'],
  ['09', '2023-02-29', '1', 'F'],
  ['09', '20241301', '1', 'F'],
  ['09', '0000-01-01', '1', 'F'],
  ['09', '05/01/2024', '1', 'F'],
  ['09', '2024-01-05x', '1', 'F'],
  ['09', '2024-01-05', '', 'F'],
  ['09', '2024-01-05', '"1,5"', 'F'],
  ['09', '2024-01-05', 'null', 'F'],
  ['09', '2024-01-05', '1', ''],
  ['10', '2024-01-05', '-4', 'G'],
  ['11', '2024-02-29', '2.25', 'H'],
];
const SPEC = { customer: 'cust', date: 'day', amount: 'amt', order: 'ord' };

function plain(a: Aggregation) {
  return { ids: a.table.ids, columns: Object.fromEntries(a.table.names.map((n) => [n, Array.from(a.table.columns[n])])), checks: a.checks };
}

describe('aggregation in PostgreSQL and SQLite equals DuckDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tx-dialects-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'orders.csv');
  writeFileSync(file, ['cust,day,amt,ord', ...LINES.map((l) => l.join(','))].join('\n') + '\n');

  it('DuckDB by hand: which lines are dropped and why', async () => {
    const d = await aggregateTransactions({ spec: SPEC, source: { file } });
    expect(d.table.ids).toEqual(['007', '08', '11']);
    expect(d.checks.droppedBy).toEqual({ 'missing customer': 2, 'unreadable date': 6, 'missing amount': 3, 'missing order': 1 });
    expect(Array.from(d.table.columns.monetary)).toEqual([18, 30, 2.25]);
    expect(Array.from(d.table.columns.frequency)).toEqual([2, 2, 1]);
    expect(d.checks.asOf).toBe('2024-03-01');
    expect(d.checks.customersWithoutPurchase).toBe(1);
  });

  const pgSkip = postgresSkipReason();
  it.skipIf(pgSkip !== '')(`PostgreSQL, text and typed columns${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, async () => {
    const duck = plain(await aggregateTransactions({ spec: SPEC, source: { file } }));
    const pg = await startPostgres();
    try {
      await pg.psql('CREATE TABLE orders (cust TEXT, day TEXT, amt TEXT, ord TEXT)');
      await pg.psql(`\\copy orders FROM '${file}' WITH (FORMAT csv, HEADER true)`);
      expect(plain(await aggregateTransactions({ spec: SPEC, source: { postgres: pg.url, table: 'orders' } }))).toEqual(duck);
      // written to customer_features.csv: the file of the CSV run, byte for byte
      const fromFile = await writeCustomerFeatures({ spec: SPEC, source: { file }, out: join(dir, 'duck.csv') });
      const fromPg = await writeCustomerFeatures({ spec: SPEC, source: { postgres: pg.url, table: 'orders' }, out: join(dir, 'pg.csv') });
      expect(fromPg).toEqual(fromFile);
      expect(readFileSync(join(dir, 'pg.csv'), 'utf8')).toBe(readFileSync(join(dir, 'duck.csv'), 'utf8'));
      // typed columns: a DATE, a NUMERIC amount
      await pg.psql("CREATE TABLE typed AS SELECT cust, CAST(day AS DATE) AS day, CAST(amt AS NUMERIC) AS amt, ord FROM orders WHERE cust IN ('007', '11') AND day SIMILAR TO '[0-9]{4}-[0-9]{2}-[0-9]{2}%'");
      const typed = await aggregateTransactions({ spec: SPEC, source: { postgres: pg.url, table: 'typed' } });
      expect(typed.table.ids).toEqual(['007', '11']);
      expect(Array.from(typed.table.columns.monetary)).toEqual([21, 2.25]);
      await expect(aggregateTransactions({ spec: { ...SPEC, customer: 'client' }, source: { postgres: pg.url, table: 'orders' } })).rejects.toThrow(
        /Column "client" is missing in PostgreSQL table orders \(found: cust, day, amt, ord\)/,
      );
    } finally {
      await pg.stop();
    }
  }, 120_000);

  const liteSkip = sqliteSkipReason();
  it.skipIf(liteSkip !== '')(`SQLite${liteSkip ? ` (skipped: ${liteSkip})` : ''}`, async () => {
    const duck = plain(await aggregateTransactions({ spec: SPEC, source: { file } }));
    const run = async (sql: string) => {
      const out = await sqlite(['.mode json', 'CREATE TABLE orders (cust TEXT, day TEXT, amt TEXT, ord TEXT);', `.import --csv --skip 1 '${file}' orders`, `${sql};`, ''].join('\n'));
      return out.trim() === '' ? [] : (JSON.parse(out) as Record<string, unknown>[]);
    };
    expect(plain(await runAggregation(run, SPEC, 'orders', 'sqlite'))).toEqual(duck);
  });
});
