import { describe, expect, it } from 'vitest';
import { lloydBounded } from './kmeansBounded';
import { lloydReference } from './kmeansReference';
import { absoluteTolerance, centerColumns } from './kmeansShared';
import { matrixFromRows } from '../util/matrix';
import { createRng } from '../util/random';

/** Rows around `k` centres in `cols` dimensions, seeded; returns the centred data and a few rows as starting centres. */
function blobs(rows: number, cols: number, k: number, seed: number) {
  const rng = createRng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const centres = Array.from({ length: k }, () => Array.from({ length: cols }, () => 6 * rng.next() - 3));
  const X = matrixFromRows(Array.from({ length: rows }, () => {
    const c = centres[rng.nextInt(k)];
    return c.map((v) => v + 0.9 * normal());
  }));
  const { centered } = centerColumns(X);
  const start = new Float64Array(k * cols);
  for (let c = 0; c < k; c++) start.set(centered.subarray(c * 37 * cols, (c * 37 + 1) * cols), c * cols);
  return { centered, matrix: { rows, cols, data: centered }, start, tolAbs: absoluteTolerance(centered, rows, cols, 1e-4) };
}

describe('lloydBounded (Hamerly bounds) against the plain Lloyd loop', () => {
  it.each([
    [3000, 3, 4, 1],
    [3000, 3, 9, 2],
    [2000, 5, 6, 3],
  ])('%i rows, %i features, k=%i: same labels, iterations and inertia from the same start', (rows, cols, k, seed) => {
    const { centered, matrix, start, tolAbs } = blobs(rows, cols, k, seed);
    for (const tol of [tolAbs, 0]) {
      const reference = Float64Array.from(start);
      const plain = lloydReference(centered, rows, cols, k, reference, 300, tol);
      const bounded = lloydBounded(matrix, start, { maxIter: 300, tolAbs: tol });
      expect(bounded.labels).toEqual(plain.labels);
      expect(bounded.nIter).toBe(plain.nIter);
      expect(bounded.converged).toBe(plain.converged);
      for (let i = 0; i < reference.length; i++) expect(bounded.centers[i]).toBeCloseTo(reference[i], 5);
    }
  });

  it('keeps its starting centres untouched and reports a restart stopped by maxIter', () => {
    const { matrix, start } = blobs(1000, 3, 5, 4);
    const copy = Float64Array.from(start);
    const run = lloydBounded(matrix, start, { maxIter: 1, tolAbs: 0 });
    expect(start).toEqual(copy);
    expect(run.nIter).toBe(1);
    expect(run.converged).toBe(false);
  });

  it('relocates an empty cluster like the plain loop', () => {
    const X = matrixFromRows([[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10]]);
    const { centered } = centerColumns(X);
    const start = Float64Array.from([...centered.subarray(0, 2), 100, 100]); // the second centre attracts no row
    const reference = Float64Array.from(start);
    const plain = lloydReference(centered, 6, 2, 2, reference, 300, 0);
    const bounded = lloydBounded({ rows: 6, cols: 2, data: centered }, start, { maxIter: 300, tolAbs: 0 });
    expect(bounded.labels).toEqual(plain.labels);
    expect(new Set(bounded.labels).size).toBe(2);
  });
});
