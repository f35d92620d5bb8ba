import { describe, expect, it } from 'vitest';
import { parseCustomersCsv } from '../data/parse';
import { syntheticCustomersCsv } from '../data/synthetic';
import { silhouetteSamples } from '../model/silhouette';
import { fitSegments, preprocess } from './pipeline';

const prep = preprocess(parseCustomersCsv(syntheticCustomersCsv({ n: 300, seed: 5 })));

describe('fitSegments silhouettes for the diagram', () => {
  it("reuses the sweep's per-customer silhouettes of the selected k: the same values as silhouetteSamples", async () => {
    const seg = await fitSegments(prep, 'hash', { kMin: 3, kMax: 5, nInit: 3 });
    expect(seg.silhouetteRows).toBeNull();
    expect(seg.silhouetteLabels).toEqual(seg.labels);
    expect(seg.silhouetteSamples).toHaveLength(300);
    const direct = await silhouetteSamples(prep.scaled, { labels: seg.labels, k: seg.sweep.selected });
    for (let i = 0; i < 300; i++) expect(seg.silhouetteSamples[i]).toBeCloseTo(direct[i], 9);
  });

  it("with a sampled silhouette, scores the sweep's sampled customers only and says which", async () => {
    const seg = await fitSegments(prep, 'hash', { kMin: 3, kMax: 4, nInit: 2, silhouette: { sample: 40 } });
    expect(seg.silhouetteRows).toEqual(seg.sweep.silhouetteRows);
    expect(seg.silhouetteRows).toHaveLength(40);
    expect(seg.silhouetteSamples).toHaveLength(40);
    expect(seg.silhouetteLabels).toEqual(Int32Array.from(seg.silhouetteRows!, (row) => seg.labels[row]));
    // the sampled customers scored against each other: the exact silhouette of their own matrix
    const rows = Array.from(seg.silhouetteRows!);
    const sub = { rows: 40, cols: prep.scaled.cols, data: Float64Array.from(rows.flatMap((r) => Array.from(prep.scaled.data.subarray(r * prep.scaled.cols, (r + 1) * prep.scaled.cols)))) };
    const direct = await silhouetteSamples(sub, { labels: Int32Array.from(rows, (r) => seg.labels[r]), k: seg.sweep.selected });
    for (let i = 0; i < 40; i++) expect(seg.silhouetteSamples[i]).toBeCloseTo(direct[i], 9);
  });
});

describe('fitSegments aroundSweep', () => {
  it('runs the sweep inside the caller\'s wrapper (a column taken away meanwhile) with the same result', async () => {
    const plain = await fitSegments(prep, 'hash', { kMin: 3, kMax: 4, nInit: 2 });
    const seen: number[] = [];
    const wrapped = await fitSegments(prep, 'hash', {
      kMin: 3,
      kMax: 4,
      nInit: 2,
      aroundSweep: async (sweep) => {
        // as the report frees the table's columns: the sweep must not need them
        const ages = prep.data.numeric.Age;
        prep.data.numeric.Age = new Float64Array(0);
        try {
          seen.push(prep.data.numeric.Age.length);
          return await sweep();
        } finally {
          prep.data.numeric.Age = ages;
        }
      },
    });
    expect(seen).toEqual([0]);
    expect(prep.data.numeric.Age).toHaveLength(300);
    expect(wrapped.labels).toEqual(plain.labels);
    expect(wrapped.sweep.inertia).toEqual(plain.sweep.inertia);
    expect(wrapped.profiles).toEqual(plain.profiles);
    expect(wrapped.population).toEqual(plain.population);
  });
});
