/**
 * Benchmark of the model core: k sweep (k-means nInit=10 per k + silhouette) on a customers CSV.
 *
 *   npm run bench -- --data PATH [--k-min 2] [--k-max 10] [--silhouette exact|none|sample:N] [--backend auto|native|wasm|cpu]
 *                    [--n-init 10] [--workers N] [--chunk-size N] [--restart-sample auto|all|N] [--refine-best N] [--threads N]
 *
 * Progress goes to stderr; the LAST stdout line is one JSON object:
 *   {"n","backend","kmeans_s","silhouette_s","total_s","peak_rss_mb","cpu_s","scores":{"<k>":[silhouette|null, inertia]}}
 * Extra fields: cpu_s (CPU seconds of the process, all threads, start-up included), kmeans_cpu_s, silhouette_cpu_s.
 * With --silhouette none there is no selection rule, so k-means runs for each k on its own (timed the same way).
 * The CSV is read, cleaned and standardized by the library, as the report does (--features names the clustering
 * columns of a table that is not the Mall table); loading is not timed.
 */
import { readFileSync } from 'fs';
import {
  parseCustomersCsv,
  preprocess,
  isUserError,
  DataError,
  OptionsError,
  type Matrix,
  initBackend,
  type BackendName,
  kmeansEach,
  prewarmWorkers,
  silhouetteScores,
  sweepK,
  sweepWorkerCount,
  checkKMeansOptions,
  parseThreads,
} from '../src';

export interface BenchArgs {
  data: string;
  kMin: number;
  kMax: number;
  silhouette: 'exact' | 'none' | { sample: number };
  backend: BackendName | 'auto';
  nInit: number;
  workers: number | undefined;
  chunkSize: number | undefined;
  /** Clustering columns (`--features a,b,c`); default: the Mall features. */
  features: string[] | undefined;
  /** k-means restarts on a sample (`--restart-sample auto|all|N`, KMeansOptions.restartSample); default 'auto'. */
  restartSample: 'auto' | 'all' | number;
  /** Most threads (`--threads N`, SweepOptions.threads); default: env SEGMENTATION_THREADS, else every core. */
  threads: number | undefined;
  /** Sample restarts refined on all rows (`--refine-best N`, KMeansOptions.refineBest); default 1. */
  refineBest: number | undefined;
}

/** `npm run bench -- --help`, also shown by bench:compare (the same flags). */
export const BENCH_HELP = `Usage: npm run bench -- --data PATH [--features A,B,C] [--k-min 2] [--k-max 10] [--silhouette exact|none|sample:N]
       [--backend auto|native|wasm|cpu] [--n-init 10] [--workers N] [--chunk-size N] [--restart-sample auto|all|N] [--refine-best 1]
       [--threads N]
  Times the k sweep (k-means with n-init restarts per k, the silhouette of every k) on the standardized features and
  prints one JSON line last: n, backend, kmeans_s, silhouette_s, total_s, peak_rss_mb, cpu_s, scores.`;

/** True when the arguments ask for the usage text. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Parses `--name value` pairs; throws OptionsError with the flag on bad values. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!flag.startsWith('--')) throw new OptionsError(`unexpected argument "${flag}"; flags are --data, --features, --k-min, --k-max, --silhouette, --backend, --n-init, --workers, --chunk-size, --restart-sample, --refine-best, --threads`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new OptionsError(`${flag} needs a value`);
    flags.set(flag.slice(2), value);
    i++;
  }
  const known = ['data', 'features', 'k-min', 'k-max', 'silhouette', 'backend', 'n-init', 'workers', 'chunk-size', 'restart-sample', 'refine-best', 'threads'];
  for (const name of flags.keys()) if (!known.includes(name)) throw new OptionsError(`unknown flag --${name}; use one of --${known.join(', --')}`);
  const data = flags.get('data');
  if (data === undefined) throw new OptionsError('--data PATH is required (a CSV with the Mall columns, or name its columns with --features a,b,c)');
  const int = (name: string, fallback: number | undefined) => {
    const text = flags.get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value)) throw new OptionsError(`--${name} ${text} should be an integer`);
    return value;
  };
  const silhouetteText = flags.get('silhouette') ?? 'exact';
  let silhouette: BenchArgs['silhouette'];
  if (silhouetteText === 'exact' || silhouetteText === 'none') silhouette = silhouetteText;
  else if (/^sample:\d+$/.test(silhouetteText)) silhouette = { sample: Number(silhouetteText.slice(7)) };
  else throw new OptionsError(`--silhouette ${silhouetteText} should be exact, none or sample:N`);
  const sampleText = flags.get('restart-sample') ?? 'auto';
  let restartSample: BenchArgs['restartSample'];
  if (sampleText === 'auto' || sampleText === 'all') restartSample = sampleText;
  else if (/^\d+$/.test(sampleText)) restartSample = Number(sampleText);
  else throw new OptionsError(`--restart-sample ${sampleText} should be auto, all or a number of rows`);
  return {
    data,
    kMin: int('k-min', 2) as number,
    kMax: int('k-max', 10) as number,
    silhouette,
    backend: (flags.get('backend') ?? 'auto') as BackendName | 'auto',
    nInit: int('n-init', 10) as number,
    workers: int('workers', undefined),
    chunkSize: int('chunk-size', undefined),
    features: flags.get('features')?.split(',').map((f) => f.trim()),
    restartSample,
    refineBest: int('refine-best', undefined),
    threads: flags.has('threads') ? parseThreads(flags.get('threads') as string, '--threads') : undefined,
  };
}

/**
 * Reads a customers CSV the way the report does (the library's parser, cleaning and StandardScaler-like scaling) and
 * returns the standardized clustering matrix, shape [rows, features]. `features`: the clustering columns (default:
 * the Mall features when the file has the Mall columns).
 */
export function loadStandardized(path: string, features?: readonly string[]): Matrix {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DataError(`cannot read ${path}: ${(error as Error).message}`, path);
  }
  return preprocess(parseCustomersCsv(text, { source: path, schema: features ? { features } : {} })).scaled;
}

export interface BenchResult {
  n: number;
  backend: string;
  kmeans_s: number;
  silhouette_s: number;
  total_s: number;
  peak_rss_mb: number;
  /** Seconds to start the worker threads before the timed part (0 when none are used). */
  workers_start_s: number;
  /** CPU seconds (user + system, all threads) of the whole bench process, start-up and CSV parsing included. */
  cpu_s: number;
  /** CPU seconds (all threads) of the k-means phase and of the silhouette phase: less sensitive to other load than wall time. */
  kmeans_cpu_s: number;
  silhouette_cpu_s: number;
  scores: Record<string, [number | null, number]>;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));
/** The integers from `from` to `to`, both included. */
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

async function main(): Promise<void> {
  if (wantsHelp(process.argv.slice(2))) {
    console.log(BENCH_HELP);
    return;
  }
  const args = parseBenchArgs(process.argv.slice(2));
  const X = loadStandardized(args.data, args.features);
  const backend = await initBackend({ backend: args.backend });
  process.stderr.write(`bench: n=${X.rows}, backend ${backend.name} (${backend.reason}), k=${args.kMin}..${args.kMax}, silhouette ${JSON.stringify(args.silhouette)}\n`);
  // Worker threads started before the clock, as in a notebook session after its first sweep (the pool stays up):
  // their start-up is reported apart as workers_start_s, like process start.
  const warming = performance.now();
  const kmeansOptions = { nInit: args.nInit, seed: 42, restartSample: args.restartSample, refineBest: args.refineBest, threads: args.threads };
  const checked = range(args.kMin, args.kMax).map((k) => checkKMeansOptions(X, { ...kmeansOptions, k }));
  await prewarmWorkers(Math.max(sweepWorkerCount(X.rows, X.cols, checked, args.silhouette), args.workers ?? 0));
  const workersStart = (performance.now() - warming) / 1000;
  const started = performance.now();
  const cpuStart = cpuSeconds();
  let cpuKMeansEnd = NaN;
  const scores: BenchResult['scores'] = {};
  let kmeansSeconds: number;
  let silhouetteSeconds = 0;
  if (args.silhouette === 'none') {
    const t = performance.now();
    const ks = range(args.kMin, args.kMax);
    const fits = await kmeansEach(X, ks, kmeansOptions, (i, fit) => {
      process.stderr.write(`  kmeans k=${ks[i]} inertia ${fit.inertia.toFixed(3)} (${fit.nIter} iterations) ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    });
    fits.forEach((fit, i) => (scores[String(ks[i])] = [null, round(fit.inertia, 3)]));
    kmeansSeconds = (performance.now() - t) / 1000;
    cpuKMeansEnd = cpuSeconds();
  } else if (args.workers !== undefined || args.chunkSize !== undefined) {
    // Tuning runs: the sweep's k-means, then the silhouette with the given workers / chunk size.
    const t = performance.now();
    const fits = await kmeansEach(X, range(args.kMin, args.kMax), kmeansOptions);
    kmeansSeconds = (performance.now() - t) / 1000;
    cpuKMeansEnd = cpuSeconds();
    const s = performance.now();
    const sampleSize = typeof args.silhouette === 'object' ? args.silhouette.sample : null;
    const values = await silhouetteScores(X, fits.map((f) => ({ labels: f.labels, k: f.k })), { workers: args.workers, chunkSize: args.chunkSize, sampleSize, seed: 42, threads: args.threads });
    silhouetteSeconds = (performance.now() - s) / 1000;
    fits.forEach((f, i) => {
      scores[String(f.k)] = [round(values[i], 4), round(f.inertia, 3)];
    });
  } else {
    let lastPercent = -1;
    const sweep = await sweepK(X, {
      kMin: args.kMin,
      kMax: args.kMax,
      nInit: args.nInit,
      restartSample: args.restartSample,
      refineBest: args.refineBest,
      threads: args.threads,
      silhouette: args.silhouette,
      onProgress: (e) => {
        if (e.phase === 'kmeans') {
          if (e.done === e.total) cpuKMeansEnd = cpuSeconds();
          process.stderr.write(`  kmeans k=${e.k} done (${e.done}/${e.total}) ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
        } else if (e.phase === 'silhouette') {
          const percent = Math.floor((100 * e.done) / e.total / 10) * 10;
          if (percent > lastPercent) {
            lastPercent = percent;
            process.stderr.write(`  silhouette ${percent}% ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
          }
        }
      },
    });
    kmeansSeconds = sweep.timings.kmeans_s;
    silhouetteSeconds = sweep.timings.silhouette_s;
    for (const k of sweep.ks) {
      const s = sweep.silhouette[String(k)];
      scores[String(k)] = [s === null ? null : round(s, 4), round(sweep.inertia[String(k)], 3)];
    }
  }
  const total = (performance.now() - started) / 1000;
  const cpuEnd = cpuSeconds();
  const result: BenchResult = {
    n: X.rows,
    backend: backend.name,
    kmeans_s: round(kmeansSeconds, 3),
    silhouette_s: round(silhouetteSeconds, 3),
    total_s: round(total, 3),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
    workers_start_s: round(workersStart, 3),
    cpu_s: round(cpuEnd, 3),
    kmeans_cpu_s: round(cpuKMeansEnd - cpuStart, 3),
    silhouette_cpu_s: round(cpuEnd - cpuKMeansEnd, 3),
    scores,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench: ${isUserError(error) ? error.message : (error as Error).stack}\n`);
    process.exit(1);
  });
}
