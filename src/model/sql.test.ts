/**
 * The exported SQL against `predict`, row by row, in DuckDB (embedded), in a real PostgreSQL server (Debian's, started
 * by the test) and in SQLite (Debian's sqlite3 shell): the Mall data, a 100,000-row table of another shape with a
 * one-hot categorical feature, and ties.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleTableCsv } from '../data/examples';
import type { SchemaChoice } from '../data/schema';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../../test/support/postgres';
import { sqlite, sqliteSkipReason } from '../../test/support/sqlite';
import { predict, type SegmentModel } from './artifact';
import { exportSql, midpointMargin, sqliteNumber } from './sql';
import { rowCentreModel } from './__fixtures__/rowModel';

const MALL = join(__dirname, '..', '..', '..', 'shared', 'data', 'Mall_Customers.csv');

/** A model on `text` whose centres are rows of the data; with `repeatCentre` every row is as far from centre 1 as from
 * centre 0, so predict must pick 0 (the lower id), and the SQL too. */
function modelFor(text: string, schema: SchemaChoice, k: number, repeatCentre = false) {
  return rowCentreModel(text, schema, k, { repeatCentre });
}

/** Parses "id,cluster,distance" lines into a map id -> [cluster, distance]; `distance` reads the third field. */
function parseAnswers(text: string, distance: (field: string) => number = Number): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const line of text.trim().split('\n')) {
    const [id, cluster, d] = line.split(',');
    out.set(id, [Number(cluster), distance(d)]);
  }
  return out;
}

/** Big-endian IEEE 754 bits in hex (SQLite's hex(ieee754_to_blob(x))) to the double; '' (NULL) to NaN. */
function fromHexBits(hex: string): number {
  return hex === '' ? NaN : Buffer.from(hex, 'hex').readDoubleBE(0);
}

/** Column list of a CREATE TABLE for `csv`: the id and categorical columns typed `text`, the others `float`. */
function columnDefs(csv: string, model: SegmentModel, types: { text: string; float: string }): string {
  const header = csv.slice(0, csv.indexOf('\n')).split(',').map((h) => h.trim());
  const text = new Set([model.schema.primaryKey, ...(model.schema.categorical ?? []), 'Gender', 'region', 'channel']);
  return header.map((h) => `"${h}" ${text.has(h) ? types.text : types.float}`).join(', ');
}

/** Rows whose answer is missing or differs from predict's cluster or distance (bit for bit). */
function mismatches(model: SegmentModel, records: Record<string, string | number>[], idColumn: string, answers: Map<string, [number, number]>): number {
  const expected = predict(model, records, { ignoreUnknown: true });
  let count = 0;
  records.forEach((r, i) => {
    const got = answers.get(String(r[idColumn]));
    if (!got || got[0] !== expected[i].cluster || got[1] !== expected[i].distance) count++;
  });
  return count;
}

function expectSameAsPredict(model: SegmentModel, records: Record<string, string | number>[], idColumn: string, answers: Map<string, [number, number]>) {
  expect(answers.size).toBe(records.length);
  expect(mismatches(model, records, idColumn, answers)).toBe(0);
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
    expect(() => exportSql(model, { table: 't', dialect: 'oracle' as 'standard' })).toThrow(/dialect "oracle" is not one of standard, bigquery, spark, sqlite/);
  });

  it('sqlite dialect: REAL and TEXT, constants that read back to the model, 17 digits where the shortest text is near a midpoint', () => {
    const { model } = prepared.find((c) => c.name.startsWith('retail'))!;
    const sql = exportSql(model, { table: 'customers', dialect: 'sqlite' });
    expect(sql).toContain(`COALESCE(NULLIF(TRIM(CAST("region" AS TEXT)), ''), '(missing)') = 'East' THEN CAST('1' AS REAL)`);
    expect(sql).not.toMatch(/DOUBLE|VARCHAR/);
    const constants = [...sql.matchAll(/CAST\('([^']*)' AS REAL\)/g)].map((m) => m[1]);
    expect(new Set(constants.map(Number))).toEqual(new Set([...model.scaler.mean, ...model.scaler.scale, ...model.centroids.flat(), 0, 1]));
    for (const text of constants) if (Number(text) !== 0) expect(midpointMargin(text, Number(text))).toBeGreaterThanOrEqual(0.05);

    expect(sqliteNumber(38.85)).toBe('38.85');
    expect(sqliteNumber(25001.95089680817)).toBe('25001.950896808168');
    expect(midpointMargin('25001.95089680817', 25001.95089680817)).toBeLessThan(0.001);
    expect(midpointMargin('25001.950896808168', 25001.95089680817)).toBeGreaterThan(0.05);
    expect(midpointMargin('0.5', 0.5)).toBe(0.5);
    // below a power of two the gap is half an ulp: 0.125 - 2^-57 is the midpoint, 0.125 - 2^-58 a quarter of the gap
    expect(midpointMargin('0.124999999999999993061106096092771622352302074432373046875', 0.125)).toBe(0);
    expect(midpointMargin('0.1249999999999999965305530480463858111761510372161865234375', 0.125)).toBe(0.25);
    for (const x of [0, 1, -2.5, 1e-7, 123456789012345680000, Math.PI, 5e-324, Number.MAX_VALUE, -0.04440370546127324]) expect(Number(sqliteNumber(x))).toBe(x);
    expect(() => midpointMargin('1,5', 1.5)).toThrow(/"1,5" is not a decimal number/);
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
      const columns = columnDefs(c.csv, c.model, { text: 'TEXT', float: 'DOUBLE PRECISION' });
      const table = `t_${Math.random().toString(36).slice(2, 8)}`;
      // psql's \copy reads the file client-side (the server runs as another user)
      await pg.psql(`CREATE TABLE ${table} (${columns})`);
      await pg.psql(`\\copy ${table} FROM '${c.file}' WITH (FORMAT csv, HEADER true)`);
      const out = await pg.psql(exportSql(c.model, { table }));
      expectSameAsPredict(c.model, c.records, c.idColumn, parseAnswers(out));
    });
  });

  const liteSkip = sqliteSkipReason();
  describe.skipIf(liteSkip !== '')(`in SQLite${liteSkip ? ` (skipped: ${liteSkip})` : ''}`, () => {
    type Prepared = (typeof prepared)[number];
    /** Loads the case's CSV into a typed SQLite table `customers` and runs `sql` (an exported SELECT) on it. */
    async function scoreInSqlite(c: Prepared, sql: string): Promise<Map<string, [number, number]>> {
      // A typed table first: .import into an existing table stores through the columns' affinity (REAL: numbers),
      // where a table .import creates itself has TEXT columns. The exported SQL runs unchanged as a subquery; the
      // outer SELECT only reads each distance's bits (the shell prints REAL with 15 significant digits).
      const out = await sqlite(
        [
          `CREATE TABLE customers (${columnDefs(c.csv, c.model, { text: 'TEXT', float: 'REAL' })});`,
          `.import --csv --skip 1 '${c.file}' customers`,
          `SELECT "${c.idColumn}", cluster, hex(ieee754_to_blob(distance)) FROM (\n${sql.trimEnd().replace(/;$/, '')}\n);`,
          '',
        ].join('\n'),
      );
      return parseAnswers(out, fromHexBits);
    }

    it.each(prepared.map((c) => [c.name, c] as const))('every row as predict, %s', async (_, c) => {
      expectSameAsPredict(c.model, c.records, c.idColumn, await scoreInSqlite(c, exportSql(c.model, { table: 'customers', dialect: 'sqlite' })));
    });

    it('a constant whose shortest text SQLite misreads: the sqlite dialect stays exact', async () => {
      // 25001.95089680817 (shortest text) lies so near the midpoint of two doubles that SQLite 3.40 reads it one ulp
      // up; as a mean of income_eur it shifts z of every row. Checked first, so that a SQLite that reads it right
      // turns the standard-dialect expectation around instead of failing the test.
      const mean = 25001.95089680817;
      const misread = fromHexBits((await sqlite(`SELECT hex(ieee754_to_blob(CAST('${String(mean)}' AS REAL)));\n`)).trim()) !== mean;
      const ties = prepared.find((c) => c.repeat)!;
      const model = { ...ties.model, scaler: { ...ties.model.scaler, mean: ties.model.scaler.mean.map((m, j) => (j === 1 ? mean : m)) } };
      const c = { ...ties, model };
      expectSameAsPredict(model, c.records, c.idColumn, await scoreInSqlite(c, exportSql(model, { table: 'customers', dialect: 'sqlite' })));
      const standard = mismatches(model, c.records, c.idColumn, await scoreInSqlite(c, exportSql(model, { table: 'customers' })));
      expect(standard > 0).toBe(misread);
    });
  });
});
