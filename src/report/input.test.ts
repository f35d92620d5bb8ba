import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, OptionsError } from '../util/errors';
import { readReportInput } from './input';
import { reportSettings } from './options';

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
});
