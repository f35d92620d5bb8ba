/**
 * The exported SQL against `predict`, row by row, in DuckDB (embedded) and in a real PostgreSQL server (Debian's,
 * started by the test): the Mall data and a 100,000-row table of another shape with a one-hot categorical feature.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleTableCsv } from '../data/examples';
import type { SchemaChoice } from '../data/schema';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../../test/support/postgres';
import { predict, type SegmentModel } from './artifact';
import { exportSql } from './sql';
import { rowCentreModel } from './__fixtures__/rowModel';

const MALL = join(__dirname, '..', '..', '..', 'shared', 'data', 'Mall_Customers.csv');

/** A model on `text` whose centres are rows of the data; with `repeatCentre` every row is as far from centre 1 as from
 * centre 0, so predict must pick 0 (the lower id), and the SQL too. */
function modelFor(text: string, schema: SchemaChoice, k: number, repeatCentre = false) {
  return rowCentreModel(text, schema, k, { repeatCentre });
}

/** Parses "id,cluster,distance" lines into a map id -> [cluster, distance]. */
function parseAnswers(text: string): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const line of text.trim().split('\n')) {
    const [id, cluster, distance] = line.split(',');
    out.set(id, [Number(cluster), Number(distance)]);
  }
  return out;
}

function expectSameAsPredict(model: SegmentModel, records: Record<string, string | number>[], idColumn: string, answers: Map<string, [number, number]>) {
  const expected = predict(model, records, { ignoreUnknown: true });
  expect(answers.size).toBe(records.length);
  let mismatches = 0;
  records.forEach((r, i) => {
    const got = answers.get(String(r[idColumn]));
    if (!got || got[0] !== expected[i].cluster || got[1] !== expected[i].distance) mismatches++;
  });
  expect(mismatches).toBe(0);
}

const cases = () => {
  const out: { name: string; csv: string; schema: SchemaChoice; k: number; repeat: boolean }[] = [];
  if (existsSync(MALL)) out.push({ name: 'Mall', csv: readFileSync(MALL, 'utf8'), schema: {}, k: 6, repeat: false });
  const wide = exampleTableCsv({ kind: 'retail', rows: 100_000, seed: 11 });
  out.push({
    name: 'retail, 100,000 rows, one-hot region',
    csv: wide,
    schema: { id: 'customer_ref', features: ['age_years', 'income_eur', 'visits_per_month', 'basket_eur', 'tenure_months', 'region'], categorical: ['region', 'channel'] },
    k: 5,
    repeat: false,
  });
  out.push({ name: 'ties (a repeated centre)', csv: wide.split('\n').slice(0, 2001).join('\n'), schema: { id: 'customer_ref', features: ['age_years', 'income_eur', 'basket_eur'] }, k: 4, repeat: true });
  return out;
};

describe('exportSql', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sql-'));
  const prepared = cases().map((c) => {
    const { model, records, idColumn } = modelFor(c.csv, c.schema, c.k, c.repeat);
    const file = join(dir, `${c.name.replace(/\W+/g, '_')}.csv`);
    writeFileSync(file, c.csv);
    return { ...c, model, records, idColumn, file };
  });

  it('is one SELECT of arithmetic and CASE, naming the table and the columns', () => {
    const { model } = prepared[prepared.length - 1];
    const sql = exportSql(model, { table: 'customers' });
    expect(sql).toContain('FROM customers');
    expect(sql).toContain('CAST(\'');
    expect(sql).toMatch(/SELECT "customer_ref", *\n *CASE WHEN d0 <= d1 AND d0 <= d2 AND d0 <= d3 THEN 0 WHEN d1 <= d2 AND d1 <= d3 THEN 1 WHEN d2 <= d3 THEN 2 ELSE 3 END AS cluster/);
    expect(() => exportSql(model, { table: ' ' })).toThrow(/table is required/);
    expect(exportSql(model, { table: 't', dialect: 'bigquery' })).toContain('AS FLOAT64');
  });

  it('ties go to the lower cluster id in predict (a repeated centre is never chosen)', () => {
    const ties = prepared.find((c) => c.repeat)!;
    expect(predict(ties.model, ties.records, { ignoreUnknown: true }).some((p) => p.cluster === 1)).toBe(false);
  });

  it.each(prepared.map((c) => [c.name, c] as const))('DuckDB: every row as predict, %s', async (_, c) => {
    const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      await con.run(`CREATE TABLE customers AS SELECT * FROM read_csv('${c.file}', header = true)`);
      const reader = await con.runAndReadAll(exportSql(c.model, { table: 'customers' }));
      const answers = new Map<string, [number, number]>();
      for (const [id, cluster, distance] of reader.getRows()) answers.set(String(id), [Number(cluster), Number(distance)]);
      expectSameAsPredict(c.model, c.records, c.idColumn, answers);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });

  const pgSkip = postgresSkipReason();
  describe.skipIf(pgSkip !== '')(`in PostgreSQL${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, () => {
    let pg: TestPostgres;
    beforeAll(async () => {
      pg = await startPostgres();
    }, 60_000);
    afterAll(async () => {
      await pg?.stop();
    });

    it.each(prepared.map((c) => [c.name, c] as const))('every row as predict, %s', async (_, c) => {
      const header = c.csv.slice(0, c.csv.indexOf('\n')).split(',').map((h) => h.trim());
      const text = new Set([c.model.schema.primaryKey, ...(c.model.schema.categorical ?? []), 'Gender', 'region', 'channel']);
      const columns = header.map((h) => `"${h}" ${text.has(h) ? 'TEXT' : 'DOUBLE PRECISION'}`).join(', ');
      const table = `t_${Math.random().toString(36).slice(2, 8)}`;
      // psql's \copy reads the file client-side (the server runs as another user)
      await pg.psql(`CREATE TABLE ${table} (${columns})`);
      await pg.psql(`\\copy ${table} FROM '${c.file}' WITH (FORMAT csv, HEADER true)`);
      const out = await pg.psql(exportSql(c.model, { table }));
      expectSameAsPredict(c.model, c.records, c.idColumn, parseAnswers(out));
    });
  });
});
