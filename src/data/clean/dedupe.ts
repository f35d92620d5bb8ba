// Cleaning: de-duplication, rules 1 and 6 of `cleanCustomers` (exact duplicate rows, repeated ids), by hash indexes.
import { HashIndex, StringHasher, type KeyHash } from '../../util/hashIndex';
import type { Rules, Scratch, Verdict } from './rules';
import { int32s, NO_CELLS, type CandidateStore, type DroppedDetail } from './storage';
import { DROP_REASONS } from './types';

/**
 * Tells, row by row, whether a row repeats an earlier one. Memory: 13-byte slots of hash index (1.4 to 2.9 a row)
 * for the id check, or for the duplicate check when the table has no id column; with an id, the 64-bit hash of each
 * kept row (8 bytes) to tell a duplicate from a repeated id. The text of kept rows is not kept: an earlier kept row
 * is confirmed as a duplicate by its whole-row hash (every cell's text) and equal values.
 */
export class DuplicateCheck {
  private readonly exact: HashIndex;
  private readonly byId: HashIndex | null;
  private readonly hasher = new StringHasher();
  /** Whole-row hash (h1, h2) of each kept row, when the table has an id column (see check). */
  private readonly rowHashes = int32s(0);
  /** The row being checked and whether it passed rules 2-5 (read by the matchers below). */
  private cells: readonly string[] = [];
  private others: readonly string[] = NO_CELLS;
  private passed = false;
  /** Whole-row hash of the row being checked, to index under its dropped-row index (see dropped); null: none. */
  private pending: KeyHash | null = null;

  /**
   * `store` and `dropped` are the cleaner's kept and dropped rows, `scratch` the checked values of the row being
   * checked; `expected` sizes the indexes.
   */
  constructor(
    private readonly rules: Rules,
    private readonly store: CandidateStore,
    private readonly scratch: Scratch,
    private readonly droppedRows: readonly DroppedDetail[],
    expected: number,
  ) {
    this.byId = rules.id === null ? null : new HashIndex({ expected });
    // With an id, the row index holds dropped rows only (see check).
    this.exact = new HashIndex({ expected: rules.id === null ? expected : 1024 });
  }

  /**
   * Checks the row whose values are in `scratch`; `problem` is its verdict on rules 2-5. Returns null when the row is
   * kept (the caller stores it next, as row `store.size`), else why it is dropped: a duplicate, a repeated id, or
   * `problem`. After a drop, the caller records the row and calls {@link dropped} with its index. `cells` and `others`
   * are read during the call only.
   */
  check(cells: readonly string[], others: readonly string[], problem: Verdict | null): Verdict | null {
    const { rules, store, scratch } = this;
    this.cells = cells;
    this.others = others;
    this.passed = problem === null;
    this.pending = null;
    if (rules.id === null) {
      // Without an id, every row is looked up among the rows before it.
      const hash = this.rowHash(cells);
      const first = this.exact.find(hash, this.earlierRow);
      if (first !== undefined) {
        return { reason: DROP_REASONS.duplicate, detail: `same as line ${first < 0 ? this.droppedRows[-first - 1].line : store.lines.get(first)}` };
      }
      if (problem !== null) {
        this.pending = hash;
        return problem;
      }
      this.exact.insert(hash, store.size);
      return null;
    }
    // With an id, a row equal to a kept row has its id: only rows that fail a check or repeat a kept id are looked up
    // (among the dropped rows), which keeps the hash work and the index to the rows dropped.
    let keptIndex: number | undefined;
    if (problem === null) {
      const idHash = this.idHash(scratch.id);
      keptIndex = (this.byId as HashIndex).find(idHash, this.keptId);
      if (keptIndex === undefined) {
        (this.byId as HashIndex).insert(idHash, store.size);
        const whole = this.rowHash(cells);
        this.rowHashes.push(whole.h1 | 0);
        this.rowHashes.push(whole.h2 | 0);
        return null;
      }
    }
    const hash = this.rowHash(cells);
    const first = this.exact.find(hash, this.earlierRow);
    if (first !== undefined) return { reason: DROP_REASONS.duplicate, detail: `same as line ${this.droppedRows[-first - 1].line}` };
    this.pending = hash;
    if (keptIndex === undefined) return problem as Verdict;
    const same =
      this.rowHashes.get(2 * keptIndex) === (hash.h1 | 0) && this.rowHashes.get(2 * keptIndex + 1) === (hash.h2 | 0) && store.sameAs(keptIndex, scratch);
    const reason = same ? DROP_REASONS.duplicate : `repeated ${rules.id.name}`;
    return { reason, detail: `${rules.id.name} ${scratch.id} first on line ${store.lines.get(keptIndex)}` };
  }

  /** Indexes the row just checked and dropped as dropped row `index`, so that a later exact copy is found. */
  dropped(index: number): void {
    if (this.pending !== null) this.exact.insert(this.pending, -(index + 1));
    this.pending = null;
  }

  /** Confirms an index entry as an earlier row equal to the row being checked: the same cells for a dropped row; for a
   * kept row (which passed the checks), the same values (equal cells give equal values). */
  private readonly earlierRow = {
    matches: (value: number): boolean =>
      value < 0
        ? sameCells(this.droppedRows[-value - 1].cells, this.cells) && sameCells(this.droppedRows[-value - 1].others, this.others)
        : this.passed && this.store.sameAs(value, this.scratch),
  };
  /** Confirms an id index entry as the kept row with the id being checked. */
  private readonly keptId = { matches: (value: number): boolean => this.store.ids[value] === this.scratch.id };

  private rowHash(cells: readonly string[]): KeyHash {
    const hash = this.hasher.reset();
    for (let c = 0; c < cells.length; c++) hash.add(cells[c]);
    for (let c = 0; c < this.others.length; c++) hash.add(this.others[c]);
    const { h1, h2 } = hash.done();
    return { h1, h2 };
  }

  private idHash(id: string | number): KeyHash {
    const hash = this.hasher.reset();
    if (typeof id === 'number') hash.addNumber(id);
    else hash.add(id);
    const { h1, h2 } = hash.done();
    return { h1, h2 };
  }
}

function sameCells(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
