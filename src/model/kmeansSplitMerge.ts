/**
 * Split-merge moves on a converged k-means solution: a local search over centre swaps that Lloyd alone cannot make.
 * Lloyd only moves centres downhill from where k-means++ put them; on wide tables and at higher k the best of ten
 * restarts can sit in a local minimum 1-2% above the best known (two centres sharing one group while another
 * pair of groups shares one centre). A move takes one centre away (its rows go to their second-nearest centre)
 * and splits the cluster whose split saves the most into two, then runs Lloyd (kmeansBounded.ts) from there; the
 * move is kept only if the inertia drops. Host float64, deterministic (no random draws). Assumes checked input.
 */
import type { Matrix } from '../util/matrix';
import { lloydBounded } from './kmeansBounded';
import type { LloydStop } from './kmeansBounded';

/** Options of {@link splitMerge}. */
export interface SplitMergeOptions {
  /** Candidate moves tried (Lloyd runs) before a round gives up; the most promising first. Default 2. */
  readonly tries?: number;
  /** Most moves kept. Default 2 * k. */
  readonly maxMoves?: number;
  /**
   * Lloyd iterations a move gets to show a lower inertia than the current solution's before it is dropped; a move
   * that does is run on to convergence. Default 6 (inertia never rises under Lloyd, so a move still above after
   * them is rarely worth the rest).
   */
  readonly probeIter?: number;
  /** Clusters (those with the largest sum of squared distances) tried as splits each round. Default 4. */
  readonly splitCandidates?: number;
}

/** A k-means solution: centres (centred coordinates, shape [k, cols]), a label per row, its float64 inertia. */
export interface Solution {
  readonly centers: ArrayLike<number>;
  readonly labels: Int32Array;
  readonly inertia: number;
}

/** {@link splitMerge}'s result: the improved solution (or the start) and how many moves were kept. */
export interface SplitMergeResult extends Solution {
  readonly centers: Float32Array | Float64Array;
  readonly moves: number;
  /** Lloyd iterations of the last kept move's run (0 when no move was kept). */
  readonly nIter: number;
  /** False when the last kept move's Lloyd run stopped at maxIter. */
  readonly converged: boolean;
}

/** Relative inertia drop a move must make to be kept (float64 noise is ~1e-15). */
export const SPLIT_MERGE_MIN_GAIN = 1e-9;
/** Lloyd iterations of a cluster's trial 2-means split. */
const SPLIT_ITERATIONS = 4;

function squaredDistance(data: Float64Array, i: number, centers: ArrayLike<number>, c: number, cols: number): number {
  let d = 0;
  for (let f = 0; f < cols; f++) {
    const diff = data[i * cols + f] - centers[c * cols + f];
    d += diff * diff;
  }
  return d;
}

/** Per cluster: its rows' squared distances summed (sse) and the cost of removing its centre (rows to their second-nearest). */
function clusterCosts(centered: Matrix, centers: Float64Array, labels: Int32Array, k: number): { sse: Float64Array; removal: Float64Array } {
  const { rows, cols, data } = centered;
  const sse = new Float64Array(k);
  const removal = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    const own = labels[i];
    const d1 = squaredDistance(data, i, centers, own, cols);
    let d2 = Infinity;
    for (let c = 0; c < k; c++) if (c !== own) d2 = Math.min(d2, squaredDistance(data, i, centers, c, cols));
    sse[own] += d1;
    removal[own] += d2 - d1;
  }
  return { sse, removal };
}

/**
 * A trial split of one cluster into two by a short 2-means started at the centre +- the cluster's principal
 * direction (power iteration on its covariance) scaled by its standard deviation along it. Returns the two
 * centres [2, cols] and the squared distances they leave.
 */
function splitCluster(centered: Matrix, members: Int32Array, centre: Float64Array): { centers: Float64Array; sse: number } {
  const { cols, data } = centered;
  const n = members.length;
  const covariance = new Float64Array(cols * cols);
  const diff = new Float64Array(cols);
  for (let m = 0; m < n; m++) {
    const x = members[m] * cols;
    for (let a = 0; a < cols; a++) diff[a] = data[x + a] - centre[a];
    for (let a = 0; a < cols; a++) {
      const da = diff[a];
      for (let b = a; b < cols; b++) covariance[a * cols + b] += da * diff[b];
    }
  }
  for (let a = 0; a < cols; a++) for (let b = 0; b < a; b++) covariance[a * cols + b] = covariance[b * cols + a];
  let direction = new Float64Array(cols).fill(1 / Math.sqrt(cols));
  let eigenvalue = 0;
  for (let step = 0; step < 20; step++) {
    const next = new Float64Array(cols);
    for (let a = 0; a < cols; a++) for (let b = 0; b < cols; b++) next[a] += covariance[a * cols + b] * direction[b];
    const norm = Math.hypot(...next);
    if (norm === 0) break;
    eigenvalue = norm / n;
    direction = next.map((v) => v / norm);
  }
  const spread = Math.sqrt(eigenvalue);
  const centers = new Float64Array(2 * cols);
  for (let f = 0; f < cols; f++) {
    centers[f] = centre[f] + spread * direction[f];
    centers[cols + f] = centre[f] - spread * direction[f];
  }
  let sse = 0;
  const sums = new Float64Array(2 * cols);
  const counts = new Float64Array(2);
  for (let iter = 0; iter <= SPLIT_ITERATIONS; iter++) {
    sums.fill(0);
    counts.fill(0);
    sse = 0;
    for (let m = 0; m < n; m++) {
      const x = members[m] * cols;
      let d0 = 0;
      let d1 = 0;
      for (let f = 0; f < cols; f++) {
        const v = data[x + f];
        d0 += (v - centers[f]) ** 2;
        d1 += (v - centers[cols + f]) ** 2;
      }
      const side = d1 < d0 ? 1 : 0;
      sse += side === 1 ? d1 : d0;
      counts[side]++;
      for (let f = 0; f < cols; f++) sums[side * cols + f] += data[x + f];
    }
    if (iter === SPLIT_ITERATIONS || counts[0] === 0 || counts[1] === 0) break;
    for (let s = 0; s < 2; s++) for (let f = 0; f < cols; f++) centers[s * cols + f] = sums[s * cols + f] / counts[s];
  }
  return { centers, sse };
}

/** The rows labelled `cluster`, ascending. */
function membersOf(labels: Int32Array, cluster: number): Int32Array {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === cluster) n++;
  const out = new Int32Array(n);
  for (let i = 0, m = 0; i < labels.length; i++) if (labels[i] === cluster) out[m++] = i;
  return out;
}

/** The means of each label's rows (an empty cluster keeps its centre), shape [k, cols]. */
function means(centered: Matrix, labels: Int32Array, fallback: ArrayLike<number>, k: number): Float64Array {
  const { rows, cols, data } = centered;
  const sums = new Float64Array(k * cols);
  const counts = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    counts[labels[i]]++;
    for (let f = 0; f < cols; f++) sums[labels[i] * cols + f] += data[i * cols + f];
  }
  for (let c = 0; c < k; c++) for (let f = 0; f < cols; f++) sums[c * cols + f] = counts[c] > 0 ? sums[c * cols + f] / counts[c] : fallback[c * cols + f];
  return sums;
}

/**
 * Improves a converged k-means solution by split-merge moves (see the module comment): each round ranks the moves
 * (remove centre j, split cluster s in two) by their first-order change in inertia, runs Lloyd from the
 * `options.tries` most promising and keeps the first that lowers the inertia; it stops when a round keeps none.
 * Deterministic; the result's inertia is never above the start's.
 *
 * @param centered centred data, shape [rows, cols]
 * @param start a converged solution on those rows (centres shape [k, cols])
 * @param stop Lloyd's stopping rules for each move's run
 */
export function splitMerge(centered: Matrix, start: Solution, stop: LloydStop, options: SplitMergeOptions = {}): SplitMergeResult {
  const { rows, cols } = centered;
  const k = start.centers.length / cols;
  const { tries = 2, maxMoves = 2 * k, probeIter = 6, splitCandidates = 4 } = options;
  let current: SplitMergeResult = { centers: Float64Array.from(start.centers), labels: start.labels, inertia: start.inertia, moves: 0, nIter: 0, converged: true };
  if (k < 2 || rows <= k) return current;
  while (current.moves < maxMoves) {
    const centers = means(centered, current.labels, current.centers, k);
    const { sse, removal } = clusterCosts(centered, centers, current.labels, k);
    // Only the clusters with the largest squared distances are tried as splits: the gain of a split grows with them.
    const splitting = Array.from({ length: k }, (_, c) => c).sort((a, b) => sse[b] - sse[a] || a - b).slice(0, splitCandidates);
    const splits = Array.from({ length: k }, (_, s) => {
      if (!splitting.includes(s)) return null;
      const rowsOf = membersOf(current.labels, s);
      return rowsOf.length < 2 ? null : splitCluster(centered, rowsOf, centers.subarray(s * cols, (s + 1) * cols));
    });
    const moves: { remove: number; split: number; change: number }[] = [];
    for (let remove = 0; remove < k; remove++) {
      for (let split = 0; split < k; split++) {
        const trial = splits[split];
        if (split === remove || trial === null) continue;
        moves.push({ remove, split, change: removal[remove] - (sse[split] - trial.sse) });
      }
    }
    moves.sort((a, b) => a.change - b.change || a.remove - b.remove || a.split - b.split);
    let kept = false;
    for (const { remove, split } of moves.slice(0, tries)) {
      const next = new Float64Array(k * cols);
      let at = 0;
      for (let c = 0; c < k; c++) {
        if (c === remove) continue;
        if (c === split) {
          next.set((splits[split] as { centers: Float64Array }).centers, at * cols);
          at += 2;
        } else {
          next.set(centers.subarray(c * cols, (c + 1) * cols), at * cols);
          at += 1;
        }
      }
      const probe = lloydBounded(centered, next, { maxIter: Math.min(probeIter, stop.maxIter), tolAbs: stop.tolAbs });
      if (!(probe.inertia < current.inertia * (1 - SPLIT_MERGE_MIN_GAIN))) continue;
      const outcome = probe.converged ? probe : lloydBounded(centered, probe.centers, { maxIter: stop.maxIter - probe.nIter, tolAbs: stop.tolAbs });
      if (outcome.inertia < current.inertia * (1 - SPLIT_MERGE_MIN_GAIN)) {
        current = { centers: outcome.centers, labels: outcome.labels, inertia: outcome.inertia, moves: current.moves + 1, nIter: outcome.nIter, converged: outcome.converged };
        kept = true;
        break;
      }
    }
    if (!kept) break;
  }
  return current;
}
