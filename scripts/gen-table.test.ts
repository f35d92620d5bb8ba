import { spawnSync } from 'child_process';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { exampleTableCsv } from '../src/data/examples';
import { transactionsTable } from '../src/data/transactions/generate';

const ROOT = path.resolve(__dirname, '..');
const run = (args: string[]) =>
  spawnSync(process.execPath, ['--require', 'tsx/cjs', 'scripts/gen-table.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });

describe('scripts/gen-table.ts', () => {
  it('writes the generator\'s bytes to stdout', () => {
    const out = run(['--kind', 'retail', '--rows', '300', '--seed', '7']);
    expect(out.status).toBe(0);
    expect(out.stdout).toBe(exampleTableCsv({ kind: 'retail', rows: 300, seed: 7 }));
    expect(out.stderr).toBe('');
  });

  it('--dirty spoils the table and counts the spoiled rows on stderr', () => {
    const out = run(['--kind', 'wide', '--rows', '200', '--dirty']);
    expect(out.status).toBe(0);
    expect(out.stdout).toBe(exampleTableCsv({ kind: 'wide', rows: 200, seed: 42, dirty: true }));
    expect(out.stderr).toMatch(/^dirty: 9 of 200 rows spoiled \(.*duplicate-row 1.*\)\n$/);
  });

  it('--kind transactions writes the orders generator\'s bytes; --dirty counts the spoiled lines', () => {
    const out = run(['--kind', 'transactions', '--customers', '50', '--seed', '7', '--dirty']);
    expect(out.status).toBe(0);
    const table = transactionsTable({ customers: 50, seed: 7, dirty: true });
    expect(out.stdout).toBe(table.csv);
    expect(out.stderr).toBe(`dirty: ${table.rows} lines, spoiled missing-customer 1, bad-date 1, missing-amount 1, repeated-line 1\n`);
  });

  it('prints one line and exits 1 on a bad option', () => {
    for (const args of [['--kind', 'transactions', '--rows', '5'], ['--kind', 'mall'], ['--rows', '5'], ['--kind', 'retail', '--rows', 'many']]) {
      const out = run(args);
      expect(out.status).toBe(1);
      expect(out.stdout).toBe('');
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      expect(out.stderr).toMatch(/^error: /);
    }
  });
});
