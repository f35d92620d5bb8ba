import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanCustomers } from '../data/clean';
import { parseCustomersCsv } from '../data/parse';
import { aggregateTransactions, customerFeaturesCsv } from '../data/transactions/aggregate';
import { transactionsTable } from '../data/transactions/generate';
import { STAGING_PREFIX } from '../io/atomic';
import { DataError, OptionsError } from '../util/errors';
import { readReportInput } from './input';
import { reportSettings } from './options';
import { transactionsSchema } from './transactions';

const dir = mkdtempSync(join(tmpdir(), 'report-input-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('readReportInput', () => {
  it('reads and cleans a customer file with the given columns, reporting the start of loading', async () => {
    const data = file('shops.csv', 'shop,visits,spend\nNorth,3,10\nSouth,4,\nEast,5,12\n');
    const phases: string[] = [];
    const input = await readReportInput(
      reportSettings({ data, columns: { features: ['visits', 'spend'], categorical: ['shop'] }, onProgress: (e) => phases.push(e.phase) }),
    );
    expect(phases[0]).toBe('loading');
    expect(input).toMatchObject({ path: data, synthetic: false, orders: null, warnings: [] });
    expect(input.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(input.cleaning.rows).toMatchObject({ read: 3, used: 2, dropped: 1 });
  });

  it('refuses an orders table read as a customer table, saying how to aggregate it', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i % 5},2024-01-${String(i + 1).padStart(2, '0')},${i + 1},1`);
    const data = file('orders.csv', ['customer_id,order_date,amount,items', ...rows].join('\n'));
    const settings = reportSettings({ data, columns: { id: 'customer_id', features: ['amount', 'items'] } });
    await expect(readReportInput(settings)).rejects.toThrow(DataError);
    await expect(readReportInput(settings)).rejects.toThrow(
      /looks like an orders table: 15 of 20 rows repeat a customer_id and it has a date column "order_date"; aggregate it per customer with --transactions/,
    );
  });

  it('refuses orders without a source, or with two', async () => {
    const transactions = { customer: 'c', date: 'd', amount: 'a' };
    await expect(readReportInput(reportSettings({ transactions }))).rejects.toThrow(OptionsError);
    await expect(readReportInput(reportSettings({ transactions }))).rejects.toThrow('--transactions needs the orders');
    await expect(readReportInput(reportSettings({ data: 'x.csv', transactions: { ...transactions, db: 'x.duckdb' } }))).rejects.toThrow(
      '--data and --db are two sources of orders: give one',
    );
  });

  describe('orders (--transactions)', () => {
    const spec = { customer: 'customer_id', date: 'order_date', amount: 'amount', order: 'order_id', quantity: 'quantity' };
    const orders = file('tx-orders.csv', transactionsTable({ customers: 700, seed: 11, dirty: true }).csv);
    const stagingFolders = (out: string) => (existsSync(out) ? readdirSync(out).filter((n) => n.startsWith(STAGING_PREFIX)) : []);

    it("cleans what the in-memory aggregation and its CSV text gave, from customer_features.csv streamed to a staging file", async () => {
      const out = join(dir, 'tx-out');
      const input = await readReportInput(reportSettings({ data: orders, transactions: spec, out }));
      const old = await aggregateTransactions({ spec, source: { file: orders } });
      const text = customerFeaturesCsv(old.table);
      const schema = transactionsSchema(spec, {});
      const expected = cleanCustomers(parseCustomersCsv(text, { source: `${orders} (per customer)`, schema: { schema } }));
      expect(input.cleaning).toEqual(expected);
      expect(input.cleaning.rows.read).toBe(old.table.ids.length);
      expect(input.cleaning.data.ids).toEqual(expected.data.ids);
      expect(input.cleaning.data.numeric).toEqual(expected.data.numeric);
      expect(input.cleaning.warnings).toEqual(expected.warnings);
      expect(input.hash).toBe(`sha256:${createHash('sha256').update(readFileSync(orders)).digest('hex')}`);
      const o = input.orders!;
      expect(o.written).toMatchObject({ customers: old.table.ids.length, checks: old.checks, warnings: old.warnings, formulaLikeCells: 0 });
      expect(o.written.sha256).toBe(`sha256:${createHash('sha256').update(text).digest('hex')}`);
      // the one file, in a staging folder of the output folder, until the output phase moves it
      expect(readFileSync(o.featuresFile, 'utf8')).toBe(text);
      expect(o.featuresFile.startsWith(join(out, STAGING_PREFIX))).toBe(true);
      await o.stage.discard();
      expect(stagingFolders(out)).toEqual([]);
    });

    it("hashes a DuckDB source's per-customer file, and leaves no staging folder when the aggregation fails", async () => {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const db = join(dir, 'tx.duckdb');
      const instance = await DuckDBInstance.create(db);
      const c = await instance.connect();
      await c.run(`CREATE TABLE orders AS SELECT * FROM read_csv('${orders}', all_varchar = true)`);
      c.closeSync();
      instance.closeSync();
      const out = join(dir, 'tx-db');
      const input = await readReportInput(reportSettings({ transactions: { ...spec, db, table: 'orders' }, out }));
      const text = customerFeaturesCsv((await aggregateTransactions({ spec, source: { duckdb: db, table: 'orders' } })).table);
      expect(input.hash).toBe(`sha256:${createHash('sha256').update(text).digest('hex')}`);
      expect(input.path).toBe(`${db}:orders`);
      await input.orders!.stage.discard();
      await expect(readReportInput(reportSettings({ data: orders, transactions: { ...spec, amount: 'no_such_column' }, out }))).rejects.toThrow(/no_such_column/);
      expect(stagingFolders(out)).toEqual([]);
    });
  });
});
