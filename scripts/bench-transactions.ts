/**
 * bench:large --transactions: an orders table through `npm run report -- --transactions` and through what a pandas
 * analyst runs (bench/python/transactions_reference.py), both under GNU time in one command; or the aggregation
 * alone (--aggregate-only, scripts/bench-aggregate.ts). Appends one JSON line to bench/results/large.jsonl.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DataError } from '../src';
import { ROOT, runFacts, sideBySide, timed } from './bench-timed';

const PYTHON = '/usr/bin/python3';
const COLUMNS = ['--customer', 'customer_id', '--date', 'order_date', '--amount', 'amount', '--order', 'order_id'];

/** Options of {@link benchTransactions} (the CLI's flags, defaults applied there). */
export interface BenchTransactionsOptions {
  /** Customers to generate orders for (about 6.8 lines each), when `data` is not given. */
  customers: number;
  seed: number;
  runs: number;
  /** An orders CSV with gen-table's columns, instead of generating one. */
  data?: string;
  /** Render the report's PNG figures (Python renders none). */
  png: boolean;
  threads?: number;
  /** Time our aggregation to customer_features.csv alone, without Python. */
  aggregateOnly: boolean;
  /** Keep the generated orders (in the system's temp folder) for another run. */
  keepData: boolean;
}

/** gen-table's orders for `customers` customers, streamed to `file`. */
async function generate(customers: number, seed: number, file: string): Promise<void> {
  process.stderr.write(`generating orders of ${customers} customers (seed ${seed}) into ${file}\n`);
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'scripts/gen-table.ts', '--kind', 'transactions', '--customers', String(customers), '--seed', String(seed)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const out = createWriteStream(file);
  child.stdout.pipe(out);
  const [code] = await Promise.all([
    new Promise<number | null>((resolve) => child.on('close', resolve)),
    new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject)),
  ]);
  if (code !== 0) {
    rmSync(file, { force: true });
    throw new Error(`gen-table failed (exit ${code})`);
  }
}

export async function benchTransactions(options: BenchTransactionsOptions): Promise<void> {
  const { customers, seed, runs, png, threads, aggregateOnly, keepData } = options;
  const generated = options.data === undefined;
  const data = options.data !== undefined ? path.resolve(options.data) : path.join(tmpdir(), `orders_${customers}_${seed}.csv`);
  if (!generated && !existsSync(data)) throw new DataError(`${data} does not exist; give an orders CSV with --data or generate one with --customers C`, data);
  if (generated && !existsSync(data)) await generate(customers, seed, data);
  const megabytes = Math.round(statSync(data).size / 1e6);
  const work = mkdtempSync(path.join(tmpdir(), 'bench-tx-'));
  const results: Record<string, unknown>[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      const before = runFacts();
      if (aggregateOnly) {
        const out = path.join(work, `customer_features-${r}.csv`);
        const ours = timed(process.execPath, ['--require', 'tsx/cjs', 'scripts/bench-aggregate.ts', '--data', data, '--out', out], 'bench-aggregate.ts');
        const facts = JSON.parse(ours.stdout.trim().split('\n').pop() as string);
        const row = { mode: 'transactions-aggregate', lines: facts.lines, customers: facts.customers, file_mb: megabytes, ours_s: Number(ours.seconds.toFixed(2)), ours_rss_mb: Math.round(ours.rssMb), aggregate_s: facts.aggregate_s, write_s: facts.write_s, features_sha256: facts.sha256, load_before: before.load, load_after: runFacts().load };
        results.push(row);
        console.log(`run ${r + 1}: aggregation of ${row.lines} lines to ${row.customers} customers: ${row.ours_s} s, peak RSS ${row.ours_rss_mb} MB (load ${before.load.join(' ')})`);
        rmSync(out, { force: true });
        continue;
      }
      const oursOut = path.join(work, `ours-${r}`);
      const pyOut = path.join(work, `python-${r}`);
      const py = timed(PYTHON, [path.join(ROOT, 'bench', 'python', 'transactions_reference.py'), data, pyOut], 'transactions_reference.py');
      const ours = timed(
        process.execPath,
        ['--require', 'tsx/cjs', 'scripts/report.ts', '--transactions', '--data', data, ...COLUMNS, '--out', oursOut, ...(png ? [] : ['--no-png']), ...(threads === undefined ? [] : ['--threads', String(threads)])],
        'npm run report -- --transactions',
      );
      const summary = JSON.parse(readFileSync(path.join(oursOut, 'reports', 'summary.json'), 'utf8'));
      const pyJson = JSON.parse(py.stdout.trim().split('\n').pop() as string);
      const row = {
        mode: 'transactions',
        lines: summary.transactions?.checks?.linesRead ?? pyJson.lines,
        customers: summary.rows.used,
        file_mb: megabytes,
        ...sideBySide(ours, py, summary, pyJson),
        python_customers: pyJson.n,
        python_phases: { aggregate: pyJson.aggregate_s, model: pyJson.model_s },
        png,
        load_before: before.load,
        load_after: runFacts().load,
      };
      results.push(row);
      console.log(
        `run ${r + 1}: ${row.lines} lines, ${row.customers} customers: ours ${row.ours_s} s / ${row.ours_rss_mb} MB, python ${row.python_s} s / ${row.python_rss_mb} MB, ratio ${row.ratio}, k ${row.ours_k} vs ${row.python_k} (load ${before.load.join(' ')})`,
      );
      rmSync(oursOut, { recursive: true, force: true });
      rmSync(pyOut, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (generated && !keepData) rmSync(data, { force: true });
  }
  const { machine, commit } = runFacts();
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  appendFileSync(path.join(ROOT, 'bench', 'results', 'large.jsonl'), JSON.stringify({ date: new Date().toISOString(), machine, commit, data: generated ? `gen-table --kind transactions --customers ${customers} --seed ${seed}` : data, runs: results }) + '\n');
  console.log(JSON.stringify(results[results.length - 1]));
}
