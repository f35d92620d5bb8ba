/**
 * The per-thread k-means kernel's entry (the orchestration is kmeans.ts, as silhouette.ts / silhouetteKernel.ts):
 * runs a batch of restarts (batched k-means++ seeding, kmeansSeeding.ts, and batched Lloyd, kmeansLloyd.ts, with the
 * data on the backend, kmeansDevice.ts), or a batch on a sample of the rows whose best restarts are refined on all
 * rows (kmeansBounded.ts), and the shared queue of batches that threads take from. Runs on the main thread or in a
 * model worker (modelWorker.ts); everything here assumes checked input and an initialised backend.
 */
import type { Matrix } from '../util/matrix';
import { blockShape, release, upload } from './kmeansDevice';
import { lloydAll, type LloydOutcome } from './kmeansLloyd';
import { lloydBounded } from './kmeansBounded';
import { seedRestarts } from './kmeansSeeding';
import { splitMerge } from './kmeansSplitMerge';

export type { LloydOutcome } from './kmeansLloyd';

/** A batch of restarts to run on the current backend (plain data, so it can be posted to a worker). */
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

/** Index of the lowest inertia (first one on ties, i.e. the lower restart number). */
function lowest(outcomes: readonly { inertia: number }[]): number {
  let best = 0;
  for (let r = 1; r < outcomes.length; r++) if (outcomes[r].inertia < outcomes[best].inertia) best = r;
  return best;
}

/** Seeding and Lloyd for the batch's restarts on `centered` (all rows or the sample), each restart's outcome in order. */
function restartsOn(centered: Matrix, batch: RestartBatch): LloydOutcome[] {
  const { k, maxIter, tolAbs, seed, restarts } = batch;
  const { blockRows, seedColumns } = blockShape(restarts.length, k, true);
  const data = upload(centered, blockRows, seedColumns);
  try {
    return lloydAll(data, centered, k, { maxIter, tolAbs }, seedRestarts(data, k, restarts, seed));
  } finally {
    release(data);
  }
}

function pick(outcome: LloydOutcome): Pick<RestartBatchResult, 'inertia' | 'centers' | 'labels' | 'nIter'> {
  return { inertia: outcome.inertia, centers: outcome.centers, labels: outcome.labels, nIter: outcome.nIter };
}

/**
 * Seeding and Lloyd iterations for a batch of restarts as one batched tensor computation, then the final
 * assignment and the float64 inertia of each restart; with `batch.sample`, restarts on the sample and the best
 * of them refined on all rows (see RestartBatch.sample). Assumes checked input and an initialised backend.
 */
export function runRestartBatch(batch: RestartBatch, tick?: () => void): RestartBatchResult {
  const { centered, k, maxIter, tolAbs, restarts, sample } = batch;
  if (sample === undefined) {
    const outcomes = restartsOn(centered, batch);
    count(batch, k * restarts.length, tick);
    const best = lowest(outcomes);
    const unconverged = outcomes.filter((o) => !o.converged).length;
    const result = { restart: restarts[best], ...pick(outcomes[best]), unconverged, moves: 0 };
    return batch.splitMerge === true ? improveBest(centered, result, { maxIter, tolAbs }) : result;
  }
  const onSample = restartsOn(sample.centered, batch);
  let sampleMoves = 0;
  if (batch.splitMerge === true) {
    // The moves on the sample, before the refinement: the best sample restart is replaced by its improvement.
    const first = lowest(onSample);
    const improved = splitMerge(sample.centered, onSample[first], { maxIter, tolAbs });
    if (improved.moves > 0) {
      onSample[first] = { ...improved, centers: Float32Array.from(improved.centers), nIter: onSample[first].nIter };
      sampleMoves = improved.moves;
    }
  }
  count(batch, k, tick);
  const order = onSample.map((_, r) => r).sort((a, b) => onSample[a].inertia - onSample[b].inertia || a - b);
  const chosen = order.slice(0, Math.max(1, Math.min(sample.refine, order.length)));
  // Only the best refined restart so far is kept (each holds a label per row: 40 MB at 10,000,000 rows); the first
  // of equal inertias wins, as lowest() picks.
  let best: { outcome: LloydOutcome; index: number } | null = null;
  let unconverged = onSample.filter((o) => !o.converged).length;
  chosen.forEach((r, index) => {
    const outcome = lloydBounded(centered, onSample[r].centers, { maxIter, tolAbs });
    count(batch, k, tick);
    if (!outcome.converged) unconverged++;
    if (best === null || outcome.inertia < best.outcome.inertia) best = { outcome, index };
  });
  const { outcome, index } = best as unknown as { outcome: LloydOutcome; index: number };
  return { restart: restarts[chosen[index]], ...pick(outcome), unconverged, moves: sampleMoves };
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
