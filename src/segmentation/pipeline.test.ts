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
