import { describe, expect, it } from 'vitest';
import { transactionsBlocks, transactionsTable, TRANSACTION_COLUMNS } from './generate';

describe('transactionsTable', () => {
  it('is seeded, has several lines per order, returns, date-times and zero-padded ids', () => {
    const a = transactionsTable({ customers: 200, seed: 3 });
    expect(transactionsTable({ customers: 200, seed: 3 }).csv).toBe(a.csv);
    expect(transactionsTable({ customers: 200, seed: 4 }).csv).not.toBe(a.csv);
    const [header, ...lines] = a.csv.trim().split('\n');
    expect(header).toBe(TRANSACTION_COLUMNS.join(','));
    const rows = lines.map((l) => l.split(','));
    expect(rows.length).toBe(a.rows);
    const customers = new Set(rows.map((r) => r[0]));
    expect(customers.size).toBe(200);
    expect([...customers].every((c) => /^0\d{5}$/.test(c))).toBe(true);
    expect(rows.every((r) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(r[2]))).toBe(true);
    const returns = rows.filter((r) => Number(r[5]) < 0);
    expect(returns.length).toBeGreaterThan(0);
    expect(returns.every((r) => r[1].startsWith('R'))).toBe(true);
    const linesPerOrder = new Map<string, number>();
    for (const r of rows) linesPerOrder.set(r[1], (linesPerOrder.get(r[1]) ?? 0) + 1);
    expect([...linesPerOrder.values()].some((n) => n > 1)).toBe(true);
    // skewed spend: the top fifth of customers holds well over a fifth of the money
    const spend = new Map<string, number>();
    for (const r of rows) spend.set(r[0], (spend.get(r[0]) ?? 0) + Number(r[5]));
    const sorted = [...spend.values()].sort((x, y) => y - x);
    const total = sorted.reduce((s, v) => s + v, 0);
    expect(sorted.slice(0, 40).reduce((s, v) => s + v, 0) / total).toBeGreaterThan(0.4);
  });

  it('dirty: spoils lines by kind and repeats some exactly', () => {
    const clean = transactionsTable({ customers: 300, seed: 9 });
    const dirty = transactionsTable({ customers: 300, seed: 9, dirty: true });
    const n = Math.max(4, Math.round(clean.rows * 0.01));
    expect(Object.values(dirty.dirty).reduce((s, v) => s + v, 0)).toBe(n);
    expect(dirty.rows).toBe(clean.rows + dirty.dirty['repeated-line']);
    const rows = dirty.csv.trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.filter((r) => r[0] === '').length).toBeGreaterThan(0);
    expect(rows.filter((r) => !/^\d{4}-/.test(r[2])).length).toBeGreaterThan(0);
    expect(() => transactionsTable({ customers: 0 })).toThrow(/customers must be an integer >= 1/);
  });

  it('in blocks: the same lines (the header once, each block sorted by time), dirty spoiling per block', () => {
    const whole = transactionsTable({ customers: 250, seed: 5 });
    const blocks = [...transactionsBlocks({ customers: 250, seed: 5, blockCustomers: 100 })];
    expect(blocks.length).toBe(3);
    expect(blocks.reduce((s, b) => s + b.rows, 0)).toBe(whole.rows);
    const text = blocks.map((b) => b.csv).join('');
    expect(text).not.toBe(whole.csv);
    expect(text.split('\n').filter((l) => l.startsWith('customer_id')).length).toBe(1);
    expect(text.trim().split('\n').sort()).toEqual(whole.csv.trim().split('\n').sort());
    for (const b of blocks) {
      const times = b.csv.trim().split('\n').filter((l) => !l.startsWith('customer_id')).map((l) => l.split(',')[2]);
      expect(times).toEqual([...times].sort());
    }
    expect([...transactionsBlocks({ customers: 250, seed: 5, blockCustomers: 250 })][0].csv).toBe(whole.csv);
    const dirty = [...transactionsBlocks({ customers: 250, seed: 5, blockCustomers: 100, dirty: true })];
    dirty.forEach((b, i) => expect(Object.values(b.dirty).reduce((s, v) => s + v, 0), `block ${i}`).toBe(Math.max(4, Math.round(blocks[i].rows * 0.01))));
    expect(() => transactionsBlocks({ blockCustomers: 0 }).next()).toThrow(/blockCustomers must be an integer >= 1/);
  });
});
