import { describe, expect, it } from 'vitest';
import { fitRfm, quintileEdges, quintileScore, RFM_SEGMENTS, rfmCrosstab, rfmSegment, rfmSegmentTable, scoreAll, scoreRfm } from './rfm';

describe('RFM scores', () => {
  it('quintile edges: the largest value of each fifth of the sorted values', () => {
    // n = 10: positions ceil(2j) - 1 = 1, 3, 5, 7
    expect(quintileEdges([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual([2, 4, 6, 8]);
    // n = 7: positions ceil(7j/5) - 1 = 1, 2, 4, 5
    expect(quintileEdges([1, 2, 3, 4, 5, 6, 7])).toEqual([2, 3, 5, 6]);
    expect(quintileEdges([5])).toEqual([5, 5, 5, 5]);
  });

  it('scores: equal values get equal scores, never falling as the value rises; R reversed', () => {
    const edges = [2, 4, 6, 8];
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 100].map((x) => quintileScore(x, edges))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // many ties (frequency 1 for most customers): all the 1s score 1
    const freq = [1, 1, 1, 1, 1, 1, 1, 2, 3, 9];
    const e = quintileEdges(freq);
    expect(e).toEqual([1, 1, 1, 2]);
    expect(freq.map((x) => quintileScore(x, e))).toEqual([1, 1, 1, 1, 1, 1, 1, 4, 5, 5]);
    const edgesAll = fitRfm({ recency_days: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], frequency: freq, monetary: [5, 10, 15, 20, 25, 30, 35, 40, 45, 50] });
    const s = scoreAll(edgesAll, { recency_days: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], frequency: freq, monetary: [5, 10, 15, 20, 25, 30, 35, 40, 45, 50] });
    expect(s.map((x) => x.R)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(s.map((x) => x.M)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(s[9].RFM).toBe('155');
  });

  it('segment map: every cell of the 5 x 5 grid in exactly one segment, 11 names; examples by hand', () => {
    expect(RFM_SEGMENTS.map((s) => s.name)).toHaveLength(11);
    const seen = new Map<string, number>();
    for (const s of RFM_SEGMENTS) for (const c of s.cells) for (let r = c.r[0]; r <= c.r[1]; r++) for (let fm = c.fm[0]; fm <= c.fm[1]; fm++) seen.set(`${r}${fm}`, (seen.get(`${r}${fm}`) ?? 0) + 1);
    expect(seen.size).toBe(25);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(rfmSegment(5, 5, 5)).toBe('Champions');
    expect(rfmSegment(5, 1, 1)).toBe('New customers');
    expect(rfmSegment(1, 1, 1)).toBe('Lost');
    expect(rfmSegment(1, 5, 4)).toBe("Can't lose them"); // FM = (5 + 4 + 1) div 2 = 5
    expect(rfmSegment(2, 3, 4)).toBe('At risk'); // FM = 4
    expect(rfmSegment(3, 2, 3)).toBe('Need attention'); // FM = 3 (2.5 rounds up)
    expect(rfmSegment(4, 1, 1)).toBe('Promising');
    expect(() => rfmSegment(0, 1, 1)).toThrow(/out of 1-5/);
    expect(scoreRfm({ recency_days: [2, 4, 6, 8], frequency: [1, 2, 3, 4], monetary: [10, 20, 30, 40] }, 9, 5, 45)).toEqual({ R: 1, F: 5, M: 5, RFM: '155', segment: "Can't lose them" });
  });

  it('segment sizes, revenue shares and the crosstab with k-means segments', () => {
    const scores = [scoreRfm(fitRfm({ recency_days: [1], frequency: [1], monetary: [1] }), 1, 1, 1), scoreRfm(fitRfm({ recency_days: [1], frequency: [1], monetary: [1] }), 2, 2, 2)];
    // edges all 1: (1,1,1) -> R 5, F 1, M 1 New customers; (2,2,2) -> R 1, F 5, M 5 Can't lose them
    expect(scores.map((s) => s.segment)).toEqual(['New customers', "Can't lose them"]);
    const table = rfmSegmentTable(scores, [10, 30]);
    expect(table.find((t) => t.segment === 'New customers')).toEqual({ segment: 'New customers', customers: 1, revenue: 10, revenueShare: 0.25 });
    expect(table.reduce((s, t) => s + t.customers, 0)).toBe(2);
    const cross = rfmCrosstab(scores, [1, 0], 2);
    expect(cross.find((c) => c.segment === "Can't lose them")!.counts).toEqual([1, 0]);
    expect(cross.find((c) => c.segment === 'New customers')!.counts).toEqual([0, 1]);
  });
});
