import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { exampleTableCsv } from '../data/examples';
import { loadCustomers } from '../data/load';
import { preprocess } from '../segmentation/pipeline';
import { predict } from '../segmentation/artifact';
import { scoreFile } from './score';
import { rowCentreModel } from '../segmentation/__fixtures__/rowModel';

const schema = { id: 'customer_ref', features: ['age_years', 'income_eur', 'visits_per_month', 'region'], categorical: ['region', 'channel'] };

function fixture(rows: number) {
  const csv = exampleTableCsv({ kind: 'retail', rows, seed: 5 });
  return { csv, ...rowCentreModel(csv, schema, 3, { step: 7 }) };
}

function readScores(path: string): string[][] {
  return parse(readFileSync(path, 'utf8')) as string[][];
}

describe('scoreFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'score-'));

  it('writes predict\'s answer for every row of a CSV, in order, with full-precision distances', async () => {
    const { csv, model, records } = fixture(20_000);
    const input = join(dir, 'in.csv');
    writeFileSync(input, csv);
    const out = join(dir, 'out.csv');
    const progress: { rows: number; done: number; total: number; unit: string }[] = [];
    const result = await scoreFile(model, input, out, { onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ rows: 20_000, scored: 20_000, refused: 0, flagged: 0, examples: [] });
    // one event per 64 KiB read: bytes done up to the file's size, rows scored up to all of them
    expect(progress.length).toBeGreaterThan(5);
    expect(progress[progress.length - 1]).toEqual({ rows: 20_000, done: Buffer.byteLength(csv), total: Buffer.byteLength(csv), unit: 'bytes' });
    const rows = readScores(out);
    expect(rows[0]).toEqual(['customer_ref', 'cluster', 'label', 'distance', 'outlier', 'error', 'warnings']);
    const expected = predict(model, records, { ignoreUnknown: true });
    const body = rows.slice(1);
    expect(body.length).toBe(expected.length);
    let same = 0;
    body.forEach((r, i) => {
      if (r[0] === records[i].customer_ref && Number(r[1]) === expected[i].cluster && r[2] === expected[i].label && Number(r[3]) === expected[i].distance && r[4] === String(expected[i].outlier)) same++;
    });
    expect(same).toBe(expected.length);
  });

  it('keeps refused rows in place with the reason', async () => {
    const { model } = fixture(200);
    const input = join(dir, 'bad.csv');
    writeFileSync(input, 'customer_ref,age_years,income_eur,visits_per_month,region,extra\nA,30,40000,3,North,x\nB,abc,40000,3,North,x\nC,31,,2,South,x\n');
    const out = join(dir, 'bad-out.csv');
    const result = await scoreFile(model, input, out);
    expect(result.rows).toBe(3);
    expect(result.refused).toBe(2);
    expect(result.examples[0]).toBe('line 3: age_years: must be a finite number (got "abc")');
    const rows = readScores(out);
    expect(rows[2]).toEqual(['B', '', '', '', '', 'age_years: must be a finite number (got "abc")', '']);
    expect(rows[3][5]).toBe('income_eur: is required (a number)');
  });

  it('reads cells as predict does: other spellings and padding are the learned value; an unknown category is scored and flagged', async () => {
    const { model } = fixture(200);
    const input = join(dir, 'spell.csv');
    writeFileSync(input, 'customer_ref,age_years,income_eur,visits_per_month,region\nA,30,40000,3,North\nB,30,40000,3,  north \nC,30,40000,3,Atlantis\n');
    const out = join(dir, 'spell-out.csv');
    const result = await scoreFile(model, input, out);
    expect(result).toMatchObject({ rows: 3, scored: 3, refused: 0, flagged: 1 });
    const rows = readScores(out);
    expect(rows[2].slice(1, 5)).toEqual(rows[1].slice(1, 5));
    const [unknown] = predict(model, [{ age_years: 30, income_eur: 40000, visits_per_month: 3, region: 'Atlantis' }]);
    expect(rows[3].slice(1, 5)).toEqual([String(unknown.cluster), unknown.label, String(unknown.distance), String(unknown.outlier)]);
    expect(rows[3][6]).toBe('region: unknown category "Atlantis", scored as none of East, North, South, West');
  });

  it('refuses a file without a feature column of the model, naming it', async () => {
    const { model } = fixture(200);
    const input = join(dir, 'nofeature.csv');
    writeFileSync(input, 'customer_ref,age_years\nA,30\n');
    await expect(scoreFile(model, input, join(dir, 'x.csv'))).rejects.toThrow(/lacks the model's columns "income_eur", "visits_per_month", "region"/);
  });

  it('reads Parquet: the same scores and the same table as the CSV of the same rows', async () => {
    const { csv, model } = fixture(3_000);
    const input = join(dir, 'p.csv');
    writeFileSync(input, csv);
    const parquet = join(dir, 'p.parquet');
    const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(`COPY (SELECT * FROM read_csv('${input}', header = true)) TO '${parquet}' (FORMAT parquet)`);
    con.closeSync();
    db.closeSync();
    await scoreFile(model, input, join(dir, 'p-csv.csv'));
    await scoreFile(model, parquet, join(dir, 'p-parquet.csv'));
    expect(readFileSync(join(dir, 'p-parquet.csv'), 'utf8')).toBe(readFileSync(join(dir, 'p-csv.csv'), 'utf8'));
    const fromCsv = preprocess((await loadCustomers(input, { schema })).table);
    const fromParquet = preprocess((await loadCustomers(parquet, { schema })).table);
    expect(fromParquet.data.ids).toEqual(fromCsv.data.ids);
    expect(Array.from(fromParquet.scaled.data)).toEqual(Array.from(fromCsv.scaled.data));
  });
});
