/**
 * One answer for every row: generated dirty customer tables (with and without an id, case and padding variants, blanks
 * and missing-value tokens, text in number columns, extra columns, rows sharing feature values, true duplicates, repeated ids), a report run on
 * each under both missing-value policies, then every row of the table plus rows with unknown categories scored by
 * `predict`, `score`, POST /predict over HTTP and the exported SQL in DuckDB, SQLite and PostgreSQL. All give the same
 * cluster and distance, or all refuse; the report's clustered_data.csv agrees for every row it kept; rows read = used +
 * dropped, each drop with its true reason.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app';
import { parseModel, predict, RecordError, type SegmentModel } from '../src/segmentation/artifact';
import { exportSql } from '../src/segmentation/sql';
import { cellText, missingTokenSet, readNumber } from '../src/data/normalize';
import { scoreFile } from '../src/scoring/score';
import { runReport } from '../src/report/run';
import { postgresSkipReason, startPostgres, type TestPostgres } from './support/postgres';
import { sqlite, sqliteSkipReason } from './support/sqlite';

const SHOPS = ['North', 'South', 'East'];
const MISSING = missingTokenSet(undefined);

interface Table {
  withId: boolean;
  /** Rows of cells: [id?, shop, visits, spend, note]. */
  header: string[];
  rows: string[][];
  /** Extra rows only scored (unknown categories). */
  scoredOnly: string[][];
}

const spelling = fc.tuple(fc.constantFrom(...SHOPS), fc.constantFrom('as is', 'lower', 'upper', 'padded')).map(([shop, how]) =>
  how === 'lower' ? shop.toLowerCase() : how === 'upper' ? shop.toUpperCase() : how === 'padded' ? `  ${shop} ` : shop,
);
const shopCell = fc.oneof({ weight: 12, arbitrary: spelling }, { weight: 1, arbitrary: fc.constantFrom('', 'n/a', 'NULL') });
const numberCell = fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 0, max: 6 }).map(String) }, { weight: 1, arbitrary: fc.constantFrom('', 'NA', '?', ' ', 'abc') });
const row = fc.tuple(shopCell, numberCell, numberCell, fc.constantFrom('a', 'b'));

const table: fc.Arbitrary<Table> = fc
  .record({
    withId: fc.boolean(),
    rows: fc.array(row, { minLength: 6, maxLength: 18 }),
    // copies of earlier rows (true duplicates), and rows given an earlier row's id (repeated ids)
    copies: fc.array(fc.nat(), { maxLength: 4 }),
    reuseIds: fc.array(fc.nat(), { maxLength: 3 }),
    unknown: fc.array(fc.tuple(fc.constantFrom('West', 'Atlantis', 'north-east'), numberCell, numberCell), { minLength: 1, maxLength: 3 }),
  })
  .map(({ withId, rows, copies, reuseIds, unknown }) => {
    // two valid, distinct customers first: the report always has rows to cluster into k=2
    const base = [['North', '1', '1', 'a'], ['South', '5', '6', 'b'], ...rows.map((r) => [...r])];
    const ids = base.map((_, i) => `c${i + 1}`);
    for (const r of reuseIds) {
      const target = 2 + (r % (base.length - 2));
      ids[target] = ids[r % target];
    }
    const body = base.map((cells, i) => (withId ? [ids[i], ...cells] : cells));
    // copies keep their id: exact duplicates
    for (const c of copies) body.push([...body[c % body.length]]);
    return {
      withId,
      header: [...(withId ? ['id'] : []), 'shop', 'visits', 'spend', 'note'],
      rows: body,
      scoredOnly: unknown.map(([shop, v, s], i) => [...(withId ? [`u${i}`] : []), shop, v, s, 'a']),
    };
  });

const csvOf = (header: string[], rows: string[][]) => [header, ...rows].map((r) => r.join(',')).join('\n') + '\n';

type Answer = { cluster: number; distance: number } | null;

function expected(model: SegmentModel, header: string[], rows: string[][]): Answer[] {
  return rows.map((cells) => {
    try {
      const [p] = predict(model, [Object.fromEntries(header.map((h, j) => [h, cells[j]]))]);
      return { cluster: p.cluster, distance: p.distance };
    } catch (e) {
      if (e instanceof RecordError) return null;
      throw e;
    }
  });
}

/** What a pandas-like reader makes of the table: trimmed cells; the true duplicate rows (equal to an earlier row). */
function trueDuplicates(rows: string[][]): Set<number> {
  const seen = new Set<string>();
  const out = new Set<number>();
  rows.forEach((r, i) => {
    const key = JSON.stringify(r.map((c) => c.trim()));
    if (seen.has(key)) out.add(i);
    seen.add(key);
  });
  return out;
}

const sqlLiteral = (text: string | null) => (text === null ? 'NULL' : `'${text.replace(/'/g, "''")}'`);

/** CREATE + INSERT of the rows: numbers as numbers (missing as NULL), other cells as text as written. */
function loadSql(name: string, header: string[], rows: string[][], types: { float: string; text: string }): string {
  const numeric = new Set(['visits', 'spend']);
  const defs = header.map((h) => `"${h}" ${numeric.has(h) ? types.float : types.text}`).join(', ');
  const values = rows.map((cells) => `(${cells.map((c, j) => {
    if (!numeric.has(header[j])) return sqlLiteral(c);
    const n = readNumber(c, MISSING);
    return n.kind === 'number' ? String(n.value) : 'NULL';
  }).join(', ')})`);
  return `CREATE TABLE ${name} (${defs});\nINSERT INTO ${name} VALUES ${values.join(', ')};\n`;
}

function fromSql(cluster: unknown, distance: unknown): Answer {
  return cluster === null || cluster === '' ? null : { cluster: Number(cluster), distance: Number(distance) };
}

describe('every row gets one answer from the report, score, predict, the API and the SQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rows-'));
  let pg: TestPostgres | null = null;
  const pgSkip = postgresSkipReason();
  const liteSkip = sqliteSkipReason();
  beforeAll(async () => {
    if (pgSkip === '') pg = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let run = 0;
  const check = async (t: Table, missing: 'drop' | 'median', unknownCategory: 'ignore' | 'error') => {
    const name = `t${++run}`;
    const file = join(dir, `${name}.csv`);
    writeFileSync(file, csvOf(t.header, t.rows));
    const out = join(dir, name);
    const { summary } = await runReport({
      data: file,
      columns: { features: ['visits', 'spend', 'shop'], categorical: ['shop'], id: t.withId ? 'id' : undefined, missing, unknownCategory },
      out,
      k: 2,
      png: false,
      backend: 'cpu',
    });
    const model = parseModel(readFileSync(join(out, 'data', 'models', 'clustering_model.json'), 'utf8'));
    expect(model.schema.missing).toBe(missing);
    expect(model.schema.unknownCategory).toBe(unknownCategory);

    // rows read = used + dropped, with true reasons
    const { rows } = summary;
    expect(rows.read).toBe(t.rows.length);
    expect(rows.read).toBe(rows.used + rows.dropped);
    const duplicates = trueDuplicates(t.rows);
    expect(rows.droppedBy['duplicate row'] ?? 0).toBe(duplicates.size);

    // every row of the table, then the rows with unknown categories
    const all = [...t.rows, ...t.scoredOnly];
    const want = expected(model, t.header, all);
    const offset = t.withId ? 1 : 0;
    const learned = new Set(model.encoding.filter((c) => c.kind === 'onehot').map((c) => (c.category as string).toUpperCase()));
    all.forEach((cells, i) => {
      const shop = cellText(cells[offset], MISSING);
      const numbers = [cells[offset + 1], cells[offset + 2]].map((c) => readNumber(c, MISSING));
      const unknown = shop !== null && !learned.has(shop.toUpperCase());
      const refused = shop === null || (missing === 'drop' && numbers.some((n) => n.kind !== 'number')) || (unknownCategory === 'error' && unknown);
      expect(want[i] === null).toBe(refused);
    });

    // the report's clustered_data.csv: every kept row in predict's cluster
    const clustered = readFileSync(join(out, 'data', 'processed', 'clustered_data.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(clustered.length).toBe(rows.used);
    // the kept rows: not refused, and (with an id) the first such row with its id (a later one is a duplicate or a
    // repeated id); without an id every row not refused and not a duplicate, numbered by its data row
    const kept = new Map<string, number>();
    t.rows.forEach((cells, i) => {
      const id = t.withId ? cells[0] : String(i + 1);
      if (want[i] === null || duplicates.has(i) || kept.has(id)) return;
      kept.set(id, i);
    });
    expect(clustered.map((c) => c[0])).toEqual([...kept.keys()]);
    for (const c of clustered) expect(want[kept.get(c[0]) as number]?.cluster).toBe(Number(c[c.length - 1]));
    // the summary counts the cells imputed with the training median, per column, over the rows kept
    const imputed: Record<string, number> = {};
    if (missing === 'median')
      for (const i of kept.values())
        ['visits', 'spend'].forEach((col, j) => {
          if (readNumber(t.rows[i][offset + 1 + j], MISSING).kind !== 'number') imputed[col] = (imputed[col] ?? 0) + 1;
        });
    expect(rows.imputedBy ?? {}).toEqual(imputed);

    // score, on a file of every row
    const scoredFile = join(dir, `${name}-all.csv`);
    writeFileSync(scoredFile, csvOf(t.header, all));
    const scoreOut = join(dir, `${name}-scores.csv`);
    await scoreFile(model, scoredFile, scoreOut);
    const scores = (parse(readFileSync(scoreOut, 'utf8')) as string[][]).slice(1);
    expect(scores.map((s) => fromSql(s[1], s[3]))).toEqual(want);

    // POST /predict, one row a request, as a CSV row (text cells, extra column included)
    const app = buildApp({ model });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      // the OpenAPI document requires the model's true required fields
      const doc = (await (await fetch(`${base}/docs/openapi.json`)).json()) as { components: { schemas: { Customer: { required?: string[] } } } };
      expect([...(doc.components.schemas.Customer.required ?? [])].sort()).toEqual(missing === 'median' ? ['shop'] : ['shop', 'spend', 'visits']);
      for (let i = 0; i < all.length; i++) {
        const res = await fetch(`${base}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(Object.fromEntries(t.header.map((h, j) => [h, all[i][j]]))),
        });
        const json = (await res.json()) as { field?: string; predictions?: { cluster: number; distance: number; warnings?: string[] }[] };
        expect(res.status).toBe(want[i] === null ? 400 : 200);
        // a missing category of the clustering feature is refused naming it
        const numbersRead = [all[i][offset + 1], all[i][offset + 2]].every((c) => missing === 'median' || readNumber(c, MISSING).kind === 'number');
        if (cellText(all[i][offset], MISSING) === null && numbersRead) expect(json.field).toBe('shop');
        if (want[i] !== null) {
          const [p] = json.predictions ?? [];
          expect({ cluster: p.cluster, distance: p.distance }).toEqual(want[i]);
          expect(p.warnings).toContain('ignored field not in the model: "note"');
        }
      }
    } finally {
      await app.close();
    }

    // the exported SQL, in table order; and a Parquet copy of the table (text cells as written, padding included)
    const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const parquet = join(dir, `${name}.parquet`);
    try {
      await con.run(`COPY (SELECT * FROM read_csv('${file}', header = true, all_varchar = true)) TO '${parquet}' (FORMAT parquet)`);
      await con.run(loadSql('customers', t.header, all, { float: 'DOUBLE', text: 'VARCHAR' }));
      const reader = await con.runAndReadAll(exportSql(model, { table: 'customers' }));
      expect(reader.getRows().map((r) => fromSql(r[offset], r[offset + 1]))).toEqual(want);
    } finally {
      con.closeSync();
      db.closeSync();
    }
    // the same report from the Parquet copy: the same data files and model, apart from the data hash
    const fromParquet = join(dir, `${name}-parquet`);
    await runReport({
      data: parquet,
      columns: { features: ['visits', 'spend', 'shop'], categorical: ['shop'], id: t.withId ? 'id' : undefined, missing, unknownCategory },
      out: fromParquet,
      k: 2,
      png: false,
      backend: 'cpu',
    });
    for (const f of [join('data', 'processed', 'clustered_data.csv'), join('data', 'processed', 'preprocessed_data.csv')])
      expect(readFileSync(join(fromParquet, f), 'utf8')).toBe(readFileSync(join(out, f), 'utf8'));
    const parquetModel = parseModel(readFileSync(join(fromParquet, 'data', 'models', 'clustering_model.json'), 'utf8'));
    expect({ ...parquetModel, dataHash: '' }).toEqual({ ...model, dataHash: '' });

    if (liteSkip === '') {
      const sql = exportSql(model, { table: 'customers', dialect: 'sqlite' }).trimEnd().replace(/;$/, '');
      const lines = await sqlite(`${loadSql('customers', t.header, all, { float: 'REAL', text: 'TEXT' })}SELECT cluster, hex(ieee754_to_blob(distance)) FROM (\n${sql}\n);\n`);
      const got = lines.trim().split('\n').map((l) => {
        const [cluster, hex] = l.split(',');
        return cluster === '' ? null : { cluster: Number(cluster), distance: Buffer.from(hex, 'hex').readDoubleBE(0) };
      });
      expect(got).toEqual(want);
    }
    if (pg !== null) {
      const out = await pg.psql(`${loadSql(name, t.header, all, { float: 'DOUBLE PRECISION', text: 'TEXT' })}${exportSql(model, { table: name })}`);
      expect(out.trim().split('\n').map((l) => { const c = l.split(','); return fromSql(c[offset], c[offset + 1]); })).toEqual(want);
    }
  };

  it('on generated dirty tables, under --impute drop and median, --unknown-category ignore and error (seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(table, fc.constantFrom('drop' as const, 'median' as const), fc.constantFrom('ignore' as const, 'error' as const), async (t, missing, unknown) => {
        await check(t, missing, unknown);
      }),
      { seed: 19, numRuns: 24, endOnFailure: true },
    );
  });
});
