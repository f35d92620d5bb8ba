/**
 * By hand, not in CI or npm test: the exported SQL where the tests cannot go.
 *
 *   npm run check-sql -- --spark PYTHON     run --dialect spark in local Spark (PYTHON has pyspark; a Java runtime)
 *                                           on the exported-SQL test cases, every row against predict
 *   npm run check-sql -- --sqlglot PYTHON   parse every dialect's SQL with sqlglot in the matching sqlglot dialects
 *                                           (a parse check only: nothing runs)
 *
 * Options: --rows N, rows of the generated retail table (default 100000). Exit 1 when a row differs or a parse fails.
 * Example: python3 -m venv /tmp/pyspark-venv && /tmp/pyspark-venv/bin/pip install pyspark==4.3.0, then
 * npm run check-sql -- --spark /tmp/pyspark-venv/bin/python
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isUserError, OptionsError, exportSql, type SqlDialect } from '../src';
import { countMismatches, csvColumns, sqlCases, type SqlCase } from '../src/segmentation/__fixtures__/sqlCases';
import { cliMain, intOption, parseFlags } from './cli';

const run = promisify(execFile);
const HELPER = join(__dirname, 'check-sql.py');

const HELP = `Usage: npm run check-sql -- [--spark PYTHON] [--sqlglot PYTHON] [--rows N]
  --spark PYTHON    a Python with pyspark (and java on PATH): run --dialect spark in local Spark, compare with predict
  --sqlglot PYTHON  a Python with sqlglot: parse each dialect's SQL in sqlglot's matching dialects (no run)
  --rows N          rows of the generated retail table (default 100000)`;

/** Which sqlglot dialects each export dialect is parsed as. */
const PARSE_AS: Record<SqlDialect, string[]> = {
  standard: ['postgres', 'duckdb', 'sqlite', 'snowflake', 'trino'],
  bigquery: ['bigquery'],
  spark: ['spark', 'databricks'],
  sqlite: ['sqlite'],
};

/** Runs the helper with a job file in `dir`; stdout, or an error naming the Python and its stderr. */
async function helper(python: string, mode: 'spark' | 'parse', job: unknown, dir: string): Promise<string> {
  const file = join(dir, `${mode}-job.json`);
  writeFileSync(file, JSON.stringify(job));
  try {
    const { stdout } = await run(python, [HELPER, mode, file], { maxBuffer: 1 << 30 });
    return stdout;
  } catch (e) {
    const err = e as Error & { stderr?: string };
    const tail = (err.stderr ?? '').trim().split('\n').slice(-8).join('\n');
    throw new OptionsError(`${python} ${HELPER} ${mode} failed (is ${mode === 'spark' ? 'pyspark, with java on PATH' : 'sqlglot'} installed in it?): ${tail || err.message}`, mode === 'spark' ? '--spark' : '--sqlglot');
  }
}

async function checkSpark(python: string, cases: SqlCase[], dir: string): Promise<boolean> {
  let ok = true;
  for (const [i, c] of cases.entries()) {
    const csv = join(dir, `case${i}.csv`);
    const sql = join(dir, `case${i}.sql`);
    writeFileSync(csv, c.csv);
    writeFileSync(sql, exportSql(c.model, { table: 'customers', dialect: 'spark' }));
    const started = performance.now();
    const out = await helper(python, 'spark', { csv, sql, columns: csvColumns(c), id: c.idColumn }, dir);
    const seconds = (performance.now() - started) / 1000;
    const [versionLine, ...lines] = out.trim().split('\n');
    const answers = new Map<string, [number, number]>();
    for (const line of lines) {
      const [id, cluster, distance] = line.split(',');
      answers.set(id, [Number(cluster), distance === '' ? NaN : Number(distance)]);
    }
    const missing = c.records.length - answers.size;
    const mismatches = countMismatches(c, answers);
    ok &&= mismatches === 0 && missing === 0;
    console.log(`spark ${versionLine.replace(/^version /, '')}, ${c.name}: ${c.records.length} rows, ${answers.size} answers, ${mismatches} differ from predict (${seconds.toFixed(1)} s, session start and CSV read included)`);
  }
  return ok;
}

async function checkSqlglot(python: string, cases: SqlCase[], dir: string): Promise<boolean> {
  const job: { label: string; read: string; sql: string }[] = [];
  for (const c of cases)
    for (const [dialect, reads] of Object.entries(PARSE_AS) as [SqlDialect, string[]][])
      for (const read of reads) job.push({ label: `${c.name} / --dialect ${dialect}`, read, sql: exportSql(c.model, { table: 'customers', dialect }) });
  // controls: SQL each engine would reject, to show how much a successful parse says
  const control = cases[cases.length - 1].model;
  job.push({ label: 'control: --dialect spark (backtick identifiers)', read: 'postgres', sql: exportSql(control, { table: 'customers', dialect: 'spark' }) });
  job.push({ label: 'control: --dialect standard (DOUBLE PRECISION, VARCHAR)', read: 'bigquery', sql: exportSql(control, { table: 'customers' }) });
  job.push({ label: 'control: a SELECT cut off in its CASE', read: 'postgres', sql: 'SELECT CASE WHEN d0 <= d1 THEN 0 FROM distances;' });
  const lines = (await helper(python, 'parse', job, dir)).trim().split('\n');
  const version = (lines.pop() ?? '').replace(/^version /, '');
  let ok = true;
  for (const line of lines) {
    const r = JSON.parse(line) as { label: string; read: string; ok: boolean; statements: number; error: string | null };
    if (!r.label.startsWith('control:')) ok &&= r.ok && r.statements === 1;
    console.log(`sqlglot ${version}, read=${r.read}, ${r.label}: ${r.ok ? `parsed (${r.statements} statement${r.statements === 1 ? '' : 's'})` : `rejected: ${r.error}`}`);
  }
  return ok;
}

cliMain(async () => {
  const values = parseFlags({ spark: { type: 'string' }, sqlglot: { type: 'string' }, rows: { type: 'string' } }, HELP);
  if (values === null) return;
  if (values.spark === undefined && values.sqlglot === undefined) throw new OptionsError('nothing to check: pass --spark PYTHON and/or --sqlglot PYTHON (see --help)', '--spark');
  const rows = intOption(values.rows, '--rows') ?? 100_000;
  if (rows < 100) throw new OptionsError(`--rows must be at least 100 (a table of k=5 centres picked from its rows), got ${rows}`, '--rows');
  const cases = sqlCases({ rows });
  const dir = mkdtempSync(join(tmpdir(), 'check-sql-'));
  let ok = true;
  try {
    if (values.sqlglot !== undefined) ok = (await checkSqlglot(values.sqlglot, cases, dir)) && ok;
    if (values.spark !== undefined) ok = (await checkSpark(values.spark, cases, dir)) && ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!ok) {
    process.stderr.write('check-sql: some rows differ from predict or some SQL did not parse (lines above)\n');
    process.exit(1); // cliMain exits 0 after a normal return
  }
}, isUserError);
