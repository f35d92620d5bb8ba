/**
 * The DuckDB aggregation against an independent pandas implementation of the same rules (Debian's
 * /usr/bin/python3), on generated orders with returns, date-times, multi-line orders, missing ids, unreadable dates,
 * missing amounts and repeated lines; and small tables worked out by hand for the date forms and reasons.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregateTransactions, customerFeaturesCsv, customerFeaturesCsvPieces, featuresFromDuckDB, featuresFromRows, guardFeaturesCsv, runAggregation, writeCustomerFeatures, type Aggregation } from './aggregate';
import { fileRelation } from './source';
import { onePassAggregationSql } from './sql';
import { transactionsTable } from './generate';
import type { TransactionsSpec } from './sql';

const PYTHON = '/usr/bin/python3';
const pandasSkip = spawnSync(PYTHON, ['-c', 'import pandas'], { encoding: 'utf8' }).status === 0 ? false : 'pandas not available in /usr/bin/python3 (apt-get install python3-pandas)';
const REFERENCE = join(__dirname, '__fixtures__', 'rfm_pandas.py');

function pandasFeatures(file: string, spec: TransactionsSpec): Map<string, Record<string, number>> {
  const out = spawnSync(PYTHON, [REFERENCE, file, spec.customer, spec.date, spec.amount, spec.order ?? '-', spec.quantity ?? '-', spec.asOf ?? '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (out.status !== 0) throw new Error(out.stderr);
  const [header, ...lines] = out.stdout.trim().split('\n');
  const names = header.split(',');
  return new Map(lines.map((l) => {
    const cells = l.split(',');
    return [cells[0], Object.fromEntries(names.slice(1).map((n, j) => [n, Number(cells[j + 1])]))];
  }));
}

function expectSameAsPandas(result: Aggregation, reference: Map<string, Record<string, number>>) {
  const { table } = result;
  expect(table.ids.length).toBe(reference.size);
  expect(new Set(table.ids).size).toBe(table.ids.length);
  let compared = 0;
  table.ids.forEach((id, i) => {
    const ref = reference.get(id);
    expect(ref, `customer ${id}`).toBeDefined();
    for (const name of table.names) {
      const mine = table.columns[name][i];
      const theirs = ref![name];
      // sums of two-decimal amounts: the engines add in different orders
      if (name === 'monetary' || name === 'avg_order_value') expect(Math.abs(mine - theirs)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(theirs)));
      else expect(mine, `${name} of ${id}`).toBe(theirs);
      compared++;
    }
  });
  expect(compared).toBe(reference.size * table.names.length);
}

describe('aggregateTransactions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tx-agg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const orders = transactionsTable({ customers: 400, seed: 11, dirty: true });
  const file = join(dir, 'orders.csv');
  writeFileSync(file, orders.csv);

  it.skipIf(pandasSkip)('equals pandas per customer with orders and quantities (dirty lines dropped by reason, repeated lines kept)', async () => {
    const spec = { customer: 'customer_id', date: 'order_date', amount: 'amount', order: 'order_id', quantity: 'quantity' };
    const result = await aggregateTransactions({ spec, source: { file } });
    expectSameAsPandas(result, pandasFeatures(file, spec));
    expect(result.checks.linesRead).toBe(orders.rows);
    expect(result.checks.droppedBy).toEqual({
      'missing customer': orders.dirty['missing-customer'],
      'unreadable date': orders.dirty['bad-date'],
      'missing amount': orders.dirty['missing-amount'],
    });
    // ids keep their leading zeros
    expect(result.table.ids.every((id) => /^0\d{5}$/.test(id))).toBe(true);
    expect(result.table.names).toEqual(['recency_days', 'frequency', 'monetary', 'avg_order_value', 'tenure_days', 'items']);
  });

  it.skipIf(pandasSkip)('equals pandas without --order (distinct purchase days) and with a given as-of date', async () => {
    const spec = { customer: 'customer_id', date: 'order_date', amount: 'amount', asOf: '2025-03-01' };
    const result = await aggregateTransactions({ spec, source: { file } });
    expectSameAsPandas(result, pandasFeatures(file, spec));
    expect(result.checks.asOf).toBe('2025-03-01');
    expect(result.checks.asOfDefault).toBe(false);
  });

  it('reads ISO dates, date-times, YYYYMMDD numbers and text, and --date-format; counts each reason; worked by hand', async () => {
    const small = join(dir, 'small.csv');
    writeFileSync(
      small,
      [
        'cust;day;amt;ord',
        '007;2024-01-10;10.00;A', // customer 007: purchases on 01-10 (A) and 01-20 (B, two identical lines)
        '007;2024-01-20T09:30:00;5.50;B',
        '007;2024-01-20T09:30:00;5.50;B',
        '007;20240125;-3.00;C', // a return: subtracts, not a purchase
        '08;20240201;20;D', // customer 08: one purchase, as-of default = 2024-02-02
        ';2024-01-05;1;E', // missing customer
        'NA;2024-01-05;1;E', // missing token
        '09;2024-02-30;1;F', // not a calendar date
        '09;05/01/2024;1;F', // unreadable without --date-format
        '09;2024-01-05;;F', // missing amount
        '09;2024-01-05;1,5;F', // not a number
        '10;2024-01-05;-4;G', // only a return: no purchase
      ].join('\n') + '\n',
    );
    const { table, checks, warnings } = await aggregateTransactions({ spec: { customer: 'cust', date: 'day', amount: 'amt', order: 'ord' }, source: { file: small } });
    expect(table.ids).toEqual(['007', '08']);
    // as-of 2024-02-02: 007 last purchase 01-20 (13 days), first 01-10 (23 days); 2 orders; 10 + 5.5 + 5.5 - 3 = 18
    expect(Object.fromEntries(table.names.map((n) => [n, Array.from(table.columns[n])]))).toEqual({
      recency_days: [13, 1],
      frequency: [2, 1],
      monetary: [18, 20],
      avg_order_value: [9, 20],
      tenure_days: [23, 1],
    });
    expect(checks).toMatchObject({ linesRead: 12, linesUsed: 6, customersWithoutPurchase: 1, customersAtOrBelowZero: 0, asOf: '2024-02-02', lastDate: '2024-02-01', firstDate: '2024-01-05' });
    expect(checks.droppedBy).toEqual({ 'missing customer': 2, 'unreadable date': 2, 'missing amount': 2 });
    expect(warnings[0]).toBe('Dropped 6 of 12 order lines: missing customer 2, unreadable date 2, missing amount 2');
    expect(warnings[1]).toMatch(/^1 customer\(s\) have only returns/);
    expect(customerFeaturesCsv(table)).toBe('cust,recency_days,frequency,monetary,avg_order_value,tenure_days\n007,13,2,18,9,23\n08,1,1,20,20,1\n');

    const formatted = join(dir, 'formatted.csv');
    writeFileSync(formatted, 'c,d,a\n1,05/01/2024,2\n1,17/01/2024,3\n2,2024-01-17,1\n');
    const f = await aggregateTransactions({ spec: { customer: 'c', date: 'd', amount: 'a', dateFormat: '%d/%m/%Y' }, source: { file: formatted } });
    expect(f.table.ids).toEqual(['1']);
    expect(Array.from(f.table.columns.tenure_days)).toEqual([13]);
    expect(f.checks.droppedBy).toEqual({ 'unreadable date': 1 });
  });

  it('reads Parquet with typed columns (integer YYYYMMDD dates, numeric ids) like the CSV', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const pq = join(dir, 'orders.parquet');
    await c.run(`COPY (SELECT * FROM (VALUES ('0042', 20240101, 10.5), ('0042', 20240110, 4.5), ('0007', 20240105, 1.0)) t(id, day, amount)) TO '${pq}' (FORMAT parquet)`);
    c.closeSync();
    db.closeSync();
    const { table, checks } = await aggregateTransactions({ spec: { customer: 'id', date: 'day', amount: 'amount' }, source: { file: pq } });
    expect(table.ids).toEqual(['0007', '0042']);
    expect(Array.from(table.columns.monetary)).toEqual([1, 15]);
    expect(Array.from(table.columns.recency_days)).toEqual([6, 1]);
    expect(checks.asOf).toBe('2024-01-11');
  });

  it('gives the same bytes with 1 thread and a 64 MB memory limit as with 2 threads and 1 GB (exact money sums), ~170,000 lines', async () => {
    const big = join(dir, 'big.csv');
    writeFileSync(big, transactionsTable({ customers: 25_000, seed: 1 }).csv);
    const spec = { customer: 'customer_id', date: 'order_date', amount: 'amount', order: 'order_id', quantity: 'quantity' };
    const wide = await aggregateTransactions({ spec, source: { file: big } });
    const narrow = await aggregateTransactions({ spec, source: { file: big }, memoryLimit: '64MB', threads: 1 });
    expect(wide.table.ids.length).toBeGreaterThan(24_000);
    expect(customerFeaturesCsv(narrow.table)).toBe(customerFeaturesCsv(wide.table));
    // grouped in three parts of the customers, one reading each: the same rows and counts
    const parted = await aggregateTransactions({ spec, source: { file: big }, memoryLimit: '64MB', threads: 1, parts: 3 });
    expect(customerFeaturesCsv(parted.table)).toBe(customerFeaturesCsv(wide.table));
    expect(parted.checks).toEqual(wide.checks);
    const pieces = [...customerFeaturesCsvPieces(wide.table, { linesPerPiece: 10_000 })];
    expect(pieces.length).toBe(1 + Math.ceil(wide.table.ids.length / 10_000));
    expect(pieces[1].split('\n').length).toBe(10_001);
    expect(pieces.join('')).toBe(customerFeaturesCsv(wide.table));
    await expect(aggregateTransactions({ spec, source: { file: big }, memoryLimit: '20MB', threads: 1 })).rejects.toThrow(/Out of Memory Error/);
  }, 60_000);

  it('reads a DuckDB result column-wise, chunk by chunk, as the row objects read it (150,000 rows, integer, bigint, double, decimal, nulls)', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      const sql = `SELECT lpad(CAST(i AS VARCHAR), 7, '0') AS "id", CAST(i - 70000 AS INTEGER) AS a, CAST(i * 3 AS BIGINT) AS b,
        i / 7.0 AS x, CAST(i / 3 AS DECIMAL(18, 3)) AS d, CASE WHEN i % 5 = 0 THEN NULL ELSE i END AS n FROM range(150000) t(i) ORDER BY i`;
      const names = ['a', 'b', 'x', 'd', 'n'];
      const byColumns = await featuresFromDuckDB(c)(sql, 'id', names);
      const byRows = await featuresFromRows(async (q) => (await c.runAndReadAll(q)).getRowObjectsJS() as Record<string, unknown>[])(sql, 'id', names);
      expect(byColumns.ids.length).toBe(150_000);
      expect(byColumns.ids[149_999]).toBe('0149999');
      expect(byColumns.ids).toEqual(byRows.ids);
      for (const name of names) {
        expect(byColumns.columns[name].length, name).toBe(150_000);
        expect(Buffer.from(byColumns.columns[name].buffer).equals(Buffer.from(byRows.columns[name].buffer)), name).toBe(true);
      }
      expect(byColumns.columns.n[5]).toBe(0);
      // sized up front (the row count known), or too small (grown on the way): the same arrays
      for (const rows of [150_000, 10]) {
        const sized = await featuresFromDuckDB(c)(sql, 'id', names, rows);
        expect(sized.ids).toEqual(byRows.ids);
        for (const name of names) expect(Buffer.from(sized.columns[name].buffer, sized.columns[name].byteOffset, sized.columns[name].byteLength).equals(Buffer.from(byRows.columns[name].buffer)), `${name}, ${rows} rows`).toBe(true);
      }
      expect(byColumns.columns.a[0]).toBe(-70_000);
      await expect(featuresFromDuckDB(c)(sql, 'customer', names)).rejects.toThrow(/returned id, a, b, x, d, n, not customer, a/);
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  it('reads the orders once (onePassAggregationSql) into the two-pass queries\' features and checks, with and without as-of, order and quantity', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      const run = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
      for (const spec of [
        { customer: 'customer_id', date: 'order_date', amount: 'amount', order: 'order_id', quantity: 'quantity' },
        { customer: 'customer_id', date: 'order_date', amount: 'amount', asOf: '2025-03-01' },
      ]) {
        const twoPass = await runAggregation(run, spec, fileRelation(file), 'duckdb');
        const onePass = await aggregateTransactions({ spec, source: { file } });
        expect(onePass.checks).toEqual(twoPass.checks);
        expect(customerFeaturesCsv(onePass.table)).toBe(customerFeaturesCsv(twoPass.table));
      }
      // the dirty table has every reason, customers at or below 0 and repeated lines
      const { checks } = await aggregateTransactions({ spec: { customer: 'customer_id', date: 'order_date', amount: 'amount' }, source: { file } });
      expect(Object.keys(checks.droppedBy).length).toBe(3);
      expect(() => onePassAggregationSql({ spec: { customer: 'c', date: 'd', amount: 'a' }, source: 'orders', dialect: 'sqlite' })).toThrow(/use aggregationSql for SQLite/);
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  it('names a missing column with the columns found, and refuses a bad as-of date', async () => {
    const ragged = join(dir, 'ragged.csv');
    writeFileSync(ragged, 'c,d,a\n1,2024-01-01,2\n1,2024-01-02,1,5\n');
    await expect(aggregateTransactions({ spec: { customer: 'c', date: 'd', amount: 'a' }, source: { file: ragged } })).rejects.toThrow(/cannot read the orders from .*ragged\.csv: .*sniffing.*; check that every line has as many fields as the header/);
    await expect(aggregateTransactions({ spec: { customer: 'customer', date: 'order_date', amount: 'amount' }, source: { file } })).rejects.toThrow(
      /Column "customer" is missing in .*orders\.csv \(found: customer_id, order_id, order_date, product, quantity, amount\)/,
    );
    await expect(aggregateTransactions({ spec: { customer: 'customer_id', date: 'order_date', amount: 'amount', asOf: '2024-02-30' }, source: { file } })).rejects.toThrow(
      /--as-of must be a date YYYY-MM-DD \(got "2024-02-30"\)/,
    );
  });
});

describe('writeCustomerFeatures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tx-write-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // generated orders and customers whose ids a CSV or a spreadsheet would trip on
  const HOSTILE = ['a,b', 'say "hi"', 'two\nlines', '000123', '=1+1', '-5x', '@SUM(A1)', '+44 20', ' padded'];
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const orders = transactionsTable({ customers: 3_000, seed: 23 });
  const extra = HOSTILE.flatMap((id, k) => [
    `${quote(id)},H${k},2024-06-0${1 + (k % 9)} 10:00:00,P1,1,${10 + k}.25`,
    `${quote(id)},H${k}b,2024-07-1${k % 10},P2,2,${k}.5`,
  ]);
  const file = join(dir, 'orders.csv');
  writeFileSync(file, orders.csv + extra.join('\n') + '\n');
  const spec = { customer: 'customer_id', date: 'order_date', amount: 'amount', order: 'order_id', quantity: 'quantity' };
  const sha = (text: string | Buffer) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

  it('writes the bytes customerFeaturesCsv makes of the in-memory table, with and without csvGuard, hostile ids included; same checks and warnings', async () => {
    const inMemory = await aggregateTransactions({ spec, source: { file } });
    expect(inMemory.table.ids).toEqual(expect.arrayContaining(HOSTILE.map((id) => id.trim())));
    for (const csvGuard of [false, true]) {
      const out = join(dir, `features-${csvGuard}.csv`);
      const written = await writeCustomerFeatures({ spec, source: { file }, out, csvGuard });
      const bytes = readFileSync(out);
      const expected = customerFeaturesCsv(inMemory.table, csvGuard);
      expect(bytes.toString('utf8')).toBe(expected);
      expect(written.sha256).toBe(sha(bytes));
      expect(written.customers).toBe(inMemory.table.ids.length);
      expect(written.checks).toEqual(inMemory.checks);
      expect(written.warnings).toEqual(inMemory.warnings);
      // '=1+1', '-5x', '@SUM(A1)', '+44 20' (not '-12'-like numbers): what the guard changes
      expect(written.formulaLikeCells).toBe(inMemory.table.ids.filter((id) => /^[=+\-@]/.test(id) && !/^[+-]?\d+(\.\d*)?$/.test(id)).length);
      expect(written.formulaLikeCells).toBeGreaterThanOrEqual(4);
      const text = bytes.toString('utf8');
      expect(text).toContain('\n"a,b",');
      expect(text).toContain('\n"say ""hi""",');
      expect(text).toContain('\n"two\nlines",');
      expect(text).toContain('\n000123,');
      expect(text).toContain(csvGuard ? "\n'=1+1," : '\n=1+1,');
      expect(text).toContain(csvGuard ? "\n'@SUM(A1)," : '\n@SUM(A1),');
    }
    // the two files differ only in the guarded cells: guarding the unguarded file gives the guarded one
    expect(readFileSync(join(dir, 'features-true.csv'), 'utf8')).not.toBe(readFileSync(join(dir, 'features-false.csv'), 'utf8'));
    const guarded: string[] = [];
    await guardFeaturesCsv(join(dir, 'features-false.csv'), (t) => void guarded.push(t));
    expect(guarded.join('')).toBe(readFileSync(join(dir, 'features-true.csv'), 'utf8'));
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  }, 60_000);

  it('gives the same file under a 64 MB memory limit in 3 parts, one thread', async () => {
    const wide = join(dir, 'wide.csv');
    const narrow = join(dir, 'narrow.csv');
    const a = await writeCustomerFeatures({ spec, source: { file }, out: wide });
    const b = await writeCustomerFeatures({ spec, source: { file }, out: narrow, memoryLimit: '64MB', threads: 1, parts: 3 });
    expect(b.sha256).toBe(a.sha256);
    expect(b.checks).toEqual(a.checks);
    expect(readFileSync(narrow).equals(readFileSync(wide))).toBe(true);
    // a line per customer, the header, the end; one id holds a line break
    expect(readFileSync(wide, 'utf8').split('\n').length).toBe(a.customers + 3);
  }, 60_000);

  it('refuses orders without a purchase as aggregateTransactions does, and leaves no file', async () => {
    const returns = join(dir, 'returns.csv');
    writeFileSync(returns, 'c,d,a\n1,2024-01-01,-2\n2,2024-01-02,0\n,2024-01-03,5\n');
    const source = { file: returns };
    const s = { customer: 'c', date: 'd', amount: 'a' };
    const message = await aggregateTransactions({ spec: s, source }).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message).toMatch(/^no customer with a purchase in .*returns\.csv.*: 3 lines read, 1 dropped \(missing customer 1\); check --customer/);
    const out = join(dir, 'none.csv');
    await expect(writeCustomerFeatures({ spec: s, source, out })).rejects.toThrow(message);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    await expect(writeCustomerFeatures({ spec: s, source, out: '' })).rejects.toThrow(/out must be the path/);
  });

  it('names the file it cannot write, and keeps no part of it', async () => {
    const out = join(dir, 'no-such-folder', 'features.csv');
    await expect(writeCustomerFeatures({ spec, source: { file }, out })).rejects.toThrow(/cannot open .*no-such-folder\/features\.csv\.partial: ENOENT.*check that the folder exists/);
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
  });
});
