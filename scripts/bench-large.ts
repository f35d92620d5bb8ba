/**
 * A large table, side by side: `npm run report` against what a Python analyst runs on it
 * (bench/python/large_reference.py: pandas, KMeans n_init=10 for k=2..10, sampled silhouette, matplotlib), both as
 * child processes under GNU time in one command, so both see the same machine.
 *
 *   npm run bench:large -- [--rows N | --data PATH] [--seed S] [--runs R] [--no-png]
 *
 * Without --data it generates N Mall-shaped customers (default 1,000,000) with bench/python/gen_customers.py once
 * (cached in the system's temp folder). Prints, per run, both wall times, the ratio (ours / Python), both peak RSS
 * (the largest process of each command: for ours the Node process, Chromium excluded), the selected k of each and
 * our phases; appends one JSON line to bench/results/large.jsonl.
 *
 *   npm run bench:large -- --transactions [--customers C | --data ORDERS.csv] [--seed S] [--runs R] [--no-png] [--aggregate-only] [--keep-data]
 *
 * Orders: `npm run report -- --transactions` against bench/python/transactions_reference.py (pandas groupby RFM,
 * log1p, StandardScaler, KMeans n_init=10 for k=2..10, sampled silhouette), on C customers' orders from
 * `npm run gen-table -- --kind transactions` (about 6.8 lines a customer). --aggregate-only times our aggregation
 * alone (scripts/bench-aggregate.ts: orders -> customer_features.csv), without Python.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { isUserError, OptionsError, parseThreads } from '../src';
import { benchTransactions } from './bench-transactions';
import { ROOT, sideBySide, timed } from './bench-timed';
import { cliMain, intOption, parseFlags } from './cli';

const HELP = `Usage: npm run bench:large -- [--rows 1000000] [--seed 5] [--data FILE.csv] [--runs 1] [--no-png] [--threads N]
       npm run bench:large -- --transactions [--customers 100000] [--seed 5] [--data ORDERS.csv] [--runs 1] [--no-png] [--aggregate-only] [--keep-data]
  Runs npm run report and bench/python/large_reference.py on the same table under GNU time; prints both wall times,
  the ratio and both peak RSS; appends to bench/results/large.jsonl. Without --data it generates --rows Mall-shaped
  customers with bench/python/gen_customers.py (/usr/bin/python3). --threads is passed to npm run report.
  --transactions: an orders table (npm run gen-table -- --kind transactions --customers C, ~6.8 lines a customer)
  through npm run report -- --transactions and bench/python/transactions_reference.py (pandas + scikit-learn);
  --aggregate-only times our aggregation to customer_features.csv alone. The generated orders are deleted afterwards
  unless --keep-data.`;

const PYTHON_BENCH = path.join(ROOT, 'bench', 'python');
const PYTHON = '/usr/bin/python3';

cliMain(async () => {
  const values = parseFlags(
    {
      rows: { type: 'string' },
      data: { type: 'string' },
      seed: { type: 'string' },
      runs: { type: 'string' },
      'no-png': { type: 'boolean' },
      threads: { type: 'string' },
      transactions: { type: 'boolean' },
      customers: { type: 'string' },
      'aggregate-only': { type: 'boolean' },
      'keep-data': { type: 'boolean' },
    },
    HELP,
  );
  if (values === null) return;
  if (values.transactions) {
    if (values.rows !== undefined) throw new OptionsError('--transactions takes --customers C (about 6.8 order lines each), not --rows', '--rows');
    await benchTransactions({
      customers: intOption(values.customers, '--customers') ?? 100_000,
      seed: intOption(values.seed, '--seed') ?? 5,
      runs: intOption(values.runs, '--runs') ?? 1,
      data: values.data,
      png: !values['no-png'],
      threads: values.threads === undefined ? undefined : parseThreads(values.threads, '--threads'),
      aggregateOnly: values['aggregate-only'] ?? false,
      keepData: values['keep-data'] ?? false,
    });
    return;
  }
  for (const f of ['customers', 'aggregate-only', 'keep-data'] as const) if (values[f] !== undefined) throw new OptionsError(`--${f} is for --transactions`, `--${f}`);
  const threadArgs = values.threads === undefined ? [] : ['--threads', String(parseThreads(values.threads, '--threads'))];
  if (!existsSync('/usr/bin/time')) throw new OptionsError('GNU time is needed to measure peak memory: apt-get install time');
  const rows = intOption(values.rows, '--rows') ?? 1_000_000;
  const seed = intOption(values.seed, '--seed') ?? 5;
  const runs = intOption(values.runs, '--runs') ?? 1;
  let data = values.data ? path.resolve(values.data) : path.join(tmpdir(), `customers_${rows}_${seed}.csv`);
  if (!values.data && !existsSync(data)) {
    process.stderr.write(`generating ${rows} customers (seed ${seed}) into ${data}\n`);
    const gen = spawnSync(PYTHON, [path.join(PYTHON_BENCH, 'gen_customers.py'), String(rows), String(seed)], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (gen.status !== 0) throw new Error(`gen_customers.py failed: ${gen.stderr}`);
    writeFileSync(data, gen.stdout);
  }
  data = path.resolve(data);
  const work = mkdtempSync(path.join(tmpdir(), 'bench-large-'));
  const results: Record<string, unknown>[] = [];
  for (let r = 0; r < runs; r++) {
    const oursOut = path.join(work, `ours-${r}`);
    const pyOut = path.join(work, `python-${r}`);
    const py = timed(PYTHON, [path.join(PYTHON_BENCH, 'large_reference.py'), data, pyOut], 'large_reference.py');
    // the Node process's own peak (Chromium's processes not counted), written at exit by scripts/bench-peak-rss.cjs
    const peakFile = path.join(work, `peak-rss-${r}`);
    process.env.BENCH_PEAK_RSS_FILE = peakFile;
    const ours = timed(process.execPath, ['--require', './scripts/bench-peak-rss.cjs', '--require', 'tsx/cjs', 'scripts/report.ts', '--data', data, '--out', oursOut, ...(values['no-png'] ? ['--no-png'] : []), ...threadArgs], 'npm run report');
    delete process.env.BENCH_PEAK_RSS_FILE;
    const ownPeakMb = Number(readFileSync(peakFile, 'utf8')) / 1024;
    const summary = JSON.parse(readFileSync(path.join(oursOut, 'reports', 'summary.json'), 'utf8'));
    const pyJson = JSON.parse(py.stdout.trim().split('\n').pop() as string);
    const row = {
      rows: summary.rows.used,
      ...sideBySide({ seconds: ours.seconds, rssMb: ownPeakMb }, py, summary, pyJson),
      // GNU time's: the largest process of the command, Chromium's included when the report waits for it
      ours_command_rss_mb: Math.round(ours.rssMb),
      load: Number(loadavg()[0].toFixed(2)),
    };
    results.push(row);
    console.log(
      `run ${r + 1}: ours ${row.ours_s} s / ${row.ours_rss_mb} MB (the command's largest process, Chromium included: ${row.ours_command_rss_mb} MB), python ${row.python_s} s / ${row.python_rss_mb} MB, ratio ${row.ratio}, k ${row.ours_k} vs ${row.python_k}`,
    );
    rmSync(oursOut, { recursive: true, force: true });
    rmSync(pyOut, { recursive: true, force: true });
  }
  rmSync(work, { recursive: true, force: true });
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  appendFileSync(path.join(ROOT, 'bench', 'results', 'large.jsonl'), JSON.stringify({ date: new Date().toISOString(), data, runs: results }) + '\n');
  console.log(JSON.stringify(results[results.length - 1]));
}, (e) => isUserError(e) || e instanceof Error);
