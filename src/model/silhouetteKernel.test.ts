import { describe, expect, it } from 'vitest';
import { buildCells, cellDistanceSums, clusterCounts, defaultChunkSize, silhouetteRows, type KernelInput } from './silhouetteKernel';
import { createRng } from '../util/random';

// 1-D points 0, 1, 5, 6 (already centred: subtract 3) under two labelings at once.
const input: KernelInput = {
  rows: 4,
  cols: 1,
  centered: Float64Array.from([-3, -2, 2, 3]),
  labels: [Int32Array.from([0, 0, 1, 1]), Int32Array.from([0, 1, 1, 2])],
  ks: [2, 3],
};

/** `rows` x `cols` values from a seeded stream, with repeated rows (ties) and three labelings. */
function randomInput(rows: number, cols: number, seed: number): KernelInput {
  const rng = createRng(seed);
  const centered = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const copy = i > 0 && rng.next() < 0.1 ? rng.nextInt(i) : -1;
    for (let f = 0; f < cols; f++) centered[i * cols + f] = copy >= 0 ? centered[copy * cols + f] : (rng.next() - 0.5) * 10 ** rng.nextInt(4);
  }
  const ks = [2, 5, 9];
  const labels = ks.map((k) => Int32Array.from({ length: rows }, () => rng.nextInt(k)));
  return { rows, cols, centered, labels, ks };
}

describe('silhouette kernel', () => {
  it('counts cluster sizes per labeling', () => {
    expect(clusterCounts(input).map((c) => Array.from(c))).toEqual([
      [2, 2],
      [1, 2, 1],
    ]);
  });

  it('reports progress every ~4M distances', () => {
    expect(defaultChunkSize(20_000)).toBe(209);
    expect(defaultChunkSize(100)).toBe(100);
    expect(defaultChunkSize(5_000_000)).toBe(1);
  });

  it('groups rows with the same label in every labeling into one cell, in order of their first row', () => {
    const cells = buildCells(input);
    // (label0, label1) per row: (0,0) (0,1) (1,1) (1,2): four cells, one row each
    expect(cells.count).toBe(4);
    expect(Array.from(cells.labels)).toEqual([0, 0, 0, 1, 1, 1, 1, 2]);
    const two = buildCells({ ...input, labels: [Int32Array.from([1, 0, 1, 0])], ks: [2] });
    expect(Array.from(two.start)).toEqual([0, 2, 4]);
    expect(Array.from(two.sorted)).toEqual([-3, 2, -2, 3]);
    expect(Array.from(two.labels)).toEqual([1, 0]);
  });

  it('numbers cells as a plain grouping by label tuple would, with many cells too (beyond the dense table)', () => {
    const rows = 6000;
    const rng = createRng(11);
    // 4000 cells after the first labeling x k = 2000 passes the dense table's 2^22 entries: the Map numbers them
    const ks = [6000, 2000, 3];
    const labels = ks.map((k) => Int32Array.from({ length: rows }, (_, i) => (k === rows ? i % 4000 : rng.nextInt(k))));
    const centered = Float64Array.from({ length: rows }, (_, i) => i);
    const cells = buildCells({ rows, cols: 1, centered, labels, ks });
    const first = new Map<string, number>();
    const expected: number[][] = [];
    for (let i = 0; i < rows; i++) {
      const key = labels.map((l) => l[i]).join(',');
      if (!first.has(key)) {
        first.set(key, first.size);
        expected.push([]);
      }
      expected[first.get(key)!].push(i);
    }
    expect(cells.count).toBe(expected.length);
    expected.forEach((members, t) => {
      expect(Array.from(cells.sorted.subarray(cells.start[t], cells.start[t + 1])), `cell ${t}`).toEqual(members);
      expect(Array.from(cells.labels.subarray(t * 3, t * 3 + 3))).toEqual(labels.map((l) => l[members[0]]));
    });
  });

  it('adds the same terms in the same order in the unrolled 1-, 2- and 3-feature loops as in the general one', () => {
    for (const cols of [1, 2, 3]) {
      const data = randomInput(300, cols, cols);
      // the same points with zero columns appended take the general loop (x + 0 and sqrt(u * u) = |u| are exact)
      const padded = new Float64Array(300 * 4);
      for (let i = 0; i < 300; i++) for (let f = 0; f < cols; f++) padded[i * 4 + f] = data.centered[i * cols + f];
      const unrolled = buildCells(data);
      const general = buildCells({ ...data, cols: 4, centered: padded });
      const a = new Float64Array(unrolled.count);
      const b = new Float64Array(general.count);
      for (const row of [0, 17, 299]) {
        cellDistanceSums(data.centered, row * cols, cols, unrolled, a);
        cellDistanceSums(padded, row * 4, 4, general, b);
        expect(a, `cols ${cols} row ${row}`).toEqual(b);
      }
    }
  });

  it('gives a row the same bits whichever rows are queried with it and whatever the chunk', () => {
    const data = randomInput(500, 5, 7);
    const all = silhouetteRows(data, Int32Array.from({ length: 500 }, (_, i) => i), 500);
    const some = [499, 3, 250, 3];
    const values = silhouetteRows(data, Int32Array.from(some), 1);
    const chunks: number[] = [];
    silhouetteRows(data, Int32Array.from(some), 3, (done) => chunks.push(done));
    expect(chunks).toEqual([3, 4]);
    some.forEach((row, q) => expect(Array.from(values.subarray(q * 3, q * 3 + 3))).toEqual(Array.from(all.subarray(row * 3, row * 3 + 3))));
  });

  it('scores the query rows for every labeling at once, worked out by hand', () => {
    const values = silhouetteRows(input, Int32Array.from([1, 2]), 1);
    // labeling 0: s(1) = (4.5 - 1) / 4.5, s(5) = (4.5 - 1) / 4.5
    // labeling 1 ({0}, {1, 5}, {6}): s(1): a = 4, b = min(1, 5) = 1 -> (1 - 4) / 4; s(5): a = 4, b = min(5, 1) = 1 -> -0.75
    expect(Array.from(values)).toEqual([3.5 / 4.5, -0.75, 3.5 / 4.5, -0.75]);
  });
});
