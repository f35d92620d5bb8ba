/**
 * Side-by-side benchmark of the k sweep: the Python engines an analyst can pick (bench/python/engines_sweep.py:
 * scikit-learn, scikit-learn-intelex (Intel oneDAL), faiss) and ours (scripts/bench.ts) on the same CSV, one after the
 * other, in one command.
 *
 *   npm run bench:compare -- --data PATH [--engines sklearn,sklearnex,faiss] [--python PY] [...npm run bench flags]
 *
 * The engines run in bench/python/.venv/ (`npm run bench:setup`, pinned in bench/python/requirements.txt); without it,
 * scikit-learn from /usr/bin/python3 only (Debian's), said in the output. Prints one table: per engine its k-means and
 * silhouette seconds and ours / engine, then per k every engine's inertia and ours / the best engine's. Appends one
 * JSON line to bench/results/compare.jsonl or --results FILE (machine, commit, load average, every engine's result).
 * Silhouette: exact -> exact, sample:N -> sample_size=N, none -> not computed on either side.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { isUserError, OptionsError } from '../src';
import { BENCH_HELP, parseBenchArgs, wantsHelp, type BenchArgs, type BenchResult } from './bench';
import { BENCH_VENV } from './bench-setup';

const ROOT = path.resolve(__dirname, '..');
const ENGINES_SWEEP = path.join(ROOT, 'bench', 'python', 'engines_sweep.py');
const ENGINES = ['sklearn', 'sklearnex', 'faiss'] as const;
type Engine = (typeof ENGINES)[number];

/** One engine's sweep as printed by engines_sweep.py. */
export interface EngineResult {
  n: number;
  engine: Engine;
  versions: Record<string, string>;
  kmeans_s: number;
  silhouette_s: number;
  total_s: number;
  cpu_s: number;
  scores: Record<string, [number | null, number]>;
}

function lastJsonLine<T>(stdout: string, who: string): T {
  const lines = stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as T;
  } catch {
    throw new Error(`${who} printed no JSON result line; output ended with: ${lines.slice(-3).join(' | ')}`);
  }
}

function run(command: string, args: string[], who: string): string {
  const child = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  if (child.error) throw new Error(`${who} could not start (${command}): ${child.error.message}`);
  if (child.status !== 0) throw new Error(`${who} failed with exit code ${child.status}`);
  return child.stdout;
}

const ratio = (ours: number, theirs: number) => (theirs > 0 ? Number((ours / theirs).toFixed(3)) : null);

/** Splits this script's own flags (--engines, --python) from the flags passed on to `npm run bench`. */
export function splitCompareArgs(argv: readonly string[]): { engines: Engine[] | undefined; python: string | undefined; results: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let engines: Engine[] | undefined;
  let python: string | undefined;
  let results: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--engines' || argv[i] === '--python' || argv[i] === '--results') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new OptionsError(`${argv[i]} needs a value`);
      if (argv[i] === '--python') python = value;
      else if (argv[i] === '--results') results = value;
      else {
        const names = value.split(',').map((s) => s.trim()).filter(Boolean);
        const bad = names.filter((n) => !(ENGINES as readonly string[]).includes(n));
        if (bad.length > 0 || names.length === 0) throw new OptionsError(`--engines takes a comma-separated list of ${ENGINES.join(', ')} (got "${value}")`);
        engines = names as Engine[];
      }
      i++;
    } else rest.push(argv[i]);
  }
  return { engines, python, results, rest };
}

/** The silhouette argument of engines_sweep.py for ours. */
function silhouetteArg(s: BenchArgs['silhouette']): string {
  return s === 'exact' ? 'exact' : s === 'none' ? 'none' : String(s.sample);
}

function runEngine(python: string, engine: Engine, args: BenchArgs): EngineResult {
  const argv = [ENGINES_SWEEP, args.data, String(args.kMin), String(args.kMax), engine, silhouetteArg(args.silhouette)];
  if (args.features) argv.push(args.features.join(','));
  process.stderr.write(`compare: ${engine}: ${python} ${argv.map((a) => path.relative(ROOT, a) || a).join(' ')}\n`);
  // A wrapper prints the CPU seconds (all threads) of the Python process as a last line.
  const wrapper = [
    '-c',
    'import json, resource, runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__"); ' +
      'r = resource.getrusage(resource.RUSAGE_SELF); print(json.dumps({"cpu_s": round(r.ru_utime + r.ru_stime, 3)}))',
  ];
  const lines = run(python, [...wrapper, ...argv], `engines_sweep.py ${engine}`).trim().split('\n');
  const cpu = lastJsonLine<{ cpu_s: number }>(lines.slice(-1).join('\n'), engine).cpu_s;
  return { ...lastJsonLine<EngineResult>(lines.slice(0, -1).join('\n'), engine), cpu_s: cpu };
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function main(): void {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    console.log(
      BENCH_HELP.replace('npm run bench --', 'npm run bench:compare --') +
        `\n  --engines LIST   Python engines to run first: ${ENGINES.join(', ')} (default sklearn,sklearnex with ${BENCH_VENV}/, else sklearn)` +
        `\n  --python PY      the Python that runs them (default ${BENCH_VENV}/bin/python from npm run bench:setup, else /usr/bin/python3)` +
        '\n  --results FILE   where the record line is appended (default bench/results/compare.jsonl)',
    );
    return;
  }
  const split = splitCompareArgs(argv);
  const args = parseBenchArgs(split.rest);
  const venvPython = path.join(ROOT, BENCH_VENV, 'bin', 'python');
  const python = split.python ?? (existsSync(venvPython) ? venvPython : '/usr/bin/python3');
  const engines = split.engines ?? (python === venvPython ? ['sklearn', 'sklearnex'] : ['sklearn']);
  if (python === '/usr/bin/python3' && split.python === undefined) process.stderr.write(`compare: no ${BENCH_VENV}/ (npm run bench:setup): scikit-learn from /usr/bin/python3 only\n`);

  const loadBefore = loadavg()[0];
  const theirs: EngineResult[] = engines.map((e) => runEngine(python, e, args));
  process.stderr.write(`compare: ours: scripts/bench.ts ${split.rest.join(' ')}\n`);
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const ours = lastJsonLine<BenchResult>(run(tsx, [path.join(ROOT, 'scripts', 'bench.ts'), ...split.rest], 'bench.ts'), 'bench.ts');
  const loadAfter = loadavg()[0];
  const silhouette = args.silhouette !== 'none';

  const pad = (s: string | number | null, n: number) => String(s ?? '-').padStart(n);
  const head = `${'engine'.padEnd(28)}${pad('kmeans_s', 10)}${pad('ours/it', 9)}${silhouette ? pad('silh_s', 10) + pad('ours/it', 9) : ''}${pad('cpu_s', 9)}`;
  const row = (name: string, r: { kmeans_s: number; silhouette_s: number; cpu_s: number }, isOurs: boolean) =>
    `${name.padEnd(28)}${pad(r.kmeans_s.toFixed(3), 10)}${pad(isOurs ? '' : ratio(ours.kmeans_s, r.kmeans_s), 9)}` +
    (silhouette ? `${pad(r.silhouette_s.toFixed(3), 10)}${pad(isOurs ? '' : ratio(ours.silhouette_s, r.silhouette_s), 9)}` : '') +
    pad(r.cpu_s.toFixed(1), 9);
  const label = (r: EngineResult) => `${r.engine} ${r.versions['scikit-learn-intelex'] ?? r.versions.faiss ?? r.versions['scikit-learn']}`;
  const ks = Object.keys(ours.scores);
  const perK = Object.fromEntries(
    ks.map((k) => {
      const best = Math.min(...theirs.map((t) => t.scores[k]?.[1] ?? Infinity));
      return [k, { ours: ours.scores[k][1], ...Object.fromEntries(theirs.map((t) => [t.engine, t.scores[k]?.[1] ?? null])), ours_over_best: ratio(ours.scores[k][1], best) }];
    }),
  );
  const lines = [
    `data ${args.data}  n=${ours.n}  ours on ${ours.backend}  silhouette ${JSON.stringify(args.silhouette)}  k=${args.kMin}..${args.kMax}  commit ${gitCommit()}`,
    head,
    row(`ours (${ours.backend})`, ours, true),
    ...theirs.map((t) => row(label(t), t, false)),
    `peak RSS ours ${ours.peak_rss_mb.toFixed(0)} MB; load average (1 min) before ${loadBefore.toFixed(2)}, after ${loadAfter.toFixed(2)} on ${cpus().length} cpus`,
    `${'k'.padStart(2)}${pad('ours', 14)}${theirs.map((t) => pad(t.engine, 14)).join('')}${pad('ours/best', 11)}`,
    ...ks.map((k) => `${k.padStart(2)}${pad(ours.scores[k][1].toFixed(3), 14)}${theirs.map((t) => pad(t.scores[k]?.[1]?.toFixed(3) ?? null, 14)).join('')}${pad(perK[k].ours_over_best, 11)}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const record = {
    at: new Date().toISOString(),
    commit: gitCommit(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg_1min: { before: loadBefore, after: loadAfter } },
    args: argv,
    ours,
    engines: theirs,
    ratios: Object.fromEntries(theirs.map((t) => [t.engine, { kmeans_s: ratio(ours.kmeans_s, t.kmeans_s), silhouette_s: silhouette ? ratio(ours.silhouette_s, t.silhouette_s) : null }])),
    per_k: perK,
  };
  const results = split.results ?? path.join(ROOT, 'bench', 'results', 'compare.jsonl');
  mkdirSync(path.dirname(results), { recursive: true });
  appendFileSync(results, `${JSON.stringify(record)}\n`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`bench:compare: ${isUserError(error) ? error.message : (error as Error).message}\n`);
    process.exit(1);
  }
}
