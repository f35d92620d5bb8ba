/**
 * A compact hash index for millions of keys: 64-bit key hashes and an int32 value per slot in typed arrays (13 bytes
 * a slot, open addressing), where a JS Map of 10,000,000 string keys takes gigabytes of heap and stops at 2^24 entries.
 * The index stores no keys: `find` asks the caller to confirm each value whose hash matches, so the answer is exact
 * whenever the caller can compare the keys it stands for.
 */

/** The two 32-bit halves of a key's 64-bit hash. */
export interface KeyHash {
  h1: number;
  h2: number;
}

/** Tells whether an entry's value stands for the key looked up (the caller keeps the keys). */
export interface KeyMatcher {
  matches(value: number): boolean;
}

const EMPTY = 0;
const USED = 1;

/** Options of {@link HashIndex}. */
export interface HashIndexOptions {
  /** Keys expected; the index grows past it. Default 1024. */
  expected?: number;
}

export class HashIndex {
  private h1: Uint32Array;
  private h2: Uint32Array;
  private values: Int32Array;
  private state: Uint8Array;
  private mask: number;
  private count = 0;

  constructor(options: HashIndexOptions = {}) {
    const { expected = 1024 } = options;
    let capacity = 16;
    while (capacity * 0.7 < expected) capacity *= 2;
    this.h1 = new Uint32Array(capacity);
    this.h2 = new Uint32Array(capacity);
    this.values = new Int32Array(capacity);
    this.state = new Uint8Array(capacity);
    this.mask = capacity - 1;
  }

  /** Number of entries. */
  get size(): number {
    return this.count;
  }

  /**
   * The first value stored under `hash` that `same` confirms (the caller compares the keys), or undefined.
   * Entries with the same hash that `same` rejects (a collision) are skipped.
   */
  find(hash: KeyHash, same: KeyMatcher): number | undefined {
    const h1 = hash.h1 >>> 0;
    const h2 = hash.h2 >>> 0;
    for (let slot = h1 & this.mask; this.state[slot] !== EMPTY; slot = (slot + 1) & this.mask) {
      if (this.h1[slot] === h1 && this.h2[slot] === h2 && same.matches(this.values[slot])) return this.values[slot];
    }
    return undefined;
  }

  /** Stores `value` under `hash` (another entry with the same hash is kept: keys are told apart by `find`'s check). */
  insert(hash: KeyHash, value: number): void {
    if ((this.count + 1) > this.values.length * 0.7) this.grow();
    this.place(hash.h1 >>> 0, hash.h2 >>> 0, value);
    this.count++;
  }

  private place(h1: number, h2: number, value: number): void {
    let slot = h1 & this.mask;
    while (this.state[slot] !== EMPTY) slot = (slot + 1) & this.mask;
    this.h1[slot] = h1;
    this.h2[slot] = h2;
    this.values[slot] = value;
    this.state[slot] = USED;
  }

  private grow(): void {
    const { h1, h2, values, state } = this;
    const capacity = values.length * 2;
    this.h1 = new Uint32Array(capacity);
    this.h2 = new Uint32Array(capacity);
    this.values = new Int32Array(capacity);
    this.state = new Uint8Array(capacity);
    this.mask = capacity - 1;
    for (let i = 0; i < values.length; i++) if (state[i] !== EMPTY) this.place(h1[i], h2[i], values[i]);
  }
}

/** Murmur3's 32-bit finaliser: spreads every input bit over the output. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Accumulates a 64-bit hash over a sequence of strings (two independent 32-bit FNV-1a-style lanes with different
 * primes and seeds, finalised by murmur3's mixer); the sequence ["ab", "c"] hashes differently from ["a", "bc"].
 * Reused (reset) for every key to keep the hot path free of allocation.
 */
export class StringHasher implements KeyHash {
  h1 = 0;
  h2 = 0;
  private a = 0;
  private b = 0;

  reset(): this {
    this.a = 0x811c9dc5;
    this.b = 0x3c6ef372;
    return this;
  }

  add(text: string): this {
    let { a, b } = this;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 13);
    }
    this.a = a;
    this.b = b;
    // A separator that no UTF-16 unit equals: ends the string.
    this.word(0x10000);
    return this;
  }

  /** Adds a number by its value (the same for 12 and 12.0, another hash than the text "12"). A safe integer is mixed in
   * as two 32-bit words, without making a string. */
  addNumber(x: number): this {
    if (!Number.isSafeInteger(x)) return this.add(`#${x}`);
    const low = x >>> 0;
    const high = Math.floor(x / 0x100000000) | 0;
    this.word(low);
    this.word(high);
    // 0x23: a marker no string ends with (strings end with 0x10000), so 12 and "12" differ.
    this.word(0x23);
    return this;
  }

  private word(w: number): void {
    this.a = Math.imul(this.a ^ w, 0x01000193);
    this.b = Math.imul(this.b ^ w, 0x5bd1e995) ^ (this.b >>> 13);
  }

  /** Finalises; the hash is in h1/h2 until the next reset. */
  done(): this {
    this.h1 = fmix(this.a ^ Math.imul(this.b, 0x9e3779b1));
    this.h2 = fmix(this.b + 0x7f4a7c15);
    return this;
  }
}
