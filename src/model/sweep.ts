/**
 * The k sweep: k-means for each k, then the silhouette of all k's labelings in one pass, and the choice of k.
 */
import { OptionsError } from '../errors';
import type { Matrix } from './matrix';
import type { KMeansFit, KSweep } from './types';
import { ensureBackend } from './backend';
import { kmeansEach } from './kmeans';
import { prewarmWorkers } from './workerPool';
import { checkInteger, checkK, checkKMeansOptions, checkMatrix } from './kmeansShared';
import {
  checkSilhouetteOptions,
  defaultWorkerCount,
  meanPerLabeling,
  queryRowsFor,
  silhouetteUndefinedReason,
  silhouetteValuesChecked,
  type Labeling,
} from './silhouette';

/** Progress event of {@link sweepK}. */
export interface SweepProgress {
  phase: 'kmeans' | 'silhouette';
  /** k values fitted so far (kmeans) or query rows scored so far (silhouette). */
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
   * Silhouette used to choose k: 'exact' (default), { sample: N } (mean over N sampled rows against all rows,
   * see SilhouetteOptions.sampleSize) or 'none' (only with a fixed k: there is no other selection rule).
   */
  silhouette?: 'exact' | 'none' | { sample: number };
  /** Called after each k's k-means and after each silhouette chunk. */
  onProgress?: (event: SweepProgress) => void;
}

/** A sweep with wall-clock timings of its two phases. */
export interface SweepResult extends KSweep {
  readonly timings: { kmeans_s: number; silhouette_s: number };
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

function checkSilhouetteChoice(value: unknown): number | null | 'none' {
  if (value === 'exact') return null;
  if (value === 'none') return 'none';
  if (value !== null && typeof value === 'object' && 'sample' in value) {
    return checkInteger('silhouette.sample', (value as { sample: unknown }).sample, 1);
  }
  throw new OptionsError(`silhouette=${JSON.stringify(value)} should be 'exact', 'none' or { sample: N }`, 'silhouette');
}

/**
 * Fits k-means for every k in kMin..kMax (or the fixed k) and picks k by the highest mean silhouette (ties go
 * to the smaller k). All silhouettes are computed in one pass over the distance chunks.
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
  const { kMin = 2, kMax = 10, k, nInit = 10, maxIter = 300, tol = 1e-4, seed = 42, silhouette = 'exact', onProgress } = options;
  const sample = checkSilhouetteChoice(silhouette);
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
    rule = `highest mean silhouette over k=${kMin}..${top}${typeof sample === 'number' ? ` (sampled, ${sample} rows)` : ''}`;
  }
  for (const kk of ks) checkKMeansOptions(X, { k: kk, nInit, maxIter, tol, seed }); // all options checked before any work
  const silhouetteOptions = checkSilhouetteOptions({ sampleSize: typeof sample === 'number' ? sample : null, seed });
  const backend = await ensureBackend();
  if (sample !== 'none') {
    // Worker start-up (tfjs + wasm per thread) overlaps the k-means below instead of delaying the silhouette.
    const queryCount = silhouetteOptions.sampleSize === null ? X.rows : Math.min(X.rows, silhouetteOptions.sampleSize);
    prewarmWorkers(defaultWorkerCount(queryCount, X.rows), backend.name);
  }

  const started = performance.now();
  const fits: Record<string, KMeansFit> = {};
  let fitted = 0;
  // All ks at once: with worker threads the ks' restart groups share one queue (see kmeansManyChecked).
  await kmeansEach(X, ks, { nInit, maxIter, tol, seed }, (i, fit) => {
    fits[String(ks[i])] = fit;
    onProgress?.({ phase: 'kmeans', done: ++fitted, total: ks.length, k: ks[i] });
  });
  const kmeansSeconds = (performance.now() - started) / 1000;

  const silhouetteStarted = performance.now();
  const scores: Record<string, number | null> = {};
  for (const kk of ks) scores[String(kk)] = null;
  if (sample !== 'none') {
    const scored: { k: number; labeling: Labeling }[] = [];
    for (const kk of ks) {
      const fit = fits[String(kk)];
      const labeling = { labels: fit.labels, k: kk };
      const reason = silhouetteUndefinedReason(labeling, X.rows);
      if (reason === null) scored.push({ k: kk, labeling });
      else fits[String(kk)] = { ...fit, warnings: [...fit.warnings, `k=${kk}: silhouette not computed: ${reason}`] };
    }
    if (scored.length > 0) {
      const queryRows = queryRowsFor(X.rows, silhouetteOptions.sampleSize, silhouetteOptions.seed);
      const values = await silhouetteValuesChecked(
        X,
        scored.map((s) => s.labeling),
        queryRows,
        { ...silhouetteOptions, onRows: (done, total) => onProgress?.({ phase: 'silhouette', done, total }) },
        backend.name,
      );
      meanPerLabeling(values, scored.length).forEach((score, i) => {
        scores[String(scored[i].k)] = score;
      });
    }
  }
  const silhouetteSeconds = (performance.now() - silhouetteStarted) / 1000;

  let selected = k ?? selectBySilhouette(ks, scores);
  if (selected === null) {
    throw new OptionsError(`no k in ${ks[0]}..${ks[ks.length - 1]} has a defined silhouette (too few distinct points); lower --k-max or give --k`, 'kMax');
  }
  const inertia: Record<string, number> = {};
  for (const kk of ks) inertia[String(kk)] = fits[String(kk)].inertia;
  return { ks, silhouette: scores, inertia, selected, rule, fits, timings: { kmeans_s: kmeansSeconds, silhouette_s: silhouetteSeconds } };
}
