/**
 * `npm run report` on tables that are not the Mall table (issue "any customer table"): a retail table with string
 * ids, six numeric features in other units and two categorical columns, and a wide one with 12 features and
 * 100,000 rows; compared with scikit-learn (StandardScaler + KMeans n_init=10, best of three seeds; fixtures made by
 * scripts/fixtures/other_tables.py with Debian's scikit-learn 1.2.1).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleTableCsv, EXAMPLE_COLUMNS } from '../src/data/examples';
import retail from './fixtures/sklearn_retail.json';
import wide from './fixtures/sklearn_wide.json';
import { ROOT } from './paths';
import { nonProgressLines, progressLines } from './support/progress';
import { runScript } from './support/cli';

/** stderr lines other than progress and the skew notes (these tables have skewed money columns: the note is due). */
function unexpectedLines(stderr: string): string[] {
  return nonProgressLines(stderr).filter((line) => !/^NOTE: ".+" is skewed \(skewness \d+\.\d+ > 1\)/.test(line));
}

const report = (args: string[]) => runScript('report', args);

type Fixture = { features: string[]; selected_k: number; inertia: Record<string, number>; silhouette: Record<string, number>; csv_sha256: string };

/**
 * Same selected k; up to the selected k (where the table's segments are), inertia at most 1.005x scikit-learn's and
 * silhouettes within `silhouetteTolerance`. Beyond it k-means splits true segments and restarts land in different
 * local optima: scikit-learn's own n_init=10 runs with random_state 0..5 range up to 1.0117x of the best of its three
 * seeds at k=10 on the retail table and ours give 1.0086 there, so beyond the selected k the bound is 1.01x.
 */
function compareWithSklearn(summary: any, fixture: Fixture, silhouetteTolerance: number) {
  expect(summary.features).toEqual(fixture.features);
  expect(summary.k.selected).toBe(fixture.selected_k);
  for (const [k, ref] of Object.entries(fixture.inertia)) {
    const beyond = Number(k) > fixture.selected_k;
    expect(summary.inertia[k] / ref, `inertia k=${k}`).toBeLessThanOrEqual(beyond ? 1.01 : 1.005);
    if (!beyond) expect(Math.abs(summary.silhouette[k] - fixture.silhouette[k]), `silhouette k=${k}`).toBeLessThan(silhouetteTolerance);
  }
}

describe('npm run report on a retail table (string ids, other units, two categorical columns)', () => {
  let out: string;
  let summary: any;
  const cols = EXAMPLE_COLUMNS.retail;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'report-retail-'));
    const csv = exampleTableCsv({ kind: 'retail', rows: 2000, seed: 42 });
    expect(createHash('sha256').update(csv).digest('hex')).toBe(retail.csv_sha256);
    await writeFile(join(out, 'retail.csv'), csv);
    const r = await report([
      '--data', join(out, 'retail.csv'), '--out', out, '--id', cols.id, '--features', cols.features.join(','), '--categorical', cols.categorical.join(','), '--no-png',
    ]);
    expect(unexpectedLines(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    summary = JSON.parse(await readFile(join(out, 'reports/summary.json'), 'utf8'));
  });

  it('selects scikit-learn\'s k, inertia per k at most 1.005x, silhouette within 0.005', () => {
    compareWithSklearn(summary, retail as Fixture, 0.005);
  });

  it('names every output by the table\'s columns and fills the category shares', async () => {
    expect(summary.table).toEqual({ schema: 'custom', title: null, id: 'customer_ref', numeric: cols.features, categorical: ['region', 'channel'] });
    const clustered = parse(await readFile(join(out, 'data/processed/clustered_data.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(clustered[0])).toEqual(['customer_ref', 'region', ...cols.features, 'channel', 'Cluster']);
    expect(clustered[0].customer_ref).toBe('C-000001');
    const pre = (await readFile(join(out, 'data/processed/preprocessed_data.csv'), 'utf8')).split('\n')[0];
    expect(pre).toBe(['customer_ref', 'region', 'channel', ...cols.features].join(','));
    for (const c of summary.clusters) {
      expect(Object.keys(c.means)).toEqual(cols.features);
      for (const column of ['region', 'channel']) {
        const shares = Object.values(c.categories[column]) as number[];
        expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      }
      expect(c.label).toMatch(/^[A-Z]/);
      expect(c.gender).toBeUndefined();
    }
    // the shares agree with the clustered rows
    const inZero = clustered.filter((r) => r.Cluster === '0');
    expect(summary.clusters[0].categories.region.North).toBeCloseTo(inZero.filter((r) => r.region === 'North').length / inZero.length, 12);
    const model = JSON.parse(await readFile(join(out, 'data/models/clustering_model.json'), 'utf8'));
    expect(model.schema.primaryKey).toBe('customer_ref');
    expect(summary.k.original).toBeNull();
    expect(summary.warnings.join(' ')).not.toMatch(/original project/);
    const text = await readFile(join(out, 'reports/summary.txt'), 'utf8');
    expect(text).toContain('id customer_ref; categorical region, channel');
  });

  it('reads the same rows from Parquet with the same results (--data x.parquet)', async () => {
    const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const parquet = join(out, 'retail.parquet');
    await con.run(`COPY (SELECT * FROM read_csv('${join(out, 'retail.csv')}', header = true)) TO '${parquet}' (FORMAT parquet)`);
    con.closeSync();
    db.closeSync();
    const outP = await mkdtemp(join(tmpdir(), 'report-parquet-'));
    const r = await report(['--data', parquet, '--out', outP, '--id', cols.id, '--features', cols.features.join(','), '--categorical', cols.categorical.join(','), '--no-png']);
    expect(unexpectedLines(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    for (const f of ['data/processed/clustered_data.csv', 'data/processed/preprocessed_data.csv'])
      expect(await readFile(join(outP, f), 'utf8'), f).toBe(await readFile(join(out, f), 'utf8'));
    const s = JSON.parse(await readFile(join(outP, 'reports/summary.json'), 'utf8'));
    expect(s.inertia).toEqual(summary.inertia);
    expect(s.clusters).toEqual(summary.clusters);
  });

  it('stops with one line listing the columns found when the table is named without --features', async () => {
    const r = await report(['--data', join(out, 'retail.csv'), '--out', out, '--no-png']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`(found: ${cols.header.join(', ')})`);
    expect(r.stderr).toContain('--features colA,colB,colC');
  });
});

describe('npm run report on a wide table: 12 features, 100,000 rows', () => {
  it('selects scikit-learn\'s k with its inertia per k (silhouettes sampled on both sides: within 0.01)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'report-wide-'));
    const csv = exampleTableCsv({ kind: 'wide', rows: 100_000, seed: 42 });
    expect(createHash('sha256').update(csv).digest('hex')).toBe(wide.csv_sha256);
    await writeFile(join(out, 'wide.csv'), csv);
    const cols = EXAMPLE_COLUMNS.wide;
    const r = await report(['--data', join(out, 'wide.csv'), '--out', out, '--id', cols.id, '--features', cols.features.join(','), '--categorical', 'plan', '--no-png']);
    // the only other lines: the skew notes of the long-tailed columns (also in the summary's warnings)
    const notes = nonProgressLines(r.stderr);
    expect(notes.length).toBeGreaterThan(0);
    for (const line of notes) expect(line).toMatch(/^NOTE: "[a-z_0-9]+" is skewed \(skewness \d+\.\d\d > 1\): .* try --transform "[a-z_0-9]+=log1p" \(or --transform auto\)$/);
    expect(r.code).toBe(0);
    // A phase that runs over 2 s shows its progress on a log (the lines' format: src/io/progress.test.ts); a k-means
    // phase that does ends with its closing line.
    const kmeans = progressLines(r.stderr).filter((line) => line.startsWith('k-means'));
    if (kmeans.length > 0) expect(kmeans[kmeans.length - 1]).toMatch(/^k-means done in (\d+ min )?\d+ s$/);
    const summary = JSON.parse(await readFile(join(out, 'reports/summary.json'), 'utf8'));
    compareWithSklearn(summary, wide as Fixture, 0.01);
    expect(summary.silhouetteMethod.sampled).not.toBeNull();
    for (const line of notes) expect(summary.warnings).toContain(line.slice('NOTE: '.length));
  }, 600_000);
});
