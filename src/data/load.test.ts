import { HAS_MALL, MALL_CSV, MALL_SKIP_REASON, titled } from '../../test/paths';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../util/errors';
import { cleanCustomers } from './clean';
import { exampleTableCsv } from './examples';
import { csvFileBatches, loadCleanCustomers, loadCustomers, loadCustomersCsv } from './load';
import type { SchemaChoice } from './schema';

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

describe('loadCleanCustomers (streaming) gives what loadCustomers + cleanCustomers give', () => {
  const retail = { id: 'customer_ref', features: ['age_years', 'income_eur', 'visits_per_month', 'basket_eur', 'tenure_months'], categorical: ['region', 'channel'] };
  /** Both paths on one file; the streaming path must equal the in-memory one in every field. */
  async function expectSame(path: string, options: { schema?: SchemaChoice; missingNumeric?: 'drop' | 'median' } = {}) {
    const { table, hash } = await loadCustomers(path, { schema: options.schema });
    const expected = cleanCustomers(table, { missingNumeric: options.missingNumeric });
    const got = await loadCleanCustomers(path, options);
    expect(got.hash).toBe(hash);
    expect(got.schema).toEqual(table.schema);
    expect(got.header).toEqual(table.header);
    expect(got.cleaning).toEqual(expected);
    return got;
  }

  it('on the fixtures: dirty rows, BOM, CRLF, quotes, reordered and extra columns, median imputation', async () => {
    await expectSame(join(fixtures, 'dirty.csv'));
    await expectSame(join(fixtures, 'dirty.csv'), { missingNumeric: 'median' });
    const messy = await expectSame(join(fixtures, 'messy-format.csv'));
    expect(messy.cleaning.data.n).toBe(5);
  });

  it.skipIf(!HAS_MALL)(titled('on the Mall file', !HAS_MALL, MALL_SKIP_REASON), async () => {
    const got = await expectSame(MALL_CSV);
    expect(got.cleaning.rows.used).toBe(200);
  });

  it('on a 20,000-row dirty retail table (many 64 KiB chunks; duplicates, repeated ids, respellings, missing cells)', async () => {
    const path = join(scratch, 'retail-dirty.csv');
    writeFileSync(path, exampleTableCsv({ kind: 'retail', rows: 20_000, seed: 3, dirty: true }));
    const got = await expectSame(path, { schema: retail });
    expect(got.cleaning.rows.dropped).toBeGreaterThan(0);
    await expectSame(path, { schema: retail, missingNumeric: 'median' });
  });

  it('with CRLF line ends and quoted fields spanning lines across chunk boundaries: the same line numbers', async () => {
    const lines = ['CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100),Note'];
    for (let i = 1; i <= 6000; i++) lines.push(`${i},${i % 2 ? 'Male' : 'female'},${18 + (i % 60)},${i % 7 === 0 ? '' : 20 + (i % 90)},${1 + (i % 99)},"a\r\nnote ${i}"`);
    const path = join(scratch, 'crlf.csv');
    writeFileSync(path, lines.join('\r\n') + '\r\n');
    const got = await expectSame(path);
    expect(got.cleaning.dropped[0]).toEqual({ line: 14, id: '7', reason: 'missing Annual Income (k$)' });
  });

  it('refuses what loadCustomers refuses, with the same messages', async () => {
    const cases: [string, string | Buffer][] = [
      ['empty.csv', ''],
      ['blank.csv', '\n\n  \n'],
      ['json.csv', '{"a": 1}'],
      ['binary.csv', Buffer.from([0, 1, 2, 3, 0, 0, 5, 6])],
      ['one-column.csv', 'CustomerID;Gender;Age\n1;Male;19\n'],
      ['header-only.csv', 'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n'],
      ['unclosed.csv', 'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n1,"Male,19,15,39\n'],
      ['other.csv', 'a,b,c\n1,2,3\n'],
    ];
    for (const [name, content] of cases) {
      const path = join(scratch, name);
      writeFileSync(path, content);
      const inMemory = await loadCustomers(path).then(
        ({ table }) => cleanCustomers(table),
        (e: Error) => e,
      );
      expect(inMemory, name).toBeInstanceOf(DataError);
      await expect(loadCleanCustomers(path), name).rejects.toThrow((inMemory as Error).message);
    }
    await expect(loadCleanCustomers(join(scratch, 'nope.csv'))).rejects.toThrow(/^Data file not found: .*nope\.csv/);
    await expect(loadCleanCustomers(scratch)).rejects.toThrow('is a directory');
  });
});

describe('csvFileBatches', () => {
  it('yields the records of each 64 KiB read with the bytes done, header first, and estimates the rows from the first chunk', async () => {
    const path = join(scratch, 'batches.csv');
    const lines = ['id,name'];
    for (let i = 1; i <= 20_000; i++) lines.push(`${i},"name, ${i}"`);
    writeFileSync(path, lines.join('\n') + '\n');
    const batches = [];
    for await (const batch of csvFileBatches(path)) batches.push(batch);
    expect(batches.length).toBeGreaterThan(3);
    const records = batches.flatMap((b) => b.records);
    expect(records[0]).toEqual({ line: 1, cells: ['id', 'name'] });
    expect(records[20_000]).toEqual({ line: 20_001, cells: ['20000', 'name, 20000'] });
    expect(records).toHaveLength(20_001);
    expect(batches[batches.length - 1].done).toBe(batches[0].total);
    // The first chunk's lines (ids of 1-4 digits) are shorter than the average: a first guess within 25%
    expect(Math.abs(batches[0].estimatedRows - 20_000) / 20_000).toBeLessThan(0.25);
  });

  it('with onRecord, hands each record over as parsed (the same records, with the estimate) and yields none', async () => {
    const path = join(scratch, 'records.csv');
    const lines = ['id,name'];
    for (let i = 1; i <= 20_000; i++) lines.push(`${i},"name, ${i}"`);
    writeFileSync(path, lines.join('\n') + '\n');
    const expected = [];
    for await (const batch of csvFileBatches(path)) expected.push(...batch.records);
    const seen: { line: number; cells: string[] }[] = [];
    const estimates = new Set<number>();
    let yielded = 0;
    let batches = 0;
    for await (const batch of csvFileBatches(path, { onRecord: (line, cells, estimatedRows) => (seen.push({ line, cells }), estimates.add(estimatedRows)) })) {
      yielded += batch.records.length;
      batches++;
    }
    expect(seen).toEqual(expected);
    expect(yielded).toBe(0);
    expect(batches).toBeGreaterThan(3);
    expect(estimates.size).toBe(1);
  });

  it("passes an onRecord error through as it is, not as a read error", async () => {
    const path = join(scratch, 'records-error.csv');
    writeFileSync(path, 'id,name\n1,a\n2,b\n');
    const fail = () => {
      throw new RangeError('refused by the caller');
    };
    await expect(async () => {
      for await (const batch of csvFileBatches(path, { onRecord: fail })) void batch;
    }).rejects.toThrow(new RangeError('refused by the caller'));
  });
});
