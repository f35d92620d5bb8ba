/**
 * Side-by-side benchmark: scikit-learn's sweep (bench/python/sklearn_sweep.py, run with /usr/bin/python3)
 * and ours (scripts/bench.ts) on the same CSV, one after the other, in one command.
 *
 *   npm run bench:compare -- --data PATH [--k-min 2 --k-max 10] [--silhouette exact|none|sample:N] [--backend B] [...bench flags]
 *
 * Prints both sides, the ratios ours/sklearn for kmeans_s, silhouette_s and total_s, and per k the inertia
 * ratio and the silhouette difference; appends one JSON line to bench/results/results.jsonl.
 * Silhouette mapping for scikit-learn: exact -> exact; sample:N -> sample_size=N (sample vs sample, see
 * SilhouetteOptions.sampleSize for how ours differs); none -> sample_size=1000 (cheap; its silhouette time is
 * then not compared).
 */
import { spawnSync } from 'child_process';
import { appendFileSync, mkdirSync } from 'fs';
import { cpus, loadavg } from 'os';
import * as path from 'path';
import { isUserError } from '../src';
import { BENCH_HELP, parseBenchArgs, wantsHelp, type BenchResult } from './bench';

const ROOT = path.resolve(__dirname, '..');
const SKLEARN_SWEEP = path.join(ROOT, 'bench', 'python', 'sklearn_sweep.py');
const PYTHON = '/usr/bin/python3';

interface SklearnResult {
  n: number;
  kmeans_s: number;
  silhouette_s: number;
  total_s: number;
  scores: Record<string, [number, number]>;
}

function lastJsonLine<T>(stdout: string, who: string): T {
  const lines = stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as T;
  } catch {
    throw new Error(`${who} printed no JSON result line; output ended with: ${lines.slice(-3).join(' | ')}`);
  }
}

function run(command: string, args: string[], who: string): { stdout: string; seconds: number } {
  const started = performance.now();
  const child = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  if (child.error) throw new Error(`${who} could not start (${command}): ${child.error.message}`);
  if (child.status !== 0) throw new Error(`${who} failed with exit code ${child.status}`);
  return { stdout: child.stdout, seconds: (performance.now() - started) / 1000 };
}

const ratio = (ours: number, theirs: number) => (theirs > 0 ? Number((ours / theirs).toFixed(3)) : null);

function main(): void {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    console.log(BENCH_HELP.replace('npm run bench --', 'npm run bench:compare --') + '\n  Runs bench/python/sklearn_sweep.py (/usr/bin/python3) on the same file first; appends both to bench/results/results.jsonl.');
    return;
  }
  const args = parseBenchArgs(argv);
  const sklearnArgs = [SKLEARN_SWEEP, args.data, String(args.kMin), String(args.kMax)];
  if (typeof args.silhouette === 'object') sklearnArgs.push(String(args.silhouette.sample));
  if (args.silhouette === 'none') sklearnArgs.push('1000');

  const loadBefore = loadavg()[0];
  process.stderr.write(`compare: scikit-learn: ${PYTHON} ${sklearnArgs.join(' ')}\n`);
  // Run through a wrapper that also prints the CPU seconds (all threads) of the Python process as a last line.
  const wrapper = [
    '-c',
    'import json, resource, runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__"); ' +
      'r = resource.getrusage(resource.RUSAGE_SELF); print(json.dumps({"cpu_s": round(r.ru_utime + r.ru_stime, 3)}))',
  ];
  const sklearnOut = run(PYTHON, [...wrapper, ...sklearnArgs], 'sklearn_sweep.py').stdout.trim().split('\n');
  const sklearnCpu = lastJsonLine<{ cpu_s: number }>(sklearnOut.slice(-1).join('\n'), 'sklearn_sweep.py').cpu_s;
  const sklearn = { ...lastJsonLine<SklearnResult>(sklearnOut.slice(0, -1).join('\n'), 'sklearn_sweep.py'), cpu_s: sklearnCpu };
  process.stderr.write(`compare: ours: tsx scripts/bench.ts ${argv.join(' ')}\n`);
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const ours = lastJsonLine<BenchResult>(run(tsx, [path.join(ROOT, 'scripts', 'bench.ts'), ...argv], 'bench.ts').stdout, 'bench.ts');

  const loadAfter = loadavg()[0];
  const silhouetteCompared = args.silhouette !== 'none';
  const ratios = {
    kmeans_s: ratio(ours.kmeans_s, sklearn.kmeans_s),
    silhouette_s: silhouetteCompared ? ratio(ours.silhouette_s, sklearn.silhouette_s) : null,
    total_s: silhouetteCompared ? ratio(ours.total_s, sklearn.total_s) : null,
    cpu_s: ratio(ours.cpu_s, sklearn.cpu_s),
  };
  const perK: Record<string, { inertia_ratio: number | null; silhouette_diff: number | null }> = {};
  for (const [k, [oursSil, oursInertia]] of Object.entries(ours.scores)) {
    const theirs = sklearn.scores[k];
    if (theirs === undefined) continue;
    perK[k] = {
      inertia_ratio: ratio(oursInertia, theirs[1]),
      silhouette_diff: silhouetteCompared && oursSil !== null ? Number((oursSil - theirs[0]).toFixed(4)) : null,
    };
  }

  const lines = [
    `data ${args.data}  n=${ours.n}  backend ${ours.backend}  silhouette ${JSON.stringify(args.silhouette)}  k=${args.kMin}..${args.kMax}`,
    `                 ours      sklearn   ours/sklearn`,
    `kmeans_s     ${ours.kmeans_s.toFixed(3).padStart(9)} ${sklearn.kmeans_s.toFixed(3).padStart(9)}   ${String(ratios.kmeans_s).padStart(8)}`,
    `silhouette_s ${ours.silhouette_s.toFixed(3).padStart(9)} ${sklearn.silhouette_s.toFixed(3).padStart(9)}   ${String(ratios.silhouette_s).padStart(8)}`,
    `total_s      ${ours.total_s.toFixed(3).padStart(9)} ${sklearn.total_s.toFixed(3).padStart(9)}   ${String(ratios.total_s).padStart(8)}`,
    `cpu_s        ${ours.cpu_s.toFixed(3).padStart(9)} ${sklearn.cpu_s.toFixed(3).padStart(9)}   ${String(ratios.cpu_s).padStart(8)}   (whole process, all threads)`,
    `peak_rss_mb  ${ours.peak_rss_mb.toFixed(1).padStart(9)}`,
    `workers start ${(ours.workers_start_s ?? 0).toFixed(3).padStart(8)}   (ours, before the timed part)`,
    `load average (1 min) before ${loadBefore.toFixed(2)}, after ${loadAfter.toFixed(2)} on ${cpus().length} cpus (other processes share the machine)`,
    `k   inertia ours / sklearn (ratio)        silhouette ours / sklearn (diff)`,
    ...Object.entries(perK).map(([k, r]) => {
      const [os, oi] = ours.scores[k];
      const [ts, ti] = sklearn.scores[k];
      return `${k.padStart(2)}  ${oi.toFixed(3).padStart(11)} / ${ti.toFixed(3).padStart(11)} (${String(r.inertia_ratio).padStart(5)})   ${String(os).padStart(7)} / ${String(ts).padStart(7)} (${String(r.silhouette_diff)})`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  const record = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, loadavg_1min: { before: loadBefore, after: loadAfter } },
    args: argv,
    ours,
    sklearn,
    ratios,
    per_k: perK,
  };
  const outDir = path.join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  appendFileSync(path.join(outDir, 'results.jsonl'), `${JSON.stringify(record)}\n`);
  process.stdout.write(`${JSON.stringify({ ratios, n: ours.n, backend: ours.backend })}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`bench:compare: ${isUserError(error) ? error.message : (error as Error).message}\n`);
  process.exit(1);
}
