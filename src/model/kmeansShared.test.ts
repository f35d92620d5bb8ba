import { describe, expect, it } from 'vitest';
import { matrixFromRows } from '../util/matrix';
import { absoluteTolerance, centerColumns, countDistinctRows, drawCandidates, localTrials, relocateEmptyClusters } from './kmeansShared';
import type { Rng } from '../util/random';

/** A generator that returns the given floats in order. */
function scripted(values: number[]): Rng {
  let i = 0;
  return { next: () => values[i++], nextInt: (n: number) => Math.floor(values[i++] * n) };
}

describe('k-means++ helpers', () => {
  it('local trials follow scikit-learn: 2 + floor(ln k)', () => {
    expect([1, 2, 3, 7, 8, 20, 21].map(localTrials)).toEqual([2, 2, 3, 3, 4, 4, 5]);
  });

  it('draws candidates by searchsorted (left) in the running sum of squared distances', () => {
    // distances 1, 0, 3 -> running sums 1, 1, 4; targets 0.1*4, 0.25*4, 0.26*4, 0.999*4
    const drawn = drawCandidates(scripted([0.1, 0.25, 0.26, 0.999]), [1, 0, 3], 0, 3, 4);
    expect(Array.from(drawn)).toEqual([0, 0, 2, 2]);
  });

  it('matches a plain searchsorted over the running sums for targets in any order (1000 random cases)', () => {
    const searchsorted = (closest: number[], u: number[]): number[] => {
      const cumulative: number[] = [];
      let running = 0;
      for (const d of closest) cumulative.push((running += Math.max(0, d)));
      return u.map((x) => {
        const i = cumulative.findIndex((c) => c >= x * running);
        return i === -1 ? closest.length - 1 : i;
      });
    };
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let c = 0; c < 1000; c++) {
      const n = 1 + Math.floor(random() * 12);
      // zeros, negatives (float32 rounding) and ties included
      const closest = Array.from({ length: n }, () => (random() < 0.3 ? 0 : random() < 0.1 ? -1e-7 : Math.floor(random() * 4)));
      const u = Array.from({ length: 1 + Math.floor(random() * 5) }, () => (random() < 0.1 ? 0 : random()));
      expect(Array.from(drawCandidates(scripted(u), closest, 0, n, u.length)), JSON.stringify({ closest, u })).toEqual(searchsorted(closest, u));
    }
  });

  it('all-zero distances (k above the distinct points) still give a valid row', () => {
    expect(Array.from(drawCandidates(scripted([0.5, 0.9]), [9, 0, 0, 0], 1, 3, 2))).toEqual([0, 0]);
  });
});

describe('tolerance and centring', () => {
  it('absolute tolerance = tol * mean population variance of the features', () => {
    // features: [0, 2] (variance 1) and [0, 4] (variance 4) -> mean variance 2.5
    const { centered, mean } = centerColumns(matrixFromRows([[0, 0], [2, 4]]));
    expect(Array.from(mean)).toEqual([1, 2]);
    expect(absoluteTolerance(centered, 2, 2, 1e-4)).toBeCloseTo(2.5e-4, 15);
  });

  it('counts distinct rows', () => {
    expect(countDistinctRows(matrixFromRows([[1, 2], [1, 2], [2, 1]]))).toBe(2);
  });
});

describe('relocateEmptyClusters (scikit-learn rule)', () => {
  it('moves the point farthest from its centre into the empty cluster, by hand', () => {
    // 1-D points 0, 1, 10 all in cluster 0 (centre 11/3); cluster 1 is empty.
    // Squared distances to 11/3: 13.44, 7.11, 40.11 -> point 10 moves.
    const sums = new Float64Array([11, 0]);
    const counts = new Float64Array([3, 0]);
    const moved = relocateEmptyClusters(new Float64Array([0, 1, 10]), 1, [0, 0, 0], [11 / 3, 50], sums, counts);
    expect(moved).toBe(1);
    expect(Array.from(sums)).toEqual([1, 10]);
    expect(Array.from(counts)).toEqual([2, 1]);
  });

  it('leaves full clusters alone', () => {
    const sums = new Float64Array([1, 10]);
    const counts = new Float64Array([2, 1]);
    expect(relocateEmptyClusters(new Float64Array([0, 1, 10]), 1, [0, 0, 1], [0.5, 10], sums, counts)).toBe(0);
    expect(Array.from(sums)).toEqual([1, 10]);
  });
});
