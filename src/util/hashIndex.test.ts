import { describe, expect, it } from 'vitest';
import { HashIndex, StringHasher } from './hashIndex';

const hashOf = (...parts: string[]) => {
  const h = new StringHasher().reset();
  for (const p of parts) h.add(p);
  h.done();
  return { h1: h.h1, h2: h.h2 };
};

describe('StringHasher', () => {
  it('tells apart sequences that concatenate to the same text, and numbers from their text', () => {
    expect(hashOf('ab', 'c')).not.toEqual(hashOf('a', 'bc'));
    expect(hashOf('abc')).not.toEqual(hashOf('ab', 'c'));
    expect(hashOf('', 'x')).not.toEqual(hashOf('x', ''));
    const n = new StringHasher().reset().addNumber(12).done();
    const m = new StringHasher().reset().addNumber(12.0).done();
    expect([n.h1, n.h2]).toEqual([m.h1, m.h2]);
    expect(hashOf('12')).not.toEqual({ h1: n.h1, h2: n.h2 });
  });

  it('gives no 64-bit collision over 1,000,000 distinct customer-like keys', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) {
      const { h1, h2 } = hashOf(String(i), i % 2 ? 'Male' : 'Female', String(18 + (i % 60)), String(i % 137));
      seen.add(`${h1}:${h2}`);
    }
    expect(seen.size).toBe(1_000_000);
  });
});

describe('HashIndex', () => {
  it('finds what was inserted, grows past its expected size, and asks the caller to confirm each hash match', () => {
    const index = new HashIndex({ expected: 4 });
    const keys = Array.from({ length: 5000 }, (_, i) => `key${i}`);
    keys.forEach((k, i) => index.insert(hashOf(k), i));
    expect(index.size).toBe(5000);
    keys.forEach((k, i) => expect(index.find(hashOf(k), { matches: (v) => keys[v] === k })).toBe(i));
    expect(index.find(hashOf('absent'), { matches: () => true })).toBeUndefined();
  });

  it('keeps entries with equal hashes apart (a collision): find returns the one the caller confirms', () => {
    const index = new HashIndex();
    const same = { h1: 7, h2: 9 };
    index.insert(same, 1);
    index.insert(same, 2);
    index.insert({ h1: 7, h2: 10 }, 3);
    expect(index.find(same, { matches: (v) => v === 2 })).toBe(2);
    expect(index.find(same, { matches: (v) => v === 1 })).toBe(1);
    expect(index.find(same, { matches: (v) => v === 3 })).toBeUndefined();
    expect(index.find({ h1: 7, h2: 10 }, { matches: () => true })).toBe(3);
  });
});
