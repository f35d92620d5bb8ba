import { describe, expect, it } from 'vitest';
import { int32s } from './storage';

describe('Growable', () => {
  it('grows by half past its capacity, keeps its values, and reserves exactly', () => {
    const g = int32s(2);
    for (let i = 0; i < 20; i++) g.push(i * 3);
    expect(g.size).toBe(20);
    expect(g.data.length).toBe(24); // 2 -> 16 (at least) -> 24
    expect([...g.view()]).toEqual(Array.from({ length: 20 }, (_, i) => i * 3));
    g.reserve(10);
    expect(g.data.length).toBe(24);
    g.reserve(100);
    expect(g.data.length).toBe(100);
    expect(g.get(19)).toBe(57);
  });
});
