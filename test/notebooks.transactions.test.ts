/**
 * notebooks/transactions.ipynb executed headless on the project's tslab kernel (Debian's nbconvert, or the project's
 * .venv when present): every cell runs, the customer features it writes are the report's aggregation of the same
 * orders byte for byte, and the RFM tables and heatmap are shown.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findCellErrors, parseNotebook } from '../src/notebook/ipynb';
import { aggregateTransactions, customerFeaturesCsv } from '../src/data/transactions/aggregate';
import { transactionsTable } from '../src/data/transactions/generate';
import { hasCommand, ROOT } from './paths';

const run = promisify(execFile);

describe.skipIf(!hasCommand('jupyter', ['nbconvert', '--version']))('notebooks/transactions.ipynb (skipped without jupyter: apt-get install jupyter-nbconvert, or npm run jupyter:setup)', () => {
  it('runs headless: features equal to the aggregation, RFM tables and the heatmap shown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nb-tx-'));
    const orders = join(dir, 'orders.csv');
    await writeFile(orders, transactionsTable({ customers: 500, seed: 13, dirty: true }).csv);
    await run(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'notebooks.ts'), '--notebook', join(ROOT, 'notebooks', 'transactions.ipynb'), '--data', orders, '--out', dir], {
      cwd: ROOT,
      maxBuffer: 1 << 26,
    });
    const nb = parseNotebook(await readFile(join(dir, 'reports', 'notebooks', 'transactions.ipynb'), 'utf8'), 'transactions.ipynb');
    expect(findCellErrors(nb)).toEqual([]);
    const expected = customerFeaturesCsv((await aggregateTransactions({ spec: { customer: 'customer_id', date: 'order_date', amount: 'amount', order: 'order_id', quantity: 'quantity' }, source: { file: orders } })).table);
    expect(await readFile(join(dir, 'data', 'processed', 'customer_features.csv'), 'utf8')).toBe(expected);
    const html = JSON.stringify(nb.cells.flatMap((c) => ('outputs' in c ? c.outputs : [])));
    expect(html).toContain('RFM segment x k-means segment');
    expect(html).toContain('Champions');
    expect(html).toContain('Recency by Frequency');
  }, 300_000);
});
