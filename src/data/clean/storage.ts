// Cleaning: where rows go while a table is read (the kept rows column-wise, the dropped rows with their cells), and
// the clean columns built from them at the end.
import type { Rules, Scratch } from './rules';
import type { TableSchema } from '../schema';
import type { Customers } from './types';

/** A growable typed column. */
export class Growable<T extends Float64Array | Int32Array> {
  size = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(x: number): void {
    if (this.size === this.data.length) {
      const bigger = this.make(Math.max(16, Math.ceil(this.data.length * 1.5)));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = x;
  }
  get(i: number): number {
    return this.data[i];
  }
  /** Makes room for `capacity` values (no-op when there is). */
  reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const bigger = this.make(capacity);
    bigger.set(this.data.subarray(0, this.size));
    this.data = bigger;
  }
  /** The first `size` values (a view). */
  view(): T {
    return this.data.subarray(0, this.size) as T;
  }
}

export const float64s = (n: number) => new Growable(new Float64Array(n), (m) => new Float64Array(m));
export const int32s = (n: number) => new Growable(new Int32Array(n), (m) => new Int32Array(m));

/** Rows that passed the checks, column-wise; numeric cells still missing (median mode) are NaN until imputed. */
export class CandidateStore {
  readonly lines: Growable<Int32Array>;
  readonly ids: (string | number)[] = [];
  readonly numbers: Growable<Float64Array>[];
  readonly codes: Growable<Int32Array>[];
  /** Candidate index -> its cells to impute. */
  readonly missing = new Map<number, { j: number; text: string }[]>();
  constructor(
    private readonly rules: Rules,
    expected: number,
  ) {
    this.lines = int32s(expected);
    this.numbers = rules.numbers.map(() => float64s(expected));
    this.codes = rules.categories.map(() => int32s(expected));
  }
  get size(): number {
    return this.lines.size;
  }
  get capacity(): number {
    return this.lines.data.length;
  }
  reserve(rows: number): void {
    for (const g of [this.lines, ...this.numbers, ...this.codes]) g.reserve(rows);
  }
  push(line: number, s: Scratch): void {
    const index = this.size;
    this.lines.push(line);
    this.ids.push(s.id);
    for (let j = 0; j < this.numbers.length; j++) this.numbers[j].push(s.numbers[j]);
    for (let j = 0; j < this.codes.length; j++) this.codes[j].push(s.codes[j]);
    if (s.missing.length > 0) this.missing.set(index, [...s.missing]);
  }
  /** Whether a stored candidate has the checked row's normalised values (id, category values, numbers; a missing
   * number compares by its cell text). Without an id column the ids are row numbers: not compared. */
  sameAs(index: number, s: Scratch): boolean {
    if (this.rules.id !== null && this.ids[index] !== s.id) return false;
    for (let j = 0; j < this.codes.length; j++) if (this.codes[j].get(index) !== s.codes[j]) return false;
    const missing = this.missing.get(index) ?? [];
    if (missing.length !== s.missing.length) return false;
    for (let m = 0; m < missing.length; m++) if (missing[m].j !== s.missing[m].j || missing[m].text !== s.missing[m].text) return false;
    for (let j = 0; j < this.numbers.length; j++) {
      const a = this.numbers[j].get(index);
      const b = s.numbers[j];
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) return false;
    }
    return true;
  }
}

/** A dropped row, kept whole for the duplicate check and the warnings. */
export interface DroppedDetail {
  line: number;
  /** The row's cells as read (schema field order), to recognise a later exact duplicate. */
  cells: string[];
  /** The cells of the file's other columns. */
  others: readonly string[];
  /** The id cell as written ('' without an id column). */
  id: string;
  reason: string;
  /** Extra words for the warning: the offending value or the line it repeats. */
  detail: string;
}

/** No cells (a file without other columns shares this one array). */
export const NO_CELLS: readonly string[] = [];

/** The clean columns: the stored candidates but the `removed` ones, category codes written as their values. */
export function toColumns(schema: TableSchema, store: CandidateStore, removed: ReadonlySet<number>, rules: Rules): Customers {
  const keep = (i: number) => !removed.has(i);
  const n = store.size - removed.size;
  const pick = <T extends Float64Array | Int32Array>(g: Growable<T>, make: (n: number) => T): T => {
    // A buffer at most 1/8 larger than needed is kept as a view (no copy of 10,000,000 rows at the end of a load).
    if (removed.size === 0) return g.data.length - n <= n / 8 ? g.view() : (g.data.slice(0, n) as T);
    const col = make(n);
    for (let i = 0, o = 0; i < g.size; i++) if (keep(i)) col[o++] = g.data[i];
    return col;
  };
  const numeric: Record<string, Float64Array> = {};
  rules.numbers.forEach((c, j) => (numeric[c.name] = pick(store.numbers[j], (m) => new Float64Array(m))));
  const categorical: Record<string, string[]> = {};
  rules.categories.forEach((c, j) => {
    const values = c.written();
    const codes = store.codes[j].data;
    const col = new Array<string>(n);
    for (let i = 0, o = 0; i < store.size; i++) if (keep(i)) col[o++] = values[codes[i]];
    categorical[c.name] = col;
  });
  const ids = removed.size ? store.ids.filter((_, i) => keep(i)) : store.ids;
  const lines = pick(store.lines, (m) => new Int32Array(m));
  return { schema, n, ids, lines, numeric, categorical };
}
