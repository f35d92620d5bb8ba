/**
 * k-means++ seeding on the host in float64 (scikit-learn's greedy variant, 2 + ln k local trials per centre): the
 * same draws as kmeansReference's plain loop (same random stream, same float64 sums in the same order), with the
 * per-row buffers reused and a candidate dropped as soon as its running potential reaches the best one's. Assumes
 * checked input.
 */
import type { Matrix } from '../util/matrix';
import type { Rng } from '../util/random';
import { drawCandidates, localTrials } from './kmeansShared';

/** Per-row buffers of {@link seedPlusPlus} (24 bytes a row), reused by the restarts one thread seeds on the same rows. */
export interface SeedScratch {
  readonly closest: Float64Array;
  readonly trial: Float64Array;
  readonly best: Float64Array;
}

/** Buffers for `rows` rows (see SeedScratch). */
export function seedScratch(rows: number): SeedScratch {
  return { closest: new Float64Array(rows), trial: new Float64Array(rows), best: new Float64Array(rows) };
}

/**
 * Squared distances of every row to row `c` of the same data, each capped at `cap[i]`, into `out`; returns their sum,
 * or Infinity as soon as a finite `stopAt` is reached (then `out` is partly written).
 */
function cappedDistances(data: Float64Array, rows: number, cols: number, c: number, cap: Float64Array, out: Float64Array, stopAt: number): number {
  let total = 0;
  if (!(stopAt < Infinity)) stopAt = NaN; // no sum is >= NaN: never stops
  const y = c * cols;
  if (cols === 3) {
    const c0 = data[y];
    const c1 = data[y + 1];
    const c2 = data[y + 2];
    for (let i = 0, x = 0; i < rows; i++, x += 3) {
      const d0 = data[x] - c0;
      const d1 = data[x + 1] - c1;
      const d2 = data[x + 2] - c2;
      const d = d0 * d0 + d1 * d1 + d2 * d2;
      const v = d < cap[i] ? d : cap[i];
      out[i] = v;
      total += v;
      if (total >= stopAt) return Infinity;
    }
    return total;
  }
  for (let i = 0, x = 0; i < rows; i++, x += cols) {
    let d = 0;
    for (let f = 0; f < cols; f++) {
      const diff = data[x + f] - data[y + f];
      d += diff * diff;
    }
    const v = d < cap[i] ? d : cap[i];
    out[i] = v;
    total += v;
    if (total >= stopAt) return Infinity;
  }
  return total;
}

/**
 * k-means++ centres for one restart on the rows of `centered` (shape [k, cols], rows of the data), drawn with `rng`.
 *
 * @param scratch buffers to reuse (at least `rows` long); default: allocated for this call
 */
export function seedPlusPlus(centered: Matrix, k: number, rng: Rng, scratch?: SeedScratch): Float64Array {
  const { rows, cols, data } = centered;
  const buffers = scratch !== undefined && scratch.closest.length >= rows ? scratch : seedScratch(rows);
  let { closest, trial, best } = buffers;
  const trials = localTrials(k);
  const centers = new Float64Array(k * cols);
  const first = rng.nextInt(rows);
  centers.set(data.subarray(first * cols, (first + 1) * cols), 0);
  closest.fill(Infinity, 0, rows);
  cappedDistances(data, rows, cols, first, closest, closest, Infinity);
  for (let c = 1; c < k; c++) {
    const candidates = drawCandidates(rng, closest, 0, rows, trials);
    let bestPotential = Infinity;
    let bestRow = candidates[0];
    for (const candidate of candidates) {
      // The reference keeps a candidate only when its potential is strictly lower: one that reaches the best is out.
      const potential = cappedDistances(data, rows, cols, candidate, closest, trial, bestPotential);
      if (potential < bestPotential) {
        bestPotential = potential;
        bestRow = candidate;
        [trial, best] = [best, trial];
      }
    }
    // No candidate below Infinity (the potentials overflowed): as the reference, the first draw and the old distances.
    if (bestPotential < Infinity) [closest, best] = [best, closest];
    centers.set(data.subarray(bestRow * cols, (bestRow + 1) * cols), c * cols);
  }
  return centers;
}
