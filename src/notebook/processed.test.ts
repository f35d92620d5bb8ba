import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCustomersCsv } from '../data/parse';
import { DataError } from '../errors';
import { preprocess } from '../pipeline';
import { preprocessedCsv } from '../report/tables';
import { loadPreprocessed, parseProcessedCsv, processedMismatch } from './processed';

const RAW = [
  'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)',
  '1,Male,20,10,50',
  '2,Female,30,20,60',
  '3,Female,40,30,70',
  '4,Male,50,40,80',
].join('\n') + '\n';

describe('parseProcessedCsv and processedMismatch', () => {
  const prep = preprocess(parseCustomersCsv(RAW));
  const text = preprocessedCsv(prep.customers, prep.scaled, prep.features);

  it('reads back what preprocessing writes, exactly', () => {
    const p = parseProcessedCsv(text);
    expect(p.ids).toEqual([1, 2, 3, 4]);
    expect(p.gender).toEqual([1, 0, 0, 1]);
    expect(p.features).toEqual(['Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
    // Ages 20..50: mean 35, population sd sqrt(125) -> (20-35)/sqrt(125) = -1.3416...
    expect(p.scaled.data[0]).toBeCloseTo(-15 / Math.sqrt(125), 12);
    expect(processedMismatch(p, prep)).toBeNull();
  });

  it('names the first difference', () => {
    const edited = parseProcessedCsv(text.replace(/^3,0,/m, '3,1,'));
    expect(processedMismatch(edited, prep)).toBe('CustomerID 3 Gender code 1, expected 0');
    const fewer = parseProcessedCsv(text.split('\n').slice(0, 4).join('\n'));
    expect(processedMismatch(fewer, prep)).toBe('3 rows vs 4 clean customers');
    const p = parseProcessedCsv(text);
    p.scaled.data[4] += 0.01;
    expect(processedMismatch(p, prep)).toMatch(/^CustomerID 2 Annual Income \(k\$\) is /);
  });

  it('refuses a file without the expected columns or with a non-number', () => {
    expect(() => parseProcessedCsv('CustomerID,Age\n1,0.5\n', 'p.csv')).toThrow(/p.csv lacks Gender \(found: CustomerID, Age\)/);
    expect(() => parseProcessedCsv('CustomerID,Gender,Age\n1,x,0.5\n', 'p.csv')).toThrow(/p.csv row 2, column "Gender": "x" is not a number/);
  });
});

describe('loadPreprocessed', () => {
  it('returns preprocessing of the raw file when the processed file matches, and refuses a stale one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'processed-'));
    const raw = join(dir, 'raw.csv');
    const processed = join(dir, 'preprocessed_data.csv');
    await writeFile(raw, RAW);
    const prep = preprocess(parseCustomersCsv(RAW));
    await writeFile(processed, preprocessedCsv(prep.customers, prep.scaled, prep.features));
    const loaded = await loadPreprocessed({ processed, raw });
    expect(loaded.prep.customers.map((c) => c.id)).toEqual([1, 2, 3, 4]);
    expect(loaded.hash).toMatch(/^sha256:[0-9a-f]{64}$/);

    await writeFile(raw, RAW.replace('4,Male,50,40,80', '4,Male,60,40,80'));
    await expect(loadPreprocessed({ processed, raw })).rejects.toThrow(DataError);
    await expect(loadPreprocessed({ processed, raw })).rejects.toThrow(/does not match preprocessing of .*raw.csv: CustomerID 1 Age is .*re-run notebooks\/preprocessing.ipynb/);
    await expect(loadPreprocessed({ processed: join(dir, 'none.csv'), raw })).rejects.toThrow(/none.csv cannot be read; run notebooks\/preprocessing.ipynb first/);
  });
});
