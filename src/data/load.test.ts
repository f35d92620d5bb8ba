import { HAS_MALL, MALL_CSV, MALL_SKIP_REASON, titled } from '../../test/paths';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../errors';
import { loadCustomersCsv } from './load';

const fixtures = join(__dirname, '__fixtures__');
const scratch = mkdtempSync(join(tmpdir(), 'load-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('loadCustomersCsv', () => {
  it.skipIf(!HAS_MALL)(titled('reads the real file: 200 rows, text returned as read', !HAS_MALL, MALL_SKIP_REASON), async () => {
    const { table, text } = await loadCustomersCsv(MALL_CSV);
    expect(table.source).toBe(MALL_CSV);
    expect(table.read).toBe(200);
    expect(table.rows[199]).toEqual({
      line: 201,
      values: { CustomerID: '200', Gender: 'Male', Age: '30', 'Annual Income (k$)': '137', 'Spending Score (1-100)': '83' },
    });
    expect(text.startsWith('CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n1,Male,19,15,39\n')).toBe(true);
  });

  it('uses options.source in messages instead of the path', async () => {
    const { table } = await loadCustomersCsv(join(fixtures, 'messy-format.csv'), { source: 'messy' });
    expect(table.source).toBe('messy');
    expect(table.read).toBe(5);
  });

  it('refuses a missing file with the path, the download link and --data', async () => {
    const path = join(scratch, 'nope', 'Mall_Customers.csv');
    await expect(loadCustomersCsv(path)).rejects.toThrow(DataError);
    await expect(loadCustomersCsv(path)).rejects.toThrow(
      `Data file not found: ${path}. Download Mall_Customers.csv from https://www.kaggle.com/datasets/vjchoudhary7/customer-segmentation-tutorial-in-python and save it there, or pass --data <path to the CSV>`,
    );
  });

  it('refuses a directory', async () => {
    await expect(loadCustomersCsv(scratch)).rejects.toThrow(`${scratch} is a directory, not a CSV file; pass --data <path to the CSV>`);
  });

  it('refuses an empty file, a header-only file and a missing column, naming the file', async () => {
    const empty = join(fixtures, 'empty.csv');
    await expect(loadCustomersCsv(empty)).rejects.toThrow(`${empty} is empty; expected a CSV with a header row`);
    const headerOnly = join(fixtures, 'header-only.csv');
    await expect(loadCustomersCsv(headerOnly)).rejects.toThrow(`${headerOnly} has a header but no data rows`);
    await expect(loadCustomersCsv(join(fixtures, 'missing-column.csv'), { source: 'data/raw/x.csv' })).rejects.toThrow(
      'Column "Spending Score (1-100)" is missing in data/raw/x.csv (found: CustomerID, Gender, Age, Annual Income (k$))',
    );
  });

  it('refuses a binary file (a PNG signature and header)', async () => {
    const png = join(scratch, 'chart.png');
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]));
    const error = await loadCustomersCsv(png).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(new RegExp(`^${png.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a CSV text file`));
    expect((error as DataError).source).toBe(png);
  });
});
