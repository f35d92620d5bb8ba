/**
 * Lloyd iterations for one restart on the host in float64 with Hamerly's bounds: an upper bound on each row's
 * distance to its centre and a lower bound on its distance to every other centre, both moved by the centres' shifts.
 * A row is only measured again when its bounds overlap, and the clusters' sums follow the rows that change cluster,
 * so once the centres barely move an iteration is one pass over the rows' bounds. Every restart of the k sweep runs
 * here (on the restart sample, or on all rows), and so do the refinement on all rows and the split-merge moves.
 * Assumes checked input.
 */
import type { Matrix } from '../util/matrix';
import { inertiaOf, relocateEmptyClusters } from './kmeansShared';

/** One restart after Lloyd: final centres (centred coordinates, [k, cols]), labels of every row, float64 inertia. */
export interface LloydOutcome {
  readonly centers: Float32Array;
  readonly labels: Int32Array;
  readonly inertia: number;
  readonly nIter: number;
  readonly converged: boolean;
}

/** When Lloyd stops: after maxIter iterations, or when the squared centre shift summed over centres is <= tolAbs. */
export interface LloydStop {
  readonly maxIter: number;
  /** Absolute tolerance (see absoluteTolerance). */
  readonly tolAbs: number;
}

/**
 * The per-row bounds of {@link lloydBounded} (16 bytes a row), to be reused by the restarts one thread runs one after
 * another on the same rows instead of allocating them for each.
 */
export interface LloydWorkspace {
  readonly upper: Float64Array;
  readonly lower: Float64Array;
}

/** Bounds for `rows` rows (see LloydWorkspace). */
export function lloydWorkspace(rows: number): LloydWorkspace {
  return { upper: new Float64Array(rows), lower: new Float64Array(rows) };
}

/** Squared distance of row `x` (offset into data) to centre `y` (offset into centers). */
function squared(data: Float64Array, x: number, centers: Float64Array, y: number, cols: number): number {
  if (cols === 3) {
    const d0 = data[x] - centers[y];
    const d1 = data[x + 1] - centers[y + 1];
    const d2 = data[x + 2] - centers[y + 2];
    return d0 * d0 + d1 * d1 + d2 * d2;
  }
  let d = 0;
  for (let f = 0; f < cols; f++) {
    const diff = data[x + f] - centers[y + f];
    d += diff * diff;
  }
  return d;
}

/** The per-row state of a run: labels and bounds, and the clusters' sums and counts (which follow the labels). */
interface RunState {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly k: number;
  readonly centers: Float64Array;
  readonly labels: Int32Array;
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  /** Half the distance from each centre to its nearest other centre. */
  readonly half: Float64Array;
  /** How far each centre moved in the last M-step; added to its rows' upper bounds at the next assignment. */
  readonly moved: Float64Array;
  /** The largest move of the other centres; taken off the lower bounds of each centre's rows at the next assignment. */
  readonly drop: Float64Array;
}

/** Nearest centre of row i (lowest index on ties); sets its label and both bounds. Returns the label. */
function scan(s: RunState, i: number): number {
  const { data, cols, k, centers } = s;
  const x = i * cols;
  let best = 0;
  let first = Infinity;
  let second = Infinity;
  if (cols === 3) {
    const x0 = data[x];
    const x1 = data[x + 1];
    const x2 = data[x + 2];
    for (let c = 0, y = 0; c < k; c++, y += 3) {
      const d0 = x0 - centers[y];
      const d1 = x1 - centers[y + 1];
      const d2 = x2 - centers[y + 2];
      const d = d0 * d0 + d1 * d1 + d2 * d2;
      if (d < first) {
        second = first;
        first = d;
        best = c;
      } else if (d < second) second = d;
    }
  } else {
    for (let c = 0, y = 0; c < k; c++, y += cols) {
      const d = squared(data, x, centers, y, cols);
      if (d < first) {
        second = first;
        first = d;
        best = c;
      } else if (d < second) second = d;
    }
  }
  s.labels[i] = best;
  s.upper[i] = Math.sqrt(first);
  s.lower[i] = Math.sqrt(second);
  return best;
}

/** Every row's nearest centre and bounds (scan), and the clusters' sums and counts from them. */
function scanAll(s: RunState): void {
  const { data, rows, cols, sums, counts } = s;
  sums.fill(0);
  counts.fill(0);
  for (let i = 0, x = 0; i < rows; i++, x += cols) {
    const c = scan(s, i);
    counts[c]++;
    const y = c * cols;
    for (let f = 0; f < cols; f++) sums[y + f] += data[x + f];
  }
}

/** Sums and counts recomputed from the labels. */
function recount(s: RunState): void {
  const { data, rows, cols, labels, sums, counts } = s;
  sums.fill(0);
  counts.fill(0);
  for (let i = 0, x = 0; i < rows; i++, x += cols) {
    const c = labels[i];
    counts[c]++;
    const y = c * cols;
    for (let f = 0; f < cols; f++) sums[y + f] += data[x + f];
  }
}

function halfDistances(s: RunState): void {
  const { cols, k, centers, half } = s;
  for (let c = 0; c < k; c++) {
    let nearest = Infinity;
    for (let o = 0; o < k; o++) if (o !== c) nearest = Math.min(nearest, squared(centers, c * cols, centers, o * cols, cols));
    half[c] = Math.sqrt(nearest) / 2;
  }
}

/** E-step with the bounds (moved by the last M-step here); a row that changes cluster moves its sum. Returns the changes. */
function assign(s: RunState): number {
  const { data, rows, cols, labels, upper, lower, sums, counts, half, moved, drop } = s;
  halfDistances(s);
  let changes = 0;
  for (let i = 0; i < rows; i++) {
    const a = labels[i];
    let u = upper[i] + moved[a];
    const l = lower[i] - drop[a];
    const limit = half[a] > l ? half[a] : l;
    if (u > limit) u = Math.sqrt(squared(data, i * cols, s.centers, a * cols, cols));
    if (u <= limit) {
      upper[i] = u;
      lower[i] = l;
      continue;
    }
    const b = scan(s, i);
    if (b === a) continue;
    changes++;
    counts[a]--;
    counts[b]++;
    const x = i * cols;
    for (let f = 0, ya = a * cols, yb = b * cols; f < cols; f++) {
      sums[ya + f] -= data[x + f];
      sums[yb + f] += data[x + f];
    }
  }
  return changes;
}

/** M-step: centres to their clusters' means (scikit-learn's relocation of empty ones); sets moved and drop. Returns the squared shift. */
function update(s: RunState): number {
  const { data, cols, k, centers, labels, sums, counts, moved, drop } = s;
  let relocated = false;
  if (counts.some((v) => v === 0)) relocated = relocateEmptyClusters(data, cols, labels, centers, sums, counts) > 0;
  let shift = 0;
  let largest = 0;
  let runnerUp = 0;
  let top = -1;
  for (let c = 0; c < k; c++) {
    let m = 0;
    for (let f = 0; f < cols; f++) {
      const at = c * cols + f;
      const next = counts[c] > 0 ? sums[at] / counts[c] : centers[at];
      m += (next - centers[at]) ** 2;
      centers[at] = next;
    }
    shift += m;
    moved[c] = Math.sqrt(m);
    if (moved[c] > largest) {
      runnerUp = largest;
      largest = moved[c];
      top = c;
    } else if (moved[c] > runnerUp) runnerUp = moved[c];
  }
  for (let c = 0; c < k; c++) drop[c] = c === top ? runnerUp : largest;
  // The relocation moved rows' sums without their labels (as scikit-learn does for one iteration): back to the labels.
  if (relocated) recount(s);
  return shift;
}

/**
 * Lloyd from `initial` centres (shape [k, cols] row-major, not modified) on the centred rows: the same assignments
 * (up to exact ties) and stopping rules as the plain loop of kmeansReference (labels unchanged, or squared centre
 * shift <= stop.tolAbs), then scikit-learn's last E-step.
 *
 * @param centered centred data, shape [rows, cols]
 * @param initial starting centres, length k * cols
 * @param workspace bounds to reuse (at least `rows` long); default: allocated for this run
 * @returns final centres (float32, [k, cols]), labels of every row, float64 inertia, iterations, whether it converged
 */
export function lloydBounded(centered: Matrix, initial: ArrayLike<number>, stop: LloydStop, workspace?: LloydWorkspace): LloydOutcome {
  const { rows, cols, data } = centered;
  const { maxIter, tolAbs } = stop;
  const k = initial.length / cols;
  const bounds = workspace !== undefined && workspace.upper.length >= rows ? workspace : lloydWorkspace(rows);
  const s: RunState = {
    data,
    rows,
    cols,
    k,
    centers: Float64Array.from(initial),
    labels: new Int32Array(rows),
    upper: bounds.upper,
    lower: bounds.lower,
    sums: new Float64Array(k * cols),
    counts: new Float64Array(k),
    half: new Float64Array(k),
    moved: new Float64Array(k),
    drop: new Float64Array(k),
  };
  scanAll(s);
  let nIter = 0;
  let converged = false;
  let strict = false;
  for (let iter = 0; iter < maxIter; iter++) {
    const changes = iter === 0 ? rows : assign(s);
    const shift = update(s);
    nIter = iter + 1;
    if (changes === 0) strict = true;
    if (changes === 0 || shift <= tolAbs) {
      converged = true;
      break;
    }
  }
  // scikit-learn's last E-step (labels of the final centres); not needed when the labels did not change.
  if (!strict) assign(s);
  return { centers: Float32Array.from(s.centers), labels: s.labels, inertia: inertiaOf(data, cols, s.labels, s.centers), nIter, converged };
}
