/**
 * The k sweep: k-means for each k, then the silhouette of all k's labelings in one pass, and the choice of k.
 */
import { totalmem } from 'node:os';
import { DataError, OptionsError } from '../util/errors';
import type { Matrix } from '../util/matrix';
import type { CompactLabels, KSweep, SweepFit } from './types';
import { calinskiHarabasz, daviesBouldin, smallestShare, stability, type KCriteria, type StabilityOptions } from './criteria';
import { checkKRuleOptions, chooseK, type KRule } from './selectK';
import { coarseRows, kmeansEach, kmeansThreadBytes, kmeansThreads } from './kmeans';
import { prewarmWorkers } from './workerPool';
import { DEFAULT_SEED } from '../util/random';
import { checkInteger, checkK, checkKMeansOptions, checkMatrix, type CheckedKMeansOptions } from './kmeansShared';
import {
  checkSilhouetteOptions,
  defaultWorkerCount,
  meanPerLabeling,
  silhouetteThreadBytes,
  queryRowsFor,
  silhouetteUndefinedReason,
  silhouetteValuesChecked,
  sampleSilhouettesChecked,
  type Labeling,
} from './silhouette';

/** Progress event of {@link sweepK}. */
export interface SweepProgress {
  /** 'kmeans': a k was fitted; 'kmeans-work': a piece of k-means work ended (a restart batch, a refined restart); 'silhouette': rows scored. */
  phase: 'kmeans' | 'kmeans-work' | 'silhouette' | 'profile';
  /** k values fitted so far (kmeans), k-means work units done by all threads (kmeans-work: k per restart, see
   * batchWork), query rows scored so far (silhouette), or steps of fitSegments' finish (profile). */
  done: number;
  total: number;
  /** The k just fitted (kmeans phase). With worker threads (>= 10 000 rows) the ks finish largest first. */
  k?: number;
}

/** Options of {@link sweepK}. */
export interface SweepOptions {
  /** Smallest k tried. Default 2. */
  kMin?: number;
  /** Largest k tried, <= number of rows. Default 10. */
  kMax?: number;
  /** Fixed k: overrides the sweep (ks = [k]); its silhouette is still computed unless silhouette is 'none'. Default: sweep. */
  k?: number;
  /** k-means++ restarts per k. Default 10. */
  nInit?: number;
  /** Maximum Lloyd iterations per restart. Default 300. */
  maxIter?: number;
  /** Relative tolerance (scikit-learn semantics). Default 1e-4. */
  tol?: number;
  /** Seed for every k's k-means and for the silhouette sample. Default 42. */
  seed?: number;
  /**
   * Where each k's restarts run (KMeansOptions.restartSample): 'auto' (default: all rows below 50,000 rows, from
   * there a seeded sample of max(20,000, 20% of the rows) with the best restarts refined on all rows), 'all', or a
   * number of sampled rows. SweepResult.kmeansMethod says what was done.
   */
  restartSample?: 'auto' | 'all' | number;
  /** With a restart sample: the best sample restarts refined on all rows per k (KMeansOptions.refineBest). Default 1. */
  refineBest?: number;
  /**
   * Improve each k's best restart with split-merge moves (KMeansOptions.splitMerge; with a restart sample, on the
   * sample). Default true.
   */
  splitMerge?: boolean;
  /**
   * Silhouette used to choose k: 'auto' (default: exact up to AUTO_EXACT_MAX_ROWS rows, above that a seeded sample
   * of AUTO_SAMPLE_SIZE rows), 'exact', { sample: N } (mean over N sampled rows scored against each other, as scikit-learn's sample_size)
   * or 'none' (only with a fixed k: there is no other selection rule).
   */
  silhouette?: SilhouetteChoice;
  /** Called after each k's k-means and after each silhouette chunk. */
  onProgress?: (event: SweepProgress) => void;
  /**
   * Most memory (bytes) the k-means may need by {@link kmeansMemoryBytes}; a larger estimate is refused before any
   * work with a DataError. Default: 75% of this machine's memory (os.totalmem()).
   */
  memoryLimitBytes?: number;
  /** How k is chosen from the criteria (`--k-rule`, see KRule). Default 'stable-silhouette'. */
  kRule?: KRule;
  /** Smallest share of customers every segment of the chosen k must hold (`--min-segment-share`). Default 0.02. */
  minSegmentShare?: number;
  /** Subsamples of the stability score (the seed is the sweep's). Default: 10 subsamples of 80% of at most 1000 rows. */
  stability?: Omit<StabilityOptions, 'seed'>;
  /**
   * Most threads of the k-means and the silhouette (`--threads`); 1 = in-process only. Default: env
   * SEGMENTATION_THREADS, else every core. The result is the same for every thread count (see KMeansOptions.threads).
   */
  threads?: number;
}

/** How {@link sweepK} scores each k. */
export type SilhouetteChoice = 'auto' | 'exact' | 'none' | { sample: number };

/**
 * Rows up to which silhouette 'auto' is exact. The exact sweep costs n^2 distances: k = 2..10 took 2.2 s at
 * n = 20,000 on a 2-core machine (bench/README.md), so ~14 s at 50,000 and about a minute at 100,000.
 */
export const AUTO_EXACT_MAX_ROWS = 50_000;
/**
 * Rows silhouette 'auto' samples above AUTO_EXACT_MAX_ROWS, scored against each other (as scikit-learn's
 * silhouette_score(sample_size=10000), what large_reference.py uses): 10^8 distances whatever n is. Each run
 * states its own standard error (silhouetteStdError).
 */
export const AUTO_SAMPLE_SIZE = 10_000;

/** A sweep with the rows its silhouettes were computed for, their standard errors, and the phases' timings. */
export interface SweepResult extends KSweep {
  /** Rows whose silhouettes were computed, ascending: all rows, or the seeded sample. Empty with silhouette 'none'. */
  readonly silhouetteRows: Int32Array;
  /** Per k with a score: the silhouette of each row of silhouetteRows, same order. */
  readonly rowSilhouettes: Record<string, Float64Array>;
  /**
   * Per k, the standard error of the mean silhouette: 0 when exact; for a sample of m rows scored against each
   * other, sd / sqrt(m) (sd of the sampled rows' silhouettes); null without a score.
   */
  readonly silhouetteStdError: Record<string, number | null>;
  /** Seconds in k-means, silhouettes, and the other criteria (mostly the stability refits). */
  readonly timings: { kmeans_s: number; silhouette_s: number; criteria_s: number };
  /**
   * How each k was fitted, in words, e.g. "k-means++, 10 restarts per k on all 200 rows" or "k-means++, 10
   * restarts per k on a seeded sample of 40000 of 200000 rows (each seeded and first run to convergence on a seeded
   * sub-sample of 10000 of them), the best improved by split-merge moves, the best refined with Lloyd on all rows".
   */
  readonly kmeansMethod: string;
  /** Per k: silhouette, Calinski-Harabasz, Davies-Bouldin, smallest segment share and stability (see KCriteria). */
  readonly criteria: Record<string, KCriteria>;
  /** One sentence: why this k, e.g. "k=6: highest silhouette (0.4274) over k=2..10; its smallest segment ...". */
  readonly reason: string;
  /** Warnings about the choice: k at the edge of the range, no stable k, no k with every segment >= the minimum share. */
  readonly selectionWarnings: string[];
}

/** {@link SweepResult.kmeansMethod} for checked options on `rows` rows. */
export function describeKMeansMethod(options: Pick<CheckedKMeansOptions, 'nInit' | 'restartSample' | 'refineBest' | 'splitMerge'>, rows: number): string {
  const restarts = `k-means++, ${options.nInit} restart${options.nInit === 1 ? '' : 's'} per k`;
  const coarse = coarseRows(options.restartSample > 0 ? options.restartSample : rows);
  const first = coarse > 0 ? ` (each seeded and first run to convergence on a seeded sub-sample of ${coarse} of them)` : '';
  if (options.restartSample === 0) return `${restarts} on all ${rows} rows${first}${options.splitMerge ? ', the best improved by split-merge moves' : ''}`;
  const refined = Math.min(options.refineBest, options.nInit);
  const moves = options.splitMerge ? ', the best improved by split-merge moves,' : ',';
  const best = refined === 1 ? 'the best' : `the best ${refined}`;
  return `${restarts} on a seeded sample of ${options.restartSample} of ${rows} rows${first}${moves} ${best} refined with Lloyd on all rows`;
}

/**
 * The k with the highest mean silhouette; ties go to the smaller k; null scores are skipped.
 * @returns null when no k has a score
 */
export function selectBySilhouette(ks: readonly number[], scores: Readonly<Record<string, number | null>>): number | null {
  let best: number | null = null;
  for (const k of [...ks].sort((a, b) => a - b)) {
    const score = scores[String(k)];
    if (score !== null && score !== undefined && (best === null || score > (scores[String(best)] as number))) best = k;
  }
  return best;
}

/** The sample size a silhouette choice means for `rows` rows: null = exact (all rows), 'none' = not computed. */
export function silhouetteSampleSize(value: unknown, rows: number): number | null | 'none' {
  if (value === 'auto') return rows > AUTO_EXACT_MAX_ROWS ? AUTO_SAMPLE_SIZE : null;
  if (value === 'exact') return null;
  if (value === 'none') return 'none';
  if (value !== null && typeof value === 'object' && 'sample' in value) {
    const size = checkInteger('silhouette.sample', (value as { sample: unknown }).sample, 1);
    return size >= rows ? null : size;
  }
  throw new OptionsError(`silhouette=${JSON.stringify(value)} should be 'auto', 'exact', 'none' or { sample: N }`, 'silhouette');
}

/**
 * Pooled worker threads a sweep of `rows` x `cols` rows uses with these k-means options (one per k):
 * the k-means threads or the silhouette's threads (see defaultWorkerCount), whichever are more, beside the main
 * thread (which runs a share of both). Starting them early (prewarmWorkers) takes their start-up off the sweep's path.
 */
export function sweepWorkerCount(rows: number, cols: number, kmeansOptions: readonly CheckedKMeansOptions[], silhouette: SilhouetteChoice): number {
  if (kmeansOptions.length === 0) return 0;
  const sample = silhouetteSampleSize(silhouette, rows);
  const queries = sample === 'none' ? 0 : (sample ?? rows);
  const scored = sample === 'none' ? 0 : typeof sample === 'number' ? sample : rows;
  const threads = kmeansOptions[0].threads;
  const ks = kmeansOptions.map((o) => o.k);
  const silhouetteWorkers = queries === 0 ? 0 : defaultWorkerCount(queries, scored, threads, queries, silhouetteThreadBytes(scored, cols, ks));
  // both count this thread: it runs a k-means queue and a part of the silhouette rows itself
  return Math.max(0, kmeansThreads(rows, cols, kmeansOptions) - 1, silhouetteWorkers - 1);
}

/**
 * `labels` (values 0..k-1) in the smallest unsigned array that holds them: Uint8Array for k <= 256, Uint16Array for
 * k <= 65,536, else Int32Array (see CompactLabels). A sweep of k = 2..10 keeps 9 labels a row: 9 bytes, not 36.
 */
export function compactLabels(labels: ArrayLike<number>, k: number): CompactLabels {
  if (k <= 256) return Uint8Array.from(labels);
  if (k <= 65_536) return Uint16Array.from(labels);
  return Int32Array.from(labels);
}

/** Standard error of the mean of `values` (a sample without replacement of `of` rows); 0 when all rows. */
function standardError(values: Float64Array, of: number): number {
  const m = values.length;
  if (m >= of || m < 2) return 0;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= m;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return Math.sqrt(squares / (m - 1) / m);
}

/** Memory the main thread's k-means adds whatever the data (scratch and JS arrays), bytes: an upper bound. */
export const KMEANS_MAIN_BYTES = 64 * 2 ** 20;
/** Memory each k-means worker thread adds whatever the data (its V8 isolate and heap), bytes: an upper bound. */
export const KMEANS_WORKER_BYTES = 128 * 2 ** 20;
/** Margin on the data-dependent part (garbage not yet collected). */
const KMEANS_ROW_MARGIN = 1.25;

/**
 * Memory the k-means of a sweep adds at its peak, estimated as an upper bound (bytes), for the ks of `optionsList` on
 * `rows` x `cols` data: the centred float64 copy, the restart sample and the coarse sub-sample shared by the threads,
 * each thread's own seeding buffers, labels and bounds ({@link kmeansThreadBytes}, on the threads {@link kmeansThreads} allows), the labels of every k's fit, with a 25% margin; plus KMEANS_MAIN_BYTES and KMEANS_WORKER_BYTES
 * per worker thread. It counts what k-means holds beyond the input matrix, not the rest of a report (the table read,
 * the silhouette, the outputs). Measured against it (test/hostile/measure-kmeans-memory.ts): docs/limits.md.
 */
export function kmeansMemoryBytes(rows: number, cols: number, optionsList: readonly CheckedKMeansOptions[]): number {
  if (optionsList.length === 0) return 0;
  const threads = Math.max(1, kmeansThreads(rows, cols, optionsList));
  const sample = Math.max(...optionsList.map((o) => o.restartSample));
  const shared = 8 * cols * (rows + sample + coarseRows(sample > 0 ? sample : rows));
  const labels = 4 * rows * optionsList.length;
  const perThread = Math.max(...optionsList.map((o) => kmeansThreadBytes(rows, cols, o)));
  return Math.ceil(KMEANS_ROW_MARGIN * (shared + labels + threads * perThread)) + KMEANS_MAIN_BYTES + (threads - 1) * KMEANS_WORKER_BYTES;
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** Refuses a k-means that would not fit in memory, before any work. */
function checkMemory(X: Matrix, optionsList: readonly CheckedKMeansOptions[], limit: number | undefined): void {
  const machine = limit === undefined;
  limit ??= Math.floor(totalmem() * 0.75);
  const need = kmeansMemoryBytes(X.rows, X.cols, optionsList);
  if (need <= limit) return;
  const k = Math.max(...optionsList.map((o) => o.k));
  throw new DataError(
    `k-means on ${X.rows.toLocaleString('en-US')} customers x ${X.cols} clustering columns with k up to ${k} needs about ${gib(need)} of memory; the limit is ${gib(limit)}${machine ? " (75% of this machine's)" : ''}. Cluster a sample of the rows, fewer columns (a categorical feature adds one per value), fewer threads (--threads 1) or a smaller --k-max`,
  );
}

/**
 * Fits k-means for every k in kMin..kMax (or the fixed k), scores every k (silhouette, Calinski-Harabasz,
 * Davies-Bouldin, smallest segment share, stability; see criteria.ts) and picks k by the k rule (see KRule: by
 * default the best silhouette among stable ks whose segments all hold >= 2% of customers). All silhouettes are
 * computed in one pass over the distance chunks.
 *
 * @param X data, shape [nSamples, nFeatures] (typically standardized)
 * @returns ks, silhouette and inertia per k (keys are k as decimal strings), the selected k, the rule in
 *   words, each k's fit, and timings in seconds
 * @throws OptionsError for non-integers, kMin < 2, kMin > kMax, k > number of rows, silhouette 'none' without
 *   a fixed k, or when no k has a defined silhouette; DataError for bad data
 * @example const sweep = await sweepK(X, { kMin: 2, kMax: 10 }); sweep.selected; // e.g. 6
 */
export async function sweepK(X: Matrix, options: SweepOptions = {}): Promise<SweepResult> {
  checkMatrix(X);
  const {
    kMin = 2,
    kMax = 10,
    k,
    nInit = 10,
    maxIter = 300,
    tol = 1e-4,
    seed = DEFAULT_SEED,
    restartSample = 'auto',
    refineBest = 1,
    splitMerge = true,
    silhouette = 'auto',
    onProgress,
  } = options;
  const kRule = checkKRuleOptions({ rule: options.kRule, minSegmentShare: options.minSegmentShare });
  const sample = silhouetteSampleSize(silhouette, X.rows);
  let ks: number[];
  let rule: string;
  if (k !== undefined) {
    checkInteger('k', k, 2);
    checkK(k, X.rows);
    ks = [k];
    rule = `fixed k=${k} (--k)`;
  } else {
    if (sample === 'none') {
      throw new OptionsError("silhouette='none' leaves no rule to choose k; give a fixed k (--k) or use silhouette 'exact' or { sample: N }", 'silhouette');
    }
    checkInteger('kMin', kMin, 2);
    const top = kMax;
    checkInteger('kMax', top, 2);
    if (kMin > top) throw new OptionsError(`kMin=${kMin} should be <= kMax=${top}; lower --k-min or raise --k-max`, 'kMin');
    checkK(top, X.rows, 'kMax');
    ks = Array.from({ length: top - kMin + 1 }, (_, i) => kMin + i);
    const sampled = typeof sample === 'number' ? ` (sampled, ${sample} of ${X.rows} rows)` : '';
    rule =
      kRule.rule === 'silhouette'
        ? `highest mean silhouette over k=${kMin}..${top}${sampled}`
        : `highest mean silhouette among stable ks with every segment >= ${+(100 * kRule.minSegmentShare).toFixed(2)}% over k=${kMin}..${top}${sampled}`;
  }
  const kmeansOptions = { nInit, maxIter, tol, seed, restartSample, refineBest, splitMerge, threads: options.threads };
  const checkedPerK = ks.map((kk) => checkKMeansOptions(X, { ...kmeansOptions, k: kk })); // all options checked before any work
  checkMemory(X, checkedPerK, options.memoryLimitBytes);
  const silhouetteOptions = checkSilhouetteOptions({ sampleSize: typeof sample === 'number' ? sample : null, seed, threads: options.threads });
  // Worker start-up overlaps the k-means below instead of delaying the silhouette.
  prewarmWorkers(sweepWorkerCount(X.rows, X.cols, checkedPerK, silhouette)).catch(() => undefined); // a failure surfaces when used

  const started = performance.now();
  const fits: Record<string, SweepFit> = {};
  let fitted = 0;
  // All ks at once: with worker threads the ks' restart groups share one queue (see kmeansManyChecked).
  await kmeansEach(
    X,
    ks,
    kmeansOptions,
    (i, fit) => {
      // compact at once: the fit's own Int32Array (4 bytes a row) is dropped as each k finishes
      fits[String(ks[i])] = { ...fit, labels: compactLabels(fit.labels, ks[i]) };
      onProgress?.({ phase: 'kmeans', done: ++fitted, total: ks.length, k: ks[i] });
    },
    onProgress ? (done, total) => onProgress({ phase: 'kmeans-work', done, total }) : undefined,
  );
  const kmeansSeconds = (performance.now() - started) / 1000;

  const silhouetteStarted = performance.now();
  const scores: Record<string, number | null> = {};
  const stdErrors: Record<string, number | null> = {};
  const rowSilhouettes: Record<string, Float64Array> = {};
  for (const kk of ks) {
    scores[String(kk)] = null;
    stdErrors[String(kk)] = null;
  }
  let silhouetteRows = new Int32Array(0);
  if (sample !== 'none') {
    const scored: { k: number; labeling: Labeling }[] = [];
    for (const kk of ks) {
      const fit = fits[String(kk)];
      const labeling = { labels: fit.labels, k: kk };
      const reason = silhouetteUndefinedReason(labeling, X.rows);
      if (reason === null) scored.push({ k: kk, labeling });
      else fits[String(kk)] = { ...fit, warnings: [...fit.warnings, `k=${kk}: silhouette not computed: ${reason}`] };
    }
    silhouetteRows = queryRowsFor(X.rows, silhouetteOptions.sampleSize, silhouetteOptions.seed);
    const sampled = silhouetteRows.length < X.rows;
    if (sampled) {
      // A labeling whose sample holds fewer than two segments has no sample silhouette.
      for (let i = scored.length - 1; i >= 0; i--) {
        const present = new Set(Array.from(silhouetteRows, (row) => scored[i].labeling.labels[row]));
        if (present.size < 2) {
          const key = String(scored[i].k);
          fits[key] = { ...fits[key], warnings: [...fits[key].warnings, `k=${scored[i].k}: silhouette not computed: the sample holds ${present.size} segment`] };
          scored.splice(i, 1);
        }
      }
    }
    if (scored.length > 0) {
      const options = { ...silhouetteOptions, onRows: (done: number, total: number) => onProgress?.({ phase: 'silhouette', done, total }) };
      const labelings = scored.map((s) => s.labeling);
      const values = sampled
        ? await sampleSilhouettesChecked(X, labelings, silhouetteRows, options)
        : await silhouetteValuesChecked(X, labelings, silhouetteRows, options);
      meanPerLabeling(values, scored.length).forEach((score, i) => {
        const key = String(scored[i].k);
        const rowValues = Float64Array.from({ length: silhouetteRows.length }, (_, q) => values[q * scored.length + i]);
        scores[key] = score;
        rowSilhouettes[key] = rowValues;
        stdErrors[key] = standardError(rowValues, X.rows);
      });
    }
  }
  const silhouetteSeconds = (performance.now() - silhouetteStarted) / 1000;

  const criteriaStarted = performance.now();
  const criteria: Record<string, KCriteria> = {};
  for (const kk of ks) {
    const labels = fits[String(kk)].labels;
    criteria[String(kk)] = {
      silhouette: scores[String(kk)],
      calinskiHarabasz: calinskiHarabasz(X, labels, kk),
      daviesBouldin: daviesBouldin(X, labels, kk),
      minShare: smallestShare(labels, kk),
      stability: stability(X, labels, kk, { ...options.stability, seed }),
    };
  }
  const criteriaSeconds = (performance.now() - criteriaStarted) / 1000;
  const choice = k === undefined ? chooseK(ks, criteria, kRule) : { selected: k, reason: `k=${k}: fixed with --k`, warnings: [] };
  if (choice === null) {
    throw new OptionsError(`no k in ${ks[0]}..${ks[ks.length - 1]} has a defined silhouette (too few distinct points); lower --k-max or give --k`, 'kMax');
  }
  const selected = choice.selected;
  const inertia: Record<string, number> = {};
  for (const kk of ks) inertia[String(kk)] = fits[String(kk)].inertia;
  return {
    ks,
    silhouette: scores,
    inertia,
    selected,
    rule,
    fits,
    silhouetteRows,
    rowSilhouettes,
    silhouetteStdError: stdErrors,
    timings: { kmeans_s: kmeansSeconds, silhouette_s: silhouetteSeconds, criteria_s: criteriaSeconds },
    kmeansMethod: describeKMeansMethod(checkedPerK[checkedPerK.length - 1], X.rows),
    criteria,
    reason: choice.reason,
    selectionWarnings: choice.warnings,
  };
}
