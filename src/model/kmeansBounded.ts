/**
 * Lloyd iterations for one restart on the host in float64 with Hamerly's bounds: an upper bound on each row's
 * distance to its centre and a lower bound on its distance to every other centre, both moved by the centres' shifts.
 * A row is only measured again when its bounds overlap, so once the centres barely move an iteration costs little
 * more than the M-step. Used to refine centres that start close to a fixed point (found on a sample, or changed by a
 * split-merge move). Assumes checked input.
 */
import type { Matrix } from '../util/matrix';
import type { LloydOutcome, LloydStop } from './kmeansLloyd';
import { inertiaOf, relocateEmptyClusters } from './kmeansShared';

/**
 * Lloyd from `initial` centres (shape [k, cols] row-major, not modified) on the centred rows: the same
 * assignments (up to exact ties) and stopping rules as the batched Lloyd (labels unchanged, or squared centre shift
 * <= stop.tolAbs), then scikit-learn's last E-step.
 *
 * @param centered centred data, shape [rows, cols]
 * @param initial starting centres, length k * cols
 * @returns final centres (float32, [k, cols]), labels of every row, float64 inertia, iterations, whether it converged
 */
export function lloydBounded(centered: Matrix, initial: ArrayLike<number>, stop: LloydStop): LloydOutcome {
  const { rows, cols, data } = centered;
  const { maxIter, tolAbs } = stop;
  const k = initial.length / cols;
  const centers = Float64Array.from(initial);
  const labels = new Int32Array(rows);
  const upper = new Float64Array(rows);
  const lower = new Float64Array(rows);
  const half = new Float64Array(k); // half the distance from each centre to its nearest other centre
  const moved = new Float64Array(k);
  const sums = new Float64Array(k * cols);
  const counts = new Float64Array(k);
  const squared = (i: number, c: number): number => {
    if (cols === 3) {
      const x = i * 3;
      const y = c * 3;
      const d0 = data[x] - centers[y];
      const d1 = data[x + 1] - centers[y + 1];
      const d2 = data[x + 2] - centers[y + 2];
      return d0 * d0 + d1 * d1 + d2 * d2;
    }
    let d = 0;
    for (let f = 0; f < cols; f++) {
      const diff = data[i * cols + f] - centers[c * cols + f];
      d += diff * diff;
    }
    return d;
  };
  /** Nearest and second-nearest centre of row i (squared distances, one square root each): sets labels, upper, lower. */
  const scan = (i: number): void => {
    let best = 0;
    let first = Infinity;
    let second = Infinity;
    for (let c = 0; c < k; c++) {
      const d = squared(i, c);
      if (d < first) {
        second = first;
        first = d;
        best = c;
      } else if (d < second) second = d;
    }
    labels[i] = best;
    upper[i] = Math.sqrt(first);
    lower[i] = Math.sqrt(second);
  };
  const halfDistances = (): void => {
    for (let c = 0; c < k; c++) {
      let nearest = Infinity;
      for (let o = 0; o < k; o++) {
        if (o === c) continue;
        let d = 0;
        for (let f = 0; f < cols; f++) d += (centers[c * cols + f] - centers[o * cols + f]) ** 2;
        nearest = Math.min(nearest, d);
      }
      half[c] = Math.sqrt(nearest) / 2;
    }
  };
  /** E-step with the bounds; returns the number of changed labels. */
  const assign = (): number => {
    halfDistances();
    let changes = 0;
    for (let i = 0; i < rows; i++) {
      const a = labels[i];
      const limit = Math.max(half[a], lower[i]);
      if (upper[i] <= limit) continue;
      upper[i] = Math.sqrt(squared(i, a));
      if (upper[i] <= limit) continue;
      scan(i);
      if (labels[i] !== a) changes++;
    }
    return changes;
  };

  for (let i = 0; i < rows; i++) scan(i);
  let nIter = 0;
  let converged = false;
  let strict = false;
  for (let iter = 0; iter < maxIter; iter++) {
    const changes = iter === 0 ? rows : assign();
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < rows; i++) {
      const c = labels[i];
      counts[c]++;
      for (let f = 0; f < cols; f++) sums[c * cols + f] += data[i * cols + f];
    }
    if (counts.some((v) => v === 0)) relocateEmptyClusters(data, cols, labels, centers, sums, counts);
    let shift = 0;
    let largest = 0;
    for (let c = 0; c < k; c++) {
      let m = 0;
      for (let f = 0; f < cols; f++) {
        const next = counts[c] > 0 ? sums[c * cols + f] / counts[c] : centers[c * cols + f];
        m += (next - centers[c * cols + f]) ** 2;
        centers[c * cols + f] = next;
      }
      shift += m;
      moved[c] = Math.sqrt(m);
      largest = Math.max(largest, moved[c]);
    }
    for (let i = 0; i < rows; i++) {
      upper[i] += moved[labels[i]];
      lower[i] -= largest;
    }
    nIter = iter + 1;
    if (changes === 0) strict = true;
    if (changes === 0 || shift <= tolAbs) {
      converged = true;
      break;
    }
  }
  // scikit-learn's last E-step (labels of the final centres); not needed when the labels did not change.
  if (!strict) assign();
  return { centers: Float32Array.from(centers), labels, inertia: inertiaOf(data, cols, labels, centers), nIter, converged };
}
