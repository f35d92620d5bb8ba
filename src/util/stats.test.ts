import { describe, expect, it } from 'vitest';
import { quantile, quantileSorted } from './stats';

describe('quantile', () => {
  it('interpolates linearly between order statistics like numpy', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([7], 0.75)).toBe(7);
    expect(quantileSorted([0, 10], 1)).toBe(10);
    expect(quantile([4, 1, 3, 2], 1 / 3)).toBeCloseTo(2, 12);
    expect(quantile([10], 0.99)).toBe(10);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
