import { describe, expect, it } from 'vitest';
import { splitMerge } from './kmeansSplitMerge';
import { lloydBounded } from './kmeansBounded';
import { absoluteTolerance, centerColumns, inertiaOf } from './kmeansShared';
import { matrixFromRows, type Matrix } from '../util/matrix';
import { createRng } from '../util/random';

/** Four tight square blobs of 50 rows each at (+-10, +-10), centred. */
function fourBlobs(): Matrix {
  const rng = createRng(3);
  const rows: number[][] = [];
  for (const [x, y] of [[-10, -10], [-10, 10], [10, -10], [10, 10]]) {
    for (let i = 0; i < 50; i++) rows.push([x + rng.next() - 0.5, y + rng.next() - 0.5]);
  }
  const X = matrixFromRows(rows);
  return { rows: X.rows, cols: X.cols, data: centerColumns(X).centered };
}

describe('splitMerge', () => {
  it('escapes the local minimum Lloyd cannot: two centres in one blob, one centre for two blobs', () => {
    const X = fourBlobs();
    const stop = { maxIter: 300, tolAbs: absoluteTolerance(X.data, X.rows, X.cols, 1e-4) };
    // Two centres inside the blob at (-10, -10), one at (-10, 10), one between the two right-hand blobs: a fixed point of Lloyd.
    const stuck = lloydBounded(X, [-10.2, -10, -9.8, -10, -10, 10, 10, 0], stop);
    const blobsOf = (labels: Int32Array) => new Set(Array.from({ length: 4 }, (_, b) => labels[b * 50]));
    expect(blobsOf(stuck.labels).size).toBe(3); // the two right-hand blobs share a centre
    const improved = splitMerge(X, stuck, stop);
    expect(improved.moves).toBeGreaterThanOrEqual(1);
    expect(blobsOf(improved.labels).size).toBe(4);
    // Each blob its own cluster: the inertia is the blobs' own spread (uniform on a unit square: 1/6 per row).
    expect(improved.inertia).toBeLessThan(stuck.inertia / 100);
    expect(improved.inertia).toBeCloseTo(inertiaOf(X.data, X.cols, improved.labels, improved.centers), 6);
    for (let b = 0; b < 4; b++) for (let i = 1; i < 50; i++) expect(improved.labels[b * 50 + i]).toBe(improved.labels[b * 50]);
  });

  it('keeps an optimal solution as it is, and is deterministic', () => {
    const X = fourBlobs();
    const stop = { maxIter: 300, tolAbs: 0 };
    const best = lloydBounded(X, [-10, -10, -10, 10, 10, -10, 10, 10], stop);
    const a = splitMerge(X, best, stop);
    expect(a.moves).toBe(0);
    expect(a.inertia).toBe(best.inertia);
    expect(a.labels).toBe(best.labels);
    const stuck = lloydBounded(X, [-10.2, -10, -9.8, -10, -10, 10, 10, 0], stop);
    const once = splitMerge(X, stuck, stop);
    const again = splitMerge(X, stuck, stop);
    expect(again.labels).toEqual(once.labels);
    expect(again.inertia).toBe(once.inertia);
  });

  it('never returns a higher inertia than its start, and leaves k = 1 and k = rows alone', () => {
    const rng = createRng(9);
    const X = matrixFromRows(Array.from({ length: 300 }, () => [rng.next(), rng.next(), rng.next()]));
    const centered = { rows: X.rows, cols: X.cols, data: centerColumns(X).centered };
    const stop = { maxIter: 300, tolAbs: 0 };
    for (const k of [2, 5, 8]) {
      const start = lloydBounded(centered, centered.data.slice(0, k * 3), stop);
      expect(splitMerge(centered, start, stop).inertia, `k=${k}`).toBeLessThanOrEqual(start.inertia);
    }
    const one = lloydBounded(centered, centered.data.slice(0, 3), stop);
    expect(splitMerge(centered, one, stop).moves).toBe(0);
    const tiny = { rows: 2, cols: 3, data: centered.data.slice(0, 6) };
    const each = lloydBounded(tiny, tiny.data, stop);
    expect(splitMerge(tiny, each, stop).moves).toBe(0);
  });
});
