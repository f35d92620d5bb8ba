// The report run's clustering phase: the clustering space (transforms, encoding, scaling) and the fit (the k sweep,
// the chosen k, profiles), with the progress of each step.
import type { CleanResult } from '../data/clean';
import { applyTransforms } from '../features/transform';
import { mkdir } from 'node:fs/promises';
import { STAGING_PREFIX } from '../io/atomic';
import { spillColumns } from '../io/spill';
import { stopIdleWorkers } from '../model/workerPool';
import { fitSegments, prepareFeatures, type Preprocessed, type Segmentation } from '../segmentation/pipeline';
import type { ReportSettings } from './options';

/** The clustering space of the clean table: the `transform` choice applied (the rest of the skewed features noted
 * through onMessage), then encoded and scaled. */
export function reportFeatures(cleaning: CleanResult, settings: ReportSettings): Preprocessed {
  // Skewed features: the user's transforms applied, the rest warned about (see docs/analysis.md).
  const transformed = applyTransforms(cleaning, settings.transform);
  for (const w of transformed.warnings) settings.onMessage(`NOTE: ${w}`);
  return prepareFeatures(transformed.cleaning);
}

/** Rows from which the report moves the table's columns to a temporary file during the k sweep (see spillColumns). */
export const SPILL_FROM_ROWS = 100_000;

/** Fits the segments with the run's k options, reporting k-means, silhouette and profiling progress. */
export async function reportSegments(prep: Preprocessed, hash: string, settings: ReportSettings): Promise<Segmentation> {
  const { onProgress } = settings;
  // k-means work units (see batchWork) as the threads report them; fits as the ks finish.
  let work = { done: 0, total: 1 };
  let fitted = '';
  onProgress({ phase: 'k-means', done: 0, total: 1, unit: 'work units', rows: prep.data.n });
  try {
    return await fitSegments(prep, hash, {
      k: settings.k,
      kMin: settings.kMin,
      kMax: settings.kMax,
      seed: settings.seed,
      kRule: settings.kRule,
      minSegmentShare: settings.minSegmentShare,
      threads: settings.threads,
      // The sweep reads the standardized matrix only: the table's columns wait on disk meanwhile (not for a small
      // table, where they weigh nothing).
      aroundSweep: async (sweep) => {
        if (prep.data.n < SPILL_FROM_ROWS) return sweep();
        // in the output folder (a disk the user chose; /tmp may be memory), named as a staging folder with its owner:
        // left by a killed run, the next run removes it
        await mkdir(settings.out, { recursive: true });
        const spilled = await spillColumns(prep.data, { dir: settings.out, prefix: `${STAGING_PREFIX}columns-` });
        try {
          return await sweep();
        } finally {
          // the threads' memory goes before the columns come back (a worker restarts if the finish needs one)
          await stopIdleWorkers();
          await spilled.restore();
        }
      },
      onProgress: (e) => {
        if (e.phase === 'silhouette') return onProgress({ phase: 'silhouette', done: e.done, total: e.total, unit: 'rows' });
        if (e.phase === 'profile') return onProgress({ phase: 'profiling', done: e.done, total: e.total, unit: 'steps', rows: prep.data.n });
        if (e.phase === 'kmeans-work') work = { done: e.done, total: e.total };
        else fitted = `${e.done}/${e.total} ks fitted`;
        onProgress({ phase: 'k-means', done: work.done, total: work.total, unit: 'work units', rows: prep.data.n, note: fitted || undefined });
      },
    });
  } finally {
    // The report needs no more threads: each pooled worker holds its own isolate, tfjs, a wasm heap that never
    // shrinks and its last task's data (the shared k-means copy of the features) until it is stopped.
    await stopIdleWorkers();
  }
}

/** The fit's own timings (seconds), under the names the summary lists. */
export function segmentTimings(seg: Segmentation): Record<string, number> {
  return {
    kmeans: Number(seg.timings.kmeans_s.toFixed(3)),
    silhouette: Number(seg.timings.silhouette_s.toFixed(3)),
    criteria: Number(seg.sweep.timings.criteria_s.toFixed(3)),
    profile: Number(seg.timings.profile_s.toFixed(3)),
  };
}
