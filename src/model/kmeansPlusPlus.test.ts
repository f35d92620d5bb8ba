import { describe, expect, it } from 'vitest';
import { seedPlusPlus, seedScratch } from './kmeansPlusPlus';
import { seedCenters } from './kmeansReference';
import { centerColumns } from './kmeansShared';
import { createRng } from '../util/random';

/** Seeded rows in `cols` columns around a few centres, with duplicated rows (ties in the draws), centred. */
function table(rows: number, cols: number, seed: number) {
  const rng = createRng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const group = rng.nextInt(5);
    for (let f = 0; f < cols; f++) data[i * cols + f] = i % 7 === 0 ? 1 : group * 3 + rng.next();
  }
  return { rows, cols, data: centerColumns({ rows, cols, data }).centered };
}

describe('seedPlusPlus (host k-means++)', () => {
  it.each([
    [2000, 3, 2],
    [2000, 3, 9],
    [1500, 5, 6],
    [300, 1, 4],
  ])('%i rows x %i columns, k=%i: the same centres as the plain reference loop, for every restart', (rows, cols, k) => {
    const X = table(rows, cols, rows + cols + k);
    const scratch = seedScratch(rows);
    for (let restart = 0; restart < 5; restart++) {
      const fast = seedPlusPlus(X, k, createRng(11, restart), scratch);
      expect(Array.from(fast)).toEqual(Array.from(seedCenters(X.data, rows, cols, k, 11, restart)));
    }
  });

  it('reuses buffers longer than the rows, and gives the same centres without them', () => {
    const X = table(500, 3, 1);
    const withScratch = seedPlusPlus(X, 4, createRng(3, 0), seedScratch(2000));
    expect(withScratch).toEqual(seedPlusPlus(X, 4, createRng(3, 0)));
    // centres are rows of the data
    for (let c = 0; c < 4; c++) {
      const centre = Array.from(withScratch.subarray(c * 3, c * 3 + 3));
      const found = Array.from({ length: 500 }, (_, i) => Array.from(X.data.subarray(i * 3, i * 3 + 3))).some((row) => row.every((v, f) => v === centre[f]));
      expect(found).toBe(true);
    }
  });

  it('k = number of distinct rows: every distinct row is a centre', () => {
    const X = { rows: 6, cols: 2, data: Float64Array.from([0, 0, 0, 0, 5, 5, 5, 5, 9, 0, 9, 0]) };
    const centres = seedPlusPlus(X, 3, createRng(0, 0));
    const rows = new Set(Array.from({ length: 3 }, (_, c) => `${centres[2 * c]},${centres[2 * c + 1]}`));
    expect(rows).toEqual(new Set(['0,0', '5,5', '9,0']));
  });
});
