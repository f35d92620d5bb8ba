/**
 * SQL injection from the data, end to end (issue 20, finding 2): a CSV whose header carries a line break and SQL in a
 * column name, and category values that try to close their literal, goes through a report run and `npm run
 * export-sql`; in sqlite3 only the exported SELECT runs (the `victims` table survives) and it scores every row as
 * the saved model's `predict` does. The dialects and engines one by one: src/segmentation/sql.injection.test.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/io/modelFile';
import { OUTPUTS, runReport } from '../../src/report/run';
import { predict } from '../../src/segmentation/artifact';
import { runScript } from '../support/cli';
import { sqlite, sqliteSkipReason } from '../support/sqlite';

const DROP = 'DROP TABLE victims; --';
const AGE = `Age\n${DROP}`;
const SPEND = `Spend"); ${DROP}`;
const KIND = `Kind' ${DROP}`;
const KINDS = [`x'; ${DROP}`, `y\\'; ${DROP}`, 'plain'];

const csvCell = (v: string | number) => (/[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
const ident = (n: string) => `"${n.replace(/"/g, '""')}"`;
const literal = (v: string | number) => (typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`);

const columns = ['id', AGE, SPEND, KIND];
const rows = Array.from({ length: 60 }, (_, i) => ({ id: `c${i + 1}`, [AGE]: 20 + ((i * 7) % 41), [SPEND]: 5 + ((i * 13) % 90), [KIND]: KINDS[i % 3] }));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hostile-sql-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const skip = sqliteSkipReason();
describe.skipIf(skip !== '')(`SQL planted in a CSV header and its values${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('report, export-sql, sqlite3: only the SELECT runs, every row as predict', async () => {
    const data = join(dir, 'hostile.csv');
    await writeFile(data, [columns, ...rows.map((r) => columns.map((c) => r[c]))].map((r) => r.map(csvCell).join(',')).join('\n') + '\n');
    const out = join(dir, 'out');
    await runReport({ data, out, k: 3, png: false, backend: 'cpu', columns: { id: 'id', features: [AGE, SPEND, KIND], categorical: [KIND] } });
    const modelPath = join(out, OUTPUTS.model);
    const exported = await runScript('export-sql', ['--model', modelPath, '--table', 'customers', '--dialect', 'sqlite']);
    expect(exported.code).toBe(0);
    const sql = exported.stdout;
    // the planted names reach the SQL only quoted, never at the start of a line
    // the export's comments come first, one line each: a line break of the data never ends one (a quoted name may
    // span lines inside its quotes)
    const head = sql.split('\n');
    const body = head.indexOf('WITH scaled AS (');
    expect(body).toBeGreaterThan(0);
    expect(head.slice(0, body).every((line) => line.startsWith('-- '))).toBe(true);

    const setup = [
      'CREATE TABLE victims (x INTEGER);',
      'INSERT INTO victims VALUES (1);',
      `CREATE TABLE customers (id TEXT, ${ident(AGE)} REAL, ${ident(SPEND)} REAL, ${ident(KIND)} TEXT);`,
      ...rows.map((r) => `INSERT INTO customers VALUES (${columns.map((c) => literal(r[c])).join(', ')});`),
    ].join('\n');
    const answer = await sqlite([setup, `SELECT id, cluster FROM (\n${sql.trimEnd().replace(/;$/, '')}\n) s ORDER BY id;`, 'SELECT count(*) FROM victims;', ''].join('\n'));
    const lines = answer.trim().split('\n');
    expect(lines.pop()).toBe('1'); // victims survived
    const got = new Map(lines.map((line) => line.split(',') as [string, string]));
    const model = await loadModel(modelPath);
    const want = predict(model, rows.map((r) => ({ ...r })));
    expect(got.size).toBe(rows.length);
    rows.forEach((r, i) => expect(Number(got.get(r.id))).toBe(want[i].cluster));
  }, 120_000);
});
