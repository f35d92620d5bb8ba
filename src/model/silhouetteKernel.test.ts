import { describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { clusterCounts, defaultChunkSize, silhouetteRows, type KernelInput } from './silhouetteKernel';

// 1-D points 0, 1, 5, 6 (already centred: subtract 3) under two labelings at once.
const input: KernelInput = {
  rows: 4,
  cols: 1,
  centered: Float32Array.from([-3, -2, 2, 3]),
  labels: [Int32Array.from([0, 0, 1, 1]), Int32Array.from([0, 1, 1, 2])],
  ks: [2, 3],
};

describe('silhouette kernel', () => {
  it('counts cluster sizes per labeling', () => {
    expect(clusterCounts(input).map((c) => Array.from(c))).toEqual([
      [2, 2],
      [1, 2, 1],
    ]);
  });

  it('keeps a chunk at ~1M distances (4 MB of float32)', () => {
    expect(defaultChunkSize(20_000)).toBe(52);
    expect(defaultChunkSize(10_000)).toBe(104);
    expect(defaultChunkSize(100)).toBe(100);
    expect(defaultChunkSize(5_000_000)).toBe(1);
  });

  it('scores the query rows for every labeling from one distance block, worked out by hand', async () => {
    await initBackend({ backend: 'cpu' });
    const values = silhouetteRows(input, Int32Array.from([1, 2]), 1);
    // labeling 0: s(1) = (4.5 - 1) / 4.5, s(5) = (4.5 - 1) / 4.5
    // labeling 1 ({0}, {1, 5}, {6}): s(1): a = 4, b = min(1, 5) = 1 -> (1 - 4) / 4; s(5): a = 4, b = min(5, 1) = 1 -> -0.75
    const expected = [3.5 / 4.5, -0.75, 3.5 / 4.5, -0.75];
    expect(Array.from(values).map((v, i) => Math.abs(v - expected[i]) < 1e-6)).toEqual([true, true, true, true]);
  });
});
