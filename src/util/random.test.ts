import { describe, expect, it } from 'vitest';
import { createRng, sampleWithoutReplacement } from './random';

describe('createRng', () => {
  it('same seed and stream -> same sequence; other seed or stream -> another', () => {
    const draw = (seed: number, stream = 0) => {
      const rng = createRng(seed, stream);
      return Array.from({ length: 5 }, () => rng.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42, 0)).not.toEqual(draw(42, 1));
    expect(draw(2 ** 40 + 1)).not.toEqual(draw(1));
  });

  it('floats are in [0, 1) with mean ~1/2 and integers cover 0..n-1 evenly', () => {
    const rng = createRng(0);
    let sum = 0;
    let outside = 0;
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) {
      const x = rng.next();
      if (x < 0 || x >= 1) outside++;
      sum += x;
      counts[rng.nextInt(7)] += 1;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 70_000 - 0.5)).toBeLessThan(0.01);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });
});

describe('sampleWithoutReplacement', () => {
  it('gives m distinct indices in range, deterministically', () => {
    const picked = sampleWithoutReplacement(createRng(5), 1000, 300);
    expect(new Set(picked).size).toBe(300);
    expect(picked.every((i) => i >= 0 && i < 1000)).toBe(true);
    expect(sampleWithoutReplacement(createRng(5), 1000, 300)).toEqual(picked);
  });

  it('m = n is a permutation', () => {
    expect([...sampleWithoutReplacement(createRng(1), 6, 6)].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
