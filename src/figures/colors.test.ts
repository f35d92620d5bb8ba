import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import { SEGMENT_PALETTE, segmentColor } from './colors';

describe('segmentColor', () => {
  it('gives ten distinct colours, then cycles', () => {
    const first = Array.from({ length: 10 }, (_, id) => segmentColor(id));
    expect(new Set(first).size).toBe(10);
    expect(first[0]).toBe('#4e79a7');
    expect(segmentColor(10)).toBe(segmentColor(0));
    expect(segmentColor(13)).toBe(SEGMENT_PALETTE[3]);
  });

  it('refuses ids that are not non-negative integers, showing the value', () => {
    expect(() => segmentColor(-1)).toThrow(OptionsError);
    expect(() => segmentColor(1.5)).toThrow(/got 1.5/);
  });
});
