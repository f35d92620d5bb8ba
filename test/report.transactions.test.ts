/**
 * `npm run report -- --transactions` end to end on generated orders the other tests have not seen (returns,
 * date-times, multi-line orders, missing ids, unreadable dates, missing amounts, repeated lines): customer features
 * equal to pandas' per customer, k-means on the transformed features against scikit-learn, R/F/M monotone in their
 * values and rfm_segment by the documented map; a DuckDB-file source gives the same outputs as the CSV; a customer
 * table run on the orders stops with the hint.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { transactionsTable } from '../src/data/transactions/generate';
import { rfmSegment } from '../src/segmentation/rfm';
import { ROOT } from './paths';
import { runScript } from './support/cli';
import { postgresSkipReason, startPostgres } from './support/postgres';

const PYTHON = '/usr/bin/python3';
const sklearnSkip = spawnSync(PYTHON, ['-c', 'import pandas, sklearn'], { encoding: 'utf8' }).status === 0 ? false : 'pandas/scikit-learn not in /usr/bin/python3 (apt-get install python3-pandas python3-sklearn)';

const report = (args: string[]) => runScript('report', args);

const COLUMNS = ['--customer', 'customer_id', '--date', 'order_date', '--amount', 'amount', '--order', 'order_id', '--quantity', 'quantity'];

describe.skipIf(sklearnSkip)('npm run report -- --transactions', () => {
  let dir: string;
  let orders: string;
  let summary: any;
  let clustered: Record<string, string>[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-tx-'));
    orders = join(dir, 'orders.csv');
    await writeFile(orders, transactionsTable({ customers: 1200, seed: 2027, dirty: true }).csv);
    const r = await report(['--transactions', '--data', orders, ...COLUMNS, '--k-max', '6', '--no-png', '--out', join(dir, 'csv')]);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error')).join('\n')).toBe('');
    expect(r.code).toBe(0);
    summary = JSON.parse(await readFile(join(dir, 'csv', 'reports', 'summary.json'), 'utf8'));
    clustered = parse(await readFile(join(dir, 'csv', 'data', 'processed', 'clustered_data.csv'), 'utf8'), { columns: true });
  }, 120_000);

  it('says it in the summary and the page: orders, as-of date, transforms, RFM tables, the heatmap', async () => {
    const text = await readFile(join(dir, 'csv', 'reports', 'summary.txt'), 'utf8');
    expect(text).toMatch(/as-of date \d{4}-\d{2}-\d{2} \(the day after the last date; set it with --as-of\)/);
    expect(text).toContain('clustering features transformed: log1p on frequency, monetary before standardization');
    expect(text).toContain('RFM segment x k-means segment (customers)');
    const page = await readFile(join(dir, 'csv', 'reports', 'index.html'), 'utf8');
    expect(page).toContain('<h2 id="orders">Orders and RFM</h2>');
    expect(page).toContain('Recency by Frequency');
    expect(summary.outputs).toContain('reports/figures/recency-by-frequency.html');
    expect(summary.outputs[0]).toBe('data/processed/customer_features.csv');
    const chart3d = await readFile(join(dir, 'csv', 'reports', 'figures', 'customer-segmentation-3d.html'), 'utf8');
    expect(chart3d).toContain('Frequency (orders; log1p in clustering)');
    expect(chart3d).toContain('Monetary (log1p in clustering)');
    expect(chart3d).toContain('Recency (days)');
  });

  it('takes the orders columns from a schema file key "transactions" as from the flags', async () => {
    const schema = join(dir, 'orders.schema.json');
    await writeFile(schema, JSON.stringify({ transactions: { customer: 'customer_id', date: 'order_date', amount: 'amount', order: 'order_id', quantity: 'quantity' } }));
    const r = await report(['--data', orders, '--schema', schema, '--k-max', '6', '--no-png', '--out', join(dir, 'schema')]);
    expect(r.code).toBe(0);
    expect(await readFile(join(dir, 'schema', 'data', 'processed', 'clustered_data.csv'), 'utf8')).toBe(await readFile(join(dir, 'csv', 'data', 'processed', 'clustered_data.csv'), 'utf8'));
  }, 120_000);

  it('writes customer features equal to pandas per customer, every customer once', async () => {
    const mine = parse(await readFile(join(dir, 'csv', 'data', 'processed', 'customer_features.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const out = spawnSync(PYTHON, [join(ROOT, 'src', 'data', 'transactions', '__fixtures__', 'rfm_pandas.py'), orders, 'customer_id', 'order_date', 'amount', 'order_id', 'quantity', '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const ref = new Map((parse(out.stdout, { columns: true }) as Record<string, string>[]).map((r) => [r.customer_id, r]));
    expect(mine.length).toBe(ref.size);
    expect(new Set(mine.map((r) => r.customer_id)).size).toBe(mine.length);
    for (const row of mine) {
      const r = ref.get(row.customer_id)!;
      for (const c of ['recency_days', 'frequency', 'tenure_days', 'items']) expect(Number(row[c]), `${c} ${row.customer_id}`).toBe(Number(r[c]));
      for (const c of ['monetary', 'avg_order_value']) expect(Math.abs(Number(row[c]) - Number(r[c]))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(Number(r[c]))));
    }
    expect(summary.transactions.checks.linesRead).toBeGreaterThan(mine.length);
    expect(Object.keys(summary.transactions.checks.droppedBy).sort()).toEqual(['missing amount', 'missing customer', 'unreadable date']);
  });

  it('clusters log1p(frequency), log1p(monetary) and recency as scikit-learn does (inertia per k <= 1.005x)', () => {
    const script = `
import json, sys
import numpy as np, pandas as pd
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler
df = pd.read_csv(sys.argv[1], dtype={'customer_id': str})
df = df[df['monetary'] >= 0]
X = np.column_stack([df['recency_days'], np.log1p(df['frequency']), np.log1p(df['monetary'])])
X = StandardScaler().fit_transform(X)
print(json.dumps({k: KMeans(n_clusters=k, n_init=10, random_state=0).fit(X).inertia_ for k in range(2, 7)}))
`;
    const out = spawnSync(PYTHON, ['-c', script, join(dir, 'csv', 'data', 'processed', 'customer_features.csv')], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    const sk = JSON.parse(out.stdout) as Record<string, number>;
    expect(summary.features).toEqual(['recency_days', 'frequency', 'monetary']);
    for (const [k, inertia] of Object.entries(sk)) expect(summary.inertia[k] / inertia, `k=${k}`).toBeLessThanOrEqual(1.005);
  });

  it('scores R, F, M monotone in their values, equal values equal scores, rfm_segment by the map', () => {
    expect(Object.keys(clustered[0])).toEqual(['customer_id', 'recency_days', 'frequency', 'monetary', 'avg_order_value', 'tenure_days', 'items', 'R', 'F', 'M', 'RFM', 'rfm_segment', 'Cluster']);
    expect(clustered.length).toBe(summary.rows.used);
    const check = (value: string, score: string, rising: boolean) => {
      const pairs = clustered.map((r) => [Number(r[value]), Number(r[score])]).sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < pairs.length; i++) {
        if (pairs[i][0] === pairs[i - 1][0]) expect(pairs[i][1]).toBe(pairs[i - 1][1]);
        else if (rising) expect(pairs[i][1]).toBeGreaterThanOrEqual(pairs[i - 1][1]);
        else expect(pairs[i][1]).toBeLessThanOrEqual(pairs[i - 1][1]);
      }
      expect(new Set(pairs.map((p) => p[1])).size).toBeGreaterThanOrEqual(3);
    };
    check('recency_days', 'R', false);
    check('frequency', 'F', true);
    check('monetary', 'M', true);
    for (const r of clustered) {
      expect(r.RFM).toBe(`${r.R}${r.F}${r.M}`);
      expect(r.rfm_segment).toBe(rfmSegment(Number(r.R), Number(r.F), Number(r.M)));
    }
    const seg = summary.transactions.rfm.segments as { segment: string; customers: number; revenueShare: number }[];
    expect(seg.reduce((s, x) => s + x.customers, 0)).toBe(clustered.length);
    for (const s of seg) expect(s.customers).toBe(clustered.filter((r) => r.rfm_segment === s.segment).length);
    expect(seg.reduce((s, x) => s + x.revenueShare, 0)).toBeCloseTo(1, 9);
    const cross = summary.transactions.rfm.crosstab as { segment: string; counts: number[] }[];
    for (const row of cross) row.counts.forEach((n, k) => expect(n).toBe(clustered.filter((r) => r.rfm_segment === row.segment && Number(r.Cluster) === k).length));
  });

  it('writes customer_features.csv once: guarded for formula-like ids by default, as aggregated with --no-csv-guard; no staging folder left', async () => {
    // customer ids that a spreadsheet would run as formulas: the file the cleaning reads is unguarded, the output guarded
    const lines = transactionsTable({ customers: 300, seed: 5 }).csv.split('\n');
    const spoiled = [lines[0], ...lines.slice(1).map((l) => (/^\d*[37],/.test(l) ? `=${l}` : l))].join('\n');
    const file = join(dir, 'formula-orders.csv');
    await writeFile(file, spoiled);
    const { aggregateTransactions, customerFeaturesCsv } = await import('../src/data/transactions/aggregate');
    const { table } = await aggregateTransactions({ spec: { customer: 'customer_id', date: 'order_date', amount: 'amount', order: 'order_id', quantity: 'quantity' }, source: { file } });
    expect(table.ids.filter((id) => id.startsWith('=')).length).toBeGreaterThan(10);
    for (const guard of [true, false]) {
      const out = join(dir, `formula-${guard}`);
      const r = await report(['--transactions', '--data', file, ...COLUMNS, '--k-max', '4', '--no-png', ...(guard ? [] : ['--no-csv-guard']), '--out', out]);
      expect(r.code).toBe(0);
      expect(await readFile(join(out, 'data', 'processed', 'customer_features.csv'), 'utf8')).toBe(customerFeaturesCsv(table, guard));
      expect((await readdir(out)).filter((n) => n.startsWith('.staging-'))).toEqual([]);
    }
  }, 120_000);

  it('reads the same orders from a DuckDB database file (--db) into identical outputs', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const file = join(dir, 'shop.duckdb');
    const db = await DuckDBInstance.create(file);
    const c = await db.connect();
    await c.run(`CREATE TABLE orders AS SELECT * FROM read_csv('${orders}', all_varchar = true, header = true)`);
    c.closeSync();
    db.closeSync();
    const r = await report(['--transactions', '--db', file, '--table', 'orders', ...COLUMNS, '--k-max', '6', '--no-png', '--out', join(dir, 'db')]);
    expect(r.code).toBe(0);
    for (const f of ['data/processed/customer_features.csv', 'data/processed/clustered_data.csv'])
      expect(await readFile(join(dir, 'db', f), 'utf8'), f).toBe(await readFile(join(dir, 'csv', f), 'utf8'));
    const model = (p: string) => readFile(join(dir, p, 'data', 'models', 'clustering_model.json'), 'utf8').then((t) => ({ ...JSON.parse(t), dataHash: '' }));
    expect(await model('db')).toEqual(await model('csv'));
  }, 120_000);

  const pgSkip = postgresSkipReason();
  it.skipIf(pgSkip !== '')(`reads the same orders from PostgreSQL (--db URL --table, --sql) into identical outputs${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, async () => {
    const pg = await startPostgres();
    try {
      await pg.psql('CREATE TABLE orders (customer_id TEXT, order_id TEXT, order_date TEXT, product TEXT, quantity TEXT, amount TEXT)');
      await pg.psql(`\\copy orders FROM '${orders}' WITH (FORMAT csv, HEADER true)`);
      for (const [name, how] of [['pg-table', ['--table', 'orders']], ['pg-sql', ['--sql', 'SELECT * FROM orders WHERE amount IS NOT NULL OR TRUE']]] as const) {
        const r = await report(['--transactions', '--db', pg.url, ...how, ...COLUMNS, '--k-max', '6', '--no-png', '--out', join(dir, name)]);
        expect(r.stderr.split('\n').filter((l) => l.startsWith('error')).join('\n')).toBe('');
        expect(r.code).toBe(0);
        for (const f of ['data/processed/customer_features.csv', 'data/processed/clustered_data.csv'])
          expect(await readFile(join(dir, name, f), 'utf8'), `${name} ${f}`).toBe(await readFile(join(dir, 'csv', f), 'utf8'));
        const s = JSON.parse(await readFile(join(dir, name, 'reports', 'summary.json'), 'utf8'));
        expect(s.transactions.checks).toEqual(summary.transactions.checks);
        expect(s.data.path).not.toContain('postgres@');
      }
    } finally {
      await pg.stop();
    }
  }, 180_000);

  it('a customer-table run on the orders stops with one line suggesting --transactions', async () => {
    const r = await report(['--data', orders, '--id', 'customer_id', '--features', 'quantity,amount', '--no-png', '--out', join(dir, 'wrong')]);
    expect(r.code).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/looks like an orders table: \d+ of \d+ rows repeat a customer_id and it has a date column "order_date"; aggregate it per customer with --transactions --customer "customer_id" --date "order_date"/);
  }, 60_000);
});
