/**
 * SQL planted in every data-derived field the export writes (column names, category values, the model's generatedBy and
 * dataHash): in SQLite, DuckDB and PostgreSQL only the SELECT runs (a `victims` table survives), and every row's answer
 * equals predict's, refused rows included. The dialects BigQuery and Spark are checked by their quoting rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresSkipReason, startPostgres, type TestPostgres } from '../../test/support/postgres';
import { sqlite, sqliteSkipReason } from '../../test/support/sqlite';
import { predict, RecordError, type SegmentModel } from './artifact';
import { commentText, exportSql } from './sql';
import { rowCentreModel } from './__fixtures__/rowModel';

const DROP = 'DROP TABLE victims; --';
const AGE = `age\n${DROP}`;
const SPEND = `spend"); ${DROP}`;
const KIND = `kind' ${DROP}`;
const KINDS = [`x'; ${DROP}`, `y\\'; ${DROP}`, 'plain'];

const csvCell = (v: string | number) => (/[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
const ident = (n: string) => `"${n.replace(/"/g, '""')}"`;
const literal = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`);

/** Training rows: ids 1..30, two numbers, a category among KINDS. */
const training = Array.from({ length: 30 }, (_, i) => ({ id: `c${i + 1}`, [AGE]: 20 + ((i * 7) % 41), [SPEND]: 5 + ((i * 13) % 90), [KIND]: KINDS[i % 3] }));
const columns = ['id', AGE, SPEND, KIND];
const csv = [columns, ...training.map((r) => columns.map((c) => r[c]))].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';

function hostileModel(): SegmentModel {
  const { model } = rowCentreModel(csv, { id: 'id', features: [AGE, SPEND, KIND], categorical: [KIND] }, 3);
  return { ...model, generatedBy: `evil\n${DROP}\r\n${DROP}`, dataHash: `sha256:\u2028${DROP}` };
}

/** Rows to score: the training rows, and rows with a NULL number, a missing or unknown or respelled category. */
const scored: Record<string, string | number | null>[] = [
  ...training,
  { id: 'n1', [AGE]: null, [SPEND]: 50, [KIND]: 'plain' },
  { id: 'n2', [AGE]: 30, [SPEND]: 50, [KIND]: null },
  { id: 'n3', [AGE]: 30, [SPEND]: 50, [KIND]: `'); ${DROP}` },
  { id: 'n4', [AGE]: 30, [SPEND]: 50, [KIND]: `  ${KINDS[0].toUpperCase()} ` },
  { id: 'n5', [AGE]: 130, [SPEND]: 50, [KIND]: 'PLAIN' },
  { id: 'n6', [AGE]: 30, [SPEND]: 50, [KIND]: KINDS[0] },
];

type Answer = { cluster: number | null; distance: number | null; warned: boolean };

function expected(model: SegmentModel): Map<string, Answer> {
  const out = new Map<string, Answer>();
  for (const r of scored) {
    const record = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null));
    try {
      const [p] = predict(model, [record]);
      out.set(String(r.id), { cluster: p.cluster, distance: p.distance, warned: p.warnings !== undefined });
    } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      out.set(String(r.id), { cluster: null, distance: null, warned: false });
    }
  }
  return out;
}

const setup = (float: string, text: string) =>
  [
    'CREATE TABLE victims (x INTEGER);',
    'INSERT INTO victims VALUES (1);',
    `CREATE TABLE customers (id ${text}, ${ident(AGE)} ${float}, ${ident(SPEND)} ${float}, ${ident(KIND)} ${text});`,
    ...scored.map((r) => `INSERT INTO customers VALUES (${columns.map((c) => literal(r[c])).join(', ')});`),
  ].join('\n');

/** The export as a subquery giving one plain line per row: id, cluster, distance (`bits`: SQLite's exact bits), flagged. */
function wrapped(sql: string, bits = false): string {
  const distance = bits ? 'hex(ieee754_to_blob(distance))' : 'distance';
  return `SELECT id, cluster, ${distance}, CASE WHEN warnings IS NULL THEN 0 ELSE 1 END FROM (\n${sql.trimEnd().replace(/;$/, '')}\n) s ORDER BY id;`;
}

/** Parses the lines of {@link wrapped}. */
function parse(out: string, bits = false): Map<string, Answer> {
  const answers = new Map<string, Answer>();
  for (const line of out.trim().split('\n')) {
    const [id, cluster, distance, warned] = line.split(',');
    const d = distance === '' || distance === '""' ? null : bits ? Buffer.from(distance, 'hex').readDoubleBE(0) : Number(distance);
    answers.set(id, { cluster: cluster === '' ? null : Number(cluster), distance: d, warned: warned === '1' });
  }
  return answers;
}

describe('exportSql with SQL planted in column names, categories and model fields', () => {
  const model = hostileModel();
  const want = expected(model);

  it('writes no line break of the data into a comment, and quotes per dialect', () => {
    for (const dialect of ['standard', 'sqlite', 'spark', 'bigquery'] as const) {
      const sql = exportSql(model, { table: 'customers', dialect });
      // every line starting a statement is the export's own: comments first, then the WITH ... SELECT
      const lines = sql.trimEnd().split('\n');
      const body = lines.findIndex((l) => l === 'WITH scaled AS (');
      expect(lines.slice(0, body).every((l) => l.startsWith('-- '))).toBe(true);
    }
    expect(commentText('a\nb\r\u2028c\u0085d')).toBe('a b  c d');
    const spark = exportSql(model, { table: 't', dialect: 'spark' });
    expect(spark).toContain(`'Y\\\\\\'; DROP TABLE VICTIMS; --'`); // y\'  ->  Y\\\'  (backslash and quote escaped)
    expect(spark).toContain('`kind\' DROP TABLE victims; --`');
    const bigquery = exportSql({ ...model, schema: { ...model.schema } }, { table: 't', dialect: 'bigquery' });
    expect(bigquery).toContain(`'Y\\\\\\'; DROP TABLE VICTIMS; --'`);
    expect(bigquery).toContain('`age\\nDROP TABLE victims; --`');
  });

  it('the refused and flagged rows: as predict', () => {
    expect(want.get('n1')?.cluster).toBeNull();
    expect(want.get('n2')?.cluster).toBeNull();
    expect(want.get('n3')?.warned).toBe(true);
    expect(want.get('n4')).toEqual(want.get('n6'));
  });

  it('DuckDB: only the SELECT runs; every row as predict', async () => {
    const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      await con.run(setup('DOUBLE', 'VARCHAR'));
      const reader = await con.runAndReadAll(exportSql(model, { table: 'customers' }));
      const got = new Map<string, Answer>();
      for (const [id, cluster, distance, , warnings] of reader.getRows())
        got.set(String(id), { cluster: cluster === null ? null : Number(cluster), distance: distance === null ? null : Number(distance), warned: warnings !== null });
      expect(got).toEqual(want);
      expect((await con.runAndReadAll('SELECT count(*) FROM victims')).getRows()[0][0]).toBe(1n);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });

  const liteSkip = sqliteSkipReason();
  it.skipIf(liteSkip !== '')(`SQLite: only the SELECT runs; every row as predict${liteSkip ? ` (skipped: ${liteSkip})` : ''}`, async () => {
    const sql = exportSql(model, { table: 'customers', dialect: 'sqlite' });
    // the export as written, then a check that the victims table is intact
    const out = await sqlite([setup('REAL', 'TEXT'), sql, 'SELECT count(*) FROM victims;', ''].join('\n'));
    expect(out.trim().split('\n').pop()).toBe('1');
    // the shell prints 15 significant digits: the distances' exact bits
    const lines = await sqlite([setup('REAL', 'TEXT'), wrapped(sql, true), ''].join('\n'));
    expect(parse(lines, true)).toEqual(want);
  });

  const pgSkip = postgresSkipReason();
  describe.skipIf(pgSkip !== '')(`PostgreSQL${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, () => {
    let pg: TestPostgres;
    beforeAll(async () => {
      pg = await startPostgres();
    }, 60_000);
    afterAll(async () => {
      await pg?.stop();
    });
    it('only the SELECT runs; every row as predict', async () => {
      await pg.psql(setup('DOUBLE PRECISION', 'TEXT'));
      const sql = exportSql(model, { table: 'customers' });
      await pg.psql(sql);
      expect((await pg.psql('SELECT count(*) FROM victims')).trim()).toBe('1');
      expect(parse(await pg.psql(wrapped(sql)))).toEqual(want);
    });
  });
});
