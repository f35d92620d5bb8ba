import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCustomersCsv } from '../data/parse';
import type { SchemaChoice } from '../data/schema';
import { DataError } from '../util/errors';
import { preprocess } from '../segmentation/pipeline';
import { preprocessedCsv } from '../report/tables';
import { loadPreprocessed, parseProcessedCsv, processedMismatch, processedRecords } from './processed';
import { applyTransforms } from '../features/transform';
import { cleanCustomers } from '../data/clean';

const RAW = [
  'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)',
  '1,Male,20,10,50',
  '2,Female,30,20,60',
  '3,Female,40,30,70',
  '4,Male,50,40,80',
].join('\n') + '\n';

// Text ids, a clustered categorical column (one-hot) and a profiled-only one.
const SHOP = ['customer,plan,basket,visits,region', 'a-1,pro,10,1,N', 'a-2,free,20,3,S', 'a-3,pro,30,2,N', 'a-4,free,40,4,S'].join('\n') + '\n';
const SHOP_CHOICE: SchemaChoice = { features: ['basket', 'visits', 'plan'], id: 'customer', categorical: ['plan', 'region'] };

describe('parseProcessedCsv and processedMismatch', () => {
  const prep = preprocess(parseCustomersCsv(RAW));
  const text = preprocessedCsv(prep.data, prep.scaled, prep.features);

  it('Mall: reads back what preprocessing writes, exactly', () => {
    const p = parseProcessedCsv(text, { categorical: ['Gender'] });
    expect(p.idColumn).toBe('CustomerID');
    expect(p.ids).toEqual(['1', '2', '3', '4']);
    expect(p.codes).toEqual({ Gender: [1, 0, 0, 1] }); // enum order: Female 0, Male 1
    expect(p.features).toEqual(['Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
    // Ages 20..50: mean 35, population sd sqrt(125) -> (20-35)/sqrt(125) = -1.3416...
    expect(p.scaled.data[0]).toBeCloseTo(-15 / Math.sqrt(125), 12);
    expect(processedMismatch(p, prep)).toBeNull();
  });

  it('any schema: text ids, codes of every categorical column, one-hot clustering columns', () => {
    const shop = preprocess(parseCustomersCsv(SHOP, { schema: SHOP_CHOICE }));
    const p = parseProcessedCsv(preprocessedCsv(shop.data, shop.scaled, shop.features), { categorical: ['plan', 'region'] });
    expect(p.idColumn).toBe('customer');
    expect(p.ids).toEqual(['a-1', 'a-2', 'a-3', 'a-4']);
    expect(p.codes).toEqual({ plan: [1, 0, 1, 0], region: [0, 1, 0, 1] }); // sorted values: free 0, pro 1; N 0, S 1
    expect(p.features).toEqual(['basket', 'visits', 'plan=free', 'plan=pro']);
    // one-hot columns: 0/1 divided by sqrt(2), not centred
    expect(p.scaled.data[3]).toBeCloseTo(1 / Math.SQRT2, 12);
    expect(p.scaled.data[2]).toBe(0);
    expect(processedMismatch(p, shop)).toBeNull();
    expect(processedRecords(p, { count: 1 })).toEqual([{ customer: 'a-1', plan: 1, region: 0, basket: p.scaled.data[0], visits: p.scaled.data[1], 'plan=free': 0, 'plan=pro': 1 / Math.SQRT2 }]);
    expect(processedRecords(p)).toHaveLength(4);
    // The same file checked against a preprocessing with other columns.
    expect(processedMismatch(parseProcessedCsv(preprocessedCsv(shop.data, shop.scaled, shop.features), { categorical: ['plan'] }), shop)).toBe(
      'categorical columns differ (plan vs plan, region)',
    );
  });

  it('a table without an id column: the rows are numbered, the column is "row"', () => {
    const noId = preprocess(parseCustomersCsv('x,y\n1,2\n3,5\n4,4\n', { schema: { features: ['x', 'y'] } }));
    const p = parseProcessedCsv(preprocessedCsv(noId.data, noId.scaled, noId.features));
    expect([p.idColumn, p.ids]).toEqual(['row', ['1', '2', '3']]);
    expect(processedMismatch(p, noId)).toBeNull();
  });

  it('names the first difference', () => {
    const edited = parseProcessedCsv(text.replace(/^3,0,/m, '3,1,'), { categorical: ['Gender'] });
    expect(processedMismatch(edited, prep)).toBe('CustomerID 3 Gender code 1, expected 0');
    const fewer = parseProcessedCsv(text.split('\n').slice(0, 4).join('\n'), { categorical: ['Gender'] });
    expect(processedMismatch(fewer, prep)).toBe('3 rows vs 4 clean customers');
    const p = parseProcessedCsv(text, { categorical: ['Gender'] });
    p.scaled.data[4] += 0.01;
    expect(processedMismatch(p, prep)).toMatch(/^CustomerID 2 Annual Income \(k\$\) is /);
    const renamed = parseProcessedCsv(text.replace(/^CustomerID,/, 'id,'), { categorical: ['Gender'] });
    expect(processedMismatch(renamed, prep)).toBe('the id column is "id", expected "CustomerID"');
    const swapped = parseProcessedCsv(text.replace(/^2,/m, '9,'), { categorical: ['Gender'] });
    expect(processedMismatch(swapped, prep)).toBe('row 2 is CustomerID 9, expected 2');
  });

  it('refuses a file without the expected columns or with a non-number', () => {
    expect(() => parseProcessedCsv('CustomerID,Age\n1,0.5\n', { source: 'p.csv', categorical: ['Gender'] })).toThrow(/p.csv lacks Gender \(found: CustomerID, Age\)/);
    expect(() => parseProcessedCsv('CustomerID,Gender\n1,0\n', { source: 'p.csv', categorical: ['Gender'] })).toThrow(/p.csv lacks any feature column/);
    expect(() => parseProcessedCsv('CustomerID,Gender,Age\n1,x,0.5\n', { source: 'p.csv', categorical: ['Gender'] })).toThrow(/p.csv row 2, column "Gender": "x" is not a number/);
    expect(() => parseProcessedCsv('CustomerID,Gender,Age\n1,0.5,0.5\n', { source: 'p.csv', categorical: ['Gender'] })).toThrow(/"0.5" is not a category code/);
    expect(() => parseProcessedCsv('CustomerID,Gender,Age\n1,0,\n', { source: 'p.csv', categorical: ['Gender'] })).toThrow(/column "Age": "" is not a number/);
  });
});

describe('loadPreprocessed', () => {
  it('returns preprocessing of the raw file when the processed file matches, and refuses a stale one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'processed-'));
    const raw = join(dir, 'raw.csv');
    const processed = join(dir, 'preprocessed_data.csv');
    await writeFile(raw, RAW);
    const prep = preprocess(parseCustomersCsv(RAW));
    await writeFile(processed, preprocessedCsv(prep.data, prep.scaled, prep.features));
    const loaded = await loadPreprocessed({ processed, raw });
    expect(loaded.prep.data.ids).toEqual([1, 2, 3, 4]);
    expect(loaded.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // the same skew notes as the report's (applyTransforms without a choice)
    expect(loaded.skewWarnings).toEqual(applyTransforms(cleanCustomers(parseCustomersCsv(RAW))).warnings);

    await writeFile(raw, RAW.replace('4,Male,50,40,80', '4,Male,60,40,80'));
    await expect(loadPreprocessed({ processed, raw })).rejects.toThrow(DataError);
    await expect(loadPreprocessed({ processed, raw })).rejects.toThrow(/does not match preprocessing of .*raw.csv: CustomerID 1 Age is .*re-run notebooks\/preprocessing.ipynb/);
    await expect(loadPreprocessed({ processed: join(dir, 'none.csv'), raw })).rejects.toThrow(/none.csv cannot be read; run notebooks\/preprocessing.ipynb first/);
  });

  it('gives the skew notes of a long-tailed feature, as the report does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'processed-'));
    const raw = join(dir, 'raw.csv');
    const processed = join(dir, 'preprocessed_data.csv');
    // incomes 10, 11, 12, 13, 200: skewness 2.2
    const skewed = RAW + '5,Female,60,200,90\n';
    await writeFile(raw, skewed.replace(',20,60', ',11,60').replace(',30,70', ',12,70').replace(',40,80', ',13,80'));
    const prep = preprocess(parseCustomersCsv(await readFile(raw, 'utf8')));
    await writeFile(processed, preprocessedCsv(prep.data, prep.scaled, prep.features));
    const loaded = await loadPreprocessed({ processed, raw });
    expect(loaded.skewWarnings).toEqual([expect.stringMatching(/^"Annual Income \(k\$\)" is skewed \(skewness 2\.2\d > 1\): .*--transform "Annual Income \(k\$\)=log1p"/)]);
    expect(loaded.prep.cleaning.warnings).toEqual(expect.arrayContaining(loaded.skewWarnings));
  });

  it('uses the schema choice of the preprocessing run, and catches a file made with other features', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'processed-'));
    const raw = join(dir, 'shop.csv');
    const processed = join(dir, 'preprocessed_data.csv');
    await writeFile(raw, SHOP);
    const shop = preprocess(parseCustomersCsv(SHOP, { schema: SHOP_CHOICE }));
    await writeFile(processed, preprocessedCsv(shop.data, shop.scaled, shop.features));
    const loaded = await loadPreprocessed({ processed, raw, schema: SHOP_CHOICE });
    expect(loaded.prep.features).toEqual(['basket', 'visits', 'plan=free', 'plan=pro']);
    expect(loaded.processed.ids).toEqual(['a-1', 'a-2', 'a-3', 'a-4']);
    await expect(loadPreprocessed({ processed, raw, schema: { ...SHOP_CHOICE, features: ['basket', 'visits'] } })).rejects.toThrow(
      /features differ \(basket, visits, plan=free, plan=pro vs basket, visits\)/,
    );
    await expect(loadPreprocessed({ processed, raw })).rejects.toThrow(/are missing in .*for a table of your own, name the clustering features/);
  });
});
