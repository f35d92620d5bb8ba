/**
 * The per-thread k-means kernel's entry (the orchestration is kmeans.ts, as silhouette.ts / silhouetteKernel.ts):
 * runs a batch of restarts one after another on the host in float64 (k-means++ seeding, kmeansPlusPlus.ts, then Lloyd
 * with Hamerly's bounds, kmeansBounded.ts; from a coarse sub-sample first when there is one), or a batch on a sample
 * of the rows whose best restarts are refined on all rows, and the shared queue of batches that threads take from.
 * Runs on the main thread or in a model worker (modelWorker.ts); everything here assumes checked input.
 */
import type { Matrix } from '../util/matrix';
import { createRng } from '../util/random';
import { lloydBounded, lloydWorkspace, type LloydOutcome, type LloydStop } from './kmeansBounded';
import { seedPlusPlus, seedScratch } from './kmeansPlusPlus';
import { SPLIT_MERGE_MIN_GAIN, splitMerge } from './kmeansSplitMerge';

export type { LloydOutcome } from './kmeansBounded';

/** A batch of restarts (plain data, so it can be posted to a worker). */
export interface RestartBatch {
  /** Column-centred data, shape [rows, cols]. */
  readonly centered: Matrix;
  readonly k: number;
  readonly maxIter: number;
  /** Absolute tolerance (see absoluteTolerance). */
  readonly tolAbs: number;
  readonly seed: number;
  /** Restart numbers to run (each has its own random stream createRng(seed, restart)). */
  readonly restarts: readonly number[];
  /**
   * Restarts on a sample: seeding and Lloyd run on the sample's rows (`centered`, centred with the mean of ALL
   * rows); then the `refine` restarts with the lowest sample inertia (ties to the lower restart number) continue
   * with Lloyd iterations on all rows from their sample centres, and the lowest all-rows inertia among them is the
   * batch's result. Absent: every restart on all rows.
   */
  readonly sample?: { readonly centered: Matrix; readonly refine: number };
  /**
   * A seeded sub-sample of the rows the restarts run on (the sample's rows, or all rows): each restart is seeded
   * there and iterated to convergence, then goes on from those centres on its rows. Absent: seeded on its rows.
   */
  readonly coarse?: Matrix;
  /**
   * The batch holds all of its k's restarts: its best restart is improved by split-merge moves (see improveBest)
   * before it is returned; with a sample, the best sample restart on the sample, before the refinement. Absent or
   * false: as Lloyd left it.
   */
  readonly splitMerge?: boolean;
  /**
   * Shared work counter (a SharedArrayBuffer-backed Int32Array of length 1), added to with Atomics as work ends: k per
   * restart on all rows; with a sample, k for the sample's restarts and k per refined restart (see batchWork).
   * Absent: no counting.
   */
  readonly progress?: Int32Array;
}

/** The work units of a batch as {@link RestartBatch.progress} counts them. */
export function batchWork(batch: RestartBatch): number {
  const { k, restarts, sample } = batch;
  return sample === undefined ? k * restarts.length : k * (1 + Math.max(1, Math.min(sample.refine, restarts.length)));
}

/** Adds work done to the batch's counter and lets the caller look (`tick`, on the thread that did the work). */
function count(batch: RestartBatch, units: number, tick?: () => void): void {
  if (batch.progress === undefined) return;
  Atomics.add(batch.progress, 0, units);
  tick?.();
}

/** The best restart of a batch (lowest float64 inertia over all rows; ties go to the lower restart number). */
export interface RestartBatchResult {
  readonly restart: number;
  readonly inertia: number;
  /** Centres in centred coordinates, shape [k, cols]. */
  readonly centers: Float32Array;
  readonly labels: Int32Array;
  /** Lloyd iterations of that restart on all rows (with a sample: the refinement's iterations). */
  readonly nIter: number;
  /** Restarts of the batch that hit maxIter (with a sample: on the sample or in the refinement). */
  readonly unconverged: number;
  /** Split-merge moves kept (see RestartBatch.splitMerge); 0 without. */
  readonly moves: number;
}

/**
 * The best restart of a k improved by split-merge moves on all rows (kmeansSplitMerge.ts), with the same stopping
 * rules; a move's run that stops at maxIter adds one to `unconverged`. Deterministic, so it gives the same fit whether
 * it runs in the batch (one batch per k) or after the batches of a k are joined (kmeans.ts).
 */
export function improveBest(centered: Matrix, best: RestartBatchResult, stop: { maxIter: number; tolAbs: number }): RestartBatchResult {
  const improved = splitMerge(centered, best, stop);
  if (improved.moves === 0) return best;
  return {
    ...best,
    inertia: improved.inertia,
    centers: Float32Array.from(improved.centers),
    labels: improved.labels,
    unconverged: best.unconverged + (improved.converged ? 0 : 1),
    moves: best.moves + improved.moves,
  };
}

/** A restart's outcome without its labels (only the best restart of a batch keeps them). */
type RestartSummary = Omit<LloydOutcome, 'labels'>;

/**
 * Seeding and Lloyd for the batch's restarts on `rowsOf` (all rows or the sample), one after another with the same
 * buffers: each restart's outcome in order, the lowest inertia's index (the first on ties: the lower restart number)
 * and its labels.
 */
function restartsOn(rowsOf: Matrix, batch: RestartBatch): { outcomes: RestartSummary[]; best: number; labels: Int32Array } {
  const { k, maxIter, tolAbs, seed, restarts, coarse } = batch;
  const stop = { maxIter, tolAbs };
  const seedRows = coarse ?? rowsOf;
  const scratch = seedScratch(seedRows.rows);
  const coarseBounds = coarse === undefined ? undefined : lloydWorkspace(coarse.rows);
  const bounds = lloydWorkspace(rowsOf.rows);
  const outcomes: RestartSummary[] = [];
  let best = 0;
  let labels = new Int32Array(0);
  restarts.forEach((restart, r) => {
    const seeds = seedPlusPlus(seedRows, k, createRng(seed, restart), scratch);
    const start = coarse === undefined ? seeds : lloydBounded(coarse, seeds, stop, coarseBounds).centers;
    const { labels: own, ...outcome } = lloydBounded(rowsOf, start, stop, bounds);
    outcomes.push(outcome);
    if (r === 0 || outcome.inertia < outcomes[best].inertia) {
      best = r;
      labels = own;
    }
  });
  return { outcomes, best, labels };
}

/**
 * Split-merge moves (kmeansSplitMerge.ts) for the best restart on the sample's rows, or null when no move lowers its
 * inertia there. With a coarse sub-sample the moves are searched on it (the restart's centres run to convergence
 * there first: a quarter of the rows for each move's Lloyd runs), and the improved centres then run on the sample's
 * rows and are kept only if they lower the inertia there.
 */
function improveOnSample(rowsOf: Matrix, coarse: Matrix | undefined, best: LloydOutcome, stop: LloydStop): (RestartSummary & { moves: number }) | null {
  if (coarse === undefined) {
    const improved = splitMerge(rowsOf, best, stop);
    return improved.moves === 0 ? null : { ...improved, centers: Float32Array.from(improved.centers), nIter: best.nIter };
  }
  const improved = splitMerge(coarse, lloydBounded(coarse, best.centers, stop), stop);
  if (improved.moves === 0) return null;
  const { labels, ...onRows } = lloydBounded(rowsOf, improved.centers, stop);
  void labels;
  return onRows.inertia < best.inertia * (1 - SPLIT_MERGE_MIN_GAIN) ? { ...onRows, nIter: best.nIter, moves: improved.moves } : null;
}

/**
 * The batch's restarts (k-means++ seeding and Lloyd with bounds for each, see restartsOn), then the best restart's
 * labels and float64 inertia; with `batch.sample`, restarts on the sample and the best of them refined on all rows
 * (see RestartBatch.sample). Assumes checked input.
 */
export function runRestartBatch(batch: RestartBatch, tick?: () => void): RestartBatchResult {
  const { centered, k, maxIter, tolAbs, restarts, sample } = batch;
  const stop = { maxIter, tolAbs };
  if (sample === undefined) {
    const { outcomes, best, labels } = restartsOn(centered, batch);
    count(batch, k * restarts.length, tick);
    const unconverged = outcomes.filter((o) => !o.converged).length;
    const { inertia, centers, nIter } = outcomes[best];
    const result = { restart: restarts[best], inertia, centers, labels, nIter, unconverged, moves: 0 };
    return batch.splitMerge === true ? improveBest(centered, result, stop) : result;
  }
  const run = restartsOn(sample.centered, batch);
  const onSample = run.outcomes;
  let sampleMoves = 0;
  if (batch.splitMerge === true) {
    // The moves on the sample, before the refinement: the best sample restart is replaced by its improvement.
    const first = run.best;
    const improved = improveOnSample(sample.centered, batch.coarse, { ...onSample[first], labels: run.labels }, stop);
    if (improved !== null) {
      onSample[first] = { ...onSample[first], inertia: improved.inertia, centers: improved.centers, converged: improved.converged };
      sampleMoves = improved.moves;
    }
  }
  count(batch, k, tick);
  const order = onSample.map((_, r) => r).sort((a, b) => onSample[a].inertia - onSample[b].inertia || a - b);
  const chosen = order.slice(0, Math.max(1, Math.min(sample.refine, order.length)));
  // Only the best refined restart so far is kept (each holds a label per row: 40 MB at 10,000,000 rows); the bounds
  // are reused from one refined restart to the next; the first of equal inertias wins.
  const bounds = lloydWorkspace(centered.rows);
  let best: { outcome: LloydOutcome; index: number } | null = null;
  let unconverged = onSample.filter((o) => !o.converged).length;
  chosen.forEach((r, index) => {
    const outcome = lloydBounded(centered, onSample[r].centers, stop, bounds);
    count(batch, k, tick);
    if (!outcome.converged) unconverged++;
    if (best === null || outcome.inertia < best.outcome.inertia) best = { outcome, index };
  });
  const { outcome, index } = best as unknown as { outcome: LloydOutcome; index: number };
  const { inertia, centers, labels, nIter } = outcome;
  return { restart: restarts[chosen[index]], inertia, centers, labels, nIter, unconverged, moves: sampleMoves };
}

/** A batch run from a shared queue: its number in the queue and its result. */
export interface QueuedResult {
  readonly index: number;
  readonly result: RestartBatchResult;
}

/**
 * Runs batches of a shared queue until none is left: each next batch number comes from Atomics.add on `next[0]`.
 * `tick` is called on this thread as each piece of work ends (see RestartBatch.progress).
 */
export function runQueuedBatches(batches: readonly RestartBatch[], next: Int32Array, tick?: () => void): QueuedResult[] {
  const ran: QueuedResult[] = [];
  for (let index = Atomics.add(next, 0, 1); index < batches.length; index = Atomics.add(next, 0, 1)) {
    ran.push({ index, result: runRestartBatch(batches[index], tick) });
  }
  return ran;
}

