/**
 * End-to-end timing of `npm run report` against the original Python pipeline (bench/python/seed_reference.py,
 * run with /usr/bin/python3), alternating the two in one command so both see the same machine.
 *
 *   npm run bench:report -- [--data PATH] [--runs N] [--no-png]
 *
 * Each round runs both commands as child processes (wall time of the whole command, process start included),
 * Python first in odd rounds and ours first in even ones. Prints one line per round and the medians, and appends
 * one JSON line (every round, medians, ratio, load average) to bench/results/report.jsonl.
 */
import { spawnSync } from 'child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { loadavg, tmpdir } from 'os';
import * as path from 'path';
import { isUserError, parseThreads } from '../src';
import { cliMain, intOption, parseFlags } from './cli';

const HELP = `Usage: npm run bench:report -- [--data PATH] [--runs 5] [--no-png] [--threads N]
  Alternates npm run report and bench/python/seed_reference.py (the original Python pipeline) --runs times;
  prints each round and the median ratio; appends to bench/results/report.jsonl. --threads is passed to npm run report.`;

const ROOT = path.resolve(__dirname, '..');
const SEED_REFERENCE = path.join(ROOT, 'bench', 'python', 'seed_reference.py');
const PYTHON = '/usr/bin/python3';

function timed(command: string, args: string[], who: string): number {
  const started = performance.now();
  const child = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = (performance.now() - started) / 1000;
  if (child.error) throw new Error(`${who} could not start (${command}): ${child.error.message}`);
  if (child.status !== 0) throw new Error(`${who} failed with exit code ${child.status}: ${child.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  return seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

cliMain(async () => {
  const values = parseFlags({ data: { type: 'string' }, runs: { type: 'string' }, 'no-png': { type: 'boolean' }, threads: { type: 'string' } }, HELP);
  if (values === null) return;
  const threadArgs = values.threads === undefined ? [] : ['--threads', String(parseThreads(values.threads, '--threads'))];
  const data = path.resolve(values.data ?? path.join(ROOT, 'data', 'raw', 'Mall_Customers.csv'));
  const runs = intOption(values.runs, '--runs') ?? 5;
  if (runs < 1) throw new Error('--runs must be at least 1');
  const work = mkdtempSync(path.join(tmpdir(), 'bench-report-'));
  const oursArgs = ['run', '-s', 'report', '--', '--data', data, '--out', path.join(work, 'ours'), ...(values['no-png'] ? ['--no-png'] : []), ...threadArgs];
  const pythonArgs = [SEED_REFERENCE, data, path.join(work, 'python')];
  const rounds: { ours_s: number; python_s: number; ratio: number; phases: Record<string, number> }[] = [];
  const loadBefore = loadavg()[0];
  try {
    for (let round = 0; round < runs; round++) {
      const runOurs = () => timed('npm', oursArgs, 'npm run report');
      const runPython = () => timed(PYTHON, pythonArgs, 'seed_reference.py');
      let ours: number;
      let python: number;
      if (round % 2 === 0) {
        python = runPython();
        ours = runOurs();
      } else {
        ours = runOurs();
        python = runPython();
      }
      const summary = JSON.parse(readFileSync(path.join(work, 'ours', 'reports', 'summary.json'), 'utf8')) as { timings: Record<string, number> };
      const ratio = Number((ours / python).toFixed(3));
      rounds.push({ ours_s: Number(ours.toFixed(3)), python_s: Number(python.toFixed(3)), ratio, phases: summary.timings });
      console.log(`round ${round + 1}: ours ${ours.toFixed(2)} s, python ${python.toFixed(2)} s, ratio ${ratio.toFixed(2)}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const result = {
    at: new Date().toISOString(),
    data: path.relative(ROOT, data),
    png: !values['no-png'],
    runs,
    load_before: loadBefore,
    load_after: loadavg()[0],
    median_ours_s: Number(median(rounds.map((r) => r.ours_s)).toFixed(3)),
    median_python_s: Number(median(rounds.map((r) => r.python_s)).toFixed(3)),
    median_ratio: Number(median(rounds.map((r) => r.ratio)).toFixed(3)),
    rounds,
  };
  console.log(`median: ours ${result.median_ours_s} s, python ${result.median_python_s} s, ratio of medians ${(result.median_ours_s / result.median_python_s).toFixed(2)}, median ratio ${result.median_ratio}`);
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  appendFileSync(path.join(ROOT, 'bench', 'results', 'report.jsonl'), JSON.stringify(result) + '\n');
}, isUserError);
