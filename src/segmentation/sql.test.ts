/**
 * The exported SQL against `predict`, row by row, in DuckDB (embedded), in a real PostgreSQL server (Debian's, started
 * by the test) and in SQLite (Debian's sqlite3 shell): the Mall data, a 100,000-row table of another shape with a
 * one-hot categorical feature, and ties.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../../test/support/postgres';
import { sqlite, sqliteSkipReason } from '../../test/support/sqlite';
import { predict } from './artifact';
import { exportSql, midpointMargin, sqliteNumber } from './sql';
import { countMismatches, csvColumns, sqlCases, type SqlCase } from './__fixtures__/sqlCases';

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

/** Column list of a CREATE TABLE for the case's CSV: the id and categorical columns typed `text`, the others `float`. */
function columnDefs(c: SqlCase, types: { text: string; float: string }): string {
  return csvColumns(c).map((col) => `"${col.name}" ${col.text ? types.text : types.float}`).join(', ');
}

function expectSameAsPredict(c: Pick<SqlCase, 'model' | 'records' | 'idColumn'>, answers: Map<string, [number, number]>) {
  expect(answers.size).toBe(c.records.length);
  expect(countMismatches(c, answers)).toBe(0);
}

describe('exportSql', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sql-'));
  const prepared = sqlCases().map((c) => {
    const file = join(dir, `${c.name.replace(/\W+/g, '_')}.csv`);
    writeFileSync(file, c.csv);
    return { ...c, file };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is one SELECT of arithmetic and CASE, naming the table and the columns', () => {
    const { model } = prepared[prepared.length - 1];
    const sql = exportSql(model, { table: 'customers' });
    expect(sql).toContain('FROM customers');
    expect(sql).toContain('CAST(\'');
    expect(sql).toMatch(/SELECT "customer_ref", *\n *CASE WHEN reason IS NULL THEN CASE WHEN d0 <= d1 AND d0 <= d2 AND d0 <= d3 THEN 0 WHEN d1 <= d2 AND d1 <= d3 THEN 1 WHEN d2 <= d3 THEN 2 ELSE 3 END END AS cluster/);
    expect(() => exportSql(model, { table: ' ' })).toThrow(/table is required/);
    expect(exportSql(model, { table: 't', dialect: 'bigquery' })).toContain('AS FLOAT64');
    expect(() => exportSql(model, { table: 't', dialect: 'oracle' as 'standard' })).toThrow(/dialect "oracle" is not one of standard, bigquery, spark, sqlite/);
  });

  it('sqlite dialect: REAL and TEXT, constants that read back to the model, 17 digits where the shortest text is near a midpoint', () => {
    const { model } = prepared.find((c) => c.name.startsWith('retail'))!;
    const sql = exportSql(model, { table: 'customers', dialect: 'sqlite' });
    expect(sql).toContain(`CASE WHEN UPPER(TRIM(CAST("region" AS TEXT))) IN ('EAST') THEN CAST('1' AS REAL)`);
    expect(sql).not.toMatch(/DOUBLE|VARCHAR/);
    const constants = [...sql.matchAll(/CAST\('([^']*)' AS REAL\)/g)].map((m) => m[1]);
    const bounds = model.schema.fields
      .filter((f) => model.encoding.some((c) => c.source === f.name))
      .flatMap((f) => [f.constraints?.minimum, f.constraints?.maximum].filter((b): b is number => b !== undefined));
    expect(new Set(constants.map(Number))).toEqual(new Set([...model.scaler.mean, ...model.scaler.scale, ...model.centroids.flat(), ...bounds, 0, 1]));
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
      expectSameAsPredict(c, answers);
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
      const columns = columnDefs(c, { text: 'TEXT', float: 'DOUBLE PRECISION' });
      const table = `t_${Math.random().toString(36).slice(2, 8)}`;
      // psql's \copy reads the file client-side (the server runs as another user)
      await pg.psql(`CREATE TABLE ${table} (${columns})`);
      await pg.psql(`\\copy ${table} FROM '${c.file}' WITH (FORMAT csv, HEADER true)`);
      const out = await pg.psql(exportSql(c.model, { table }));
      expectSameAsPredict(c, parseAnswers(out));
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
          `CREATE TABLE customers (${columnDefs(c, { text: 'TEXT', float: 'REAL' })});`,
          `.import --csv --skip 1 '${c.file}' customers`,
          `SELECT "${c.idColumn}", cluster, hex(ieee754_to_blob(distance)) FROM (\n${sql.trimEnd().replace(/;$/, '')}\n);`,
          '',
        ].join('\n'),
      );
      return parseAnswers(out, fromHexBits);
    }

    it.each(prepared.map((c) => [c.name, c] as const))('every row as predict, %s', async (_, c) => {
      expectSameAsPredict(c, await scoreInSqlite(c, exportSql(c.model, { table: 'customers', dialect: 'sqlite' })));
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
      expectSameAsPredict(c, await scoreInSqlite(c, exportSql(model, { table: 'customers', dialect: 'sqlite' })));
      const standard = countMismatches(c, await scoreInSqlite(c, exportSql(model, { table: 'customers' })));
      expect(standard > 0).toBe(misread);
    });
  });
});
