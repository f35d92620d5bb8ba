import { DataError, OptionsError } from '../util/errors';
import { quantileSorted } from '../util/stats';
import { HashIndex, StringHasher, type KeyHash } from '../util/hashIndex';
import type { RawTable } from './parse';
import { categoricalColumns, field, missingTokens, numericColumns, type TableSchema } from './schema';
import { MISSING_CATEGORY, readNumber } from './normalize';

/** Options of {@link cleanCustomers}. */
export interface CleanOptions {
  /**
   * How to treat a missing or non-numeric numeric cell: 'drop' the row or 'median' (impute the column median of the
   * valid rows, recorded as a repair). Default: the schema's `missing`, else 'drop'.
   */
  missingNumeric?: 'drop' | 'median';
}

/**
 * Clean customers, column-wise: row i of every column is customer i. Every numeric cell is finite and within its
 * column's valid range; every category is one of the column's values (or "(missing)" where allowed).
 */
export interface Customers {
  /** The schema the columns follow. */
  readonly schema: TableSchema;
  /** Number of customers. */
  readonly n: number;
  /** Id of each customer: a number for an integer id column or row numbers (no id column), else the text. */
  readonly ids: (string | number)[];
  /** 1-based file line of each customer. */
  readonly lines: Int32Array;
  /** Each numeric column (features and other numeric columns of the schema), raw units. */
  readonly numeric: Record<string, Float64Array>;
  /** Each categorical column, canonical spellings. */
  readonly categorical: Record<string, string[]>;
}

export { MISSING_CATEGORY } from './normalize';

/** A data row left out of the clean table. */
export interface DroppedRow {
  /** 1-based line in the file. */
  line: number;
  /** The row's id cell as written ('' when missing; the row number when the table has no id column). */
  id: string;
  /** Why, one of the reasons listed on {@link cleanCustomers}; the key of `rows.droppedBy`. */
  reason: string;
}

/** Values of one numeric column outside [Q1 − 1.5·IQR, Q3 + 1.5·IQR]; flagged only, the data is unchanged. */
export interface OutlierFlag {
  feature: string;
  /** Q1 − 1.5·IQR (quartiles by linear interpolation, as numpy/pandas by default). */
  lower: number;
  /** Q3 + 1.5·IQR. */
  upper: number;
  /** Number of customers outside [lower, upper]. */
  count: number;
  /** Their ids, in file order. */
  ids: (string | number)[];
}

/** A cell changed by cleaning (median imputation). */
export interface Repair {
  line: number;
  /** The row's id cell as written. */
  id: string;
  /** Column name as in the schema. */
  column: string;
  /** Cell text before ('' when empty). */
  from: string;
  /** Value written, as text. */
  to: string;
}

/** Result of {@link cleanCustomers}. Every data row is either used or dropped: read == used + dropped. */
export interface CleanResult {
  /** Clean customers in file order, column-wise. */
  data: Customers;
  rows: {
    read: number;
    used: number;
    dropped: number;
    /** Counts per reason, e.g. {"duplicate row": 2, "Age out of range 0-120": 1}. */
    droppedBy: Record<string, number>;
    /** Number of repaired cells (imputed values). */
    repaired: number;
  };
  /** With `missingNumeric: 'median'`: the median of each numeric column over the rows kept with a valid value (the
   * value imputed, stored in the model for scoring). Absent with 'drop'. */
  medians?: Record<string, number>;
  /** Dropped rows in line order, each with its reason. */
  dropped: DroppedRow[];
  /** Repaired cells in line order. */
  repairs: Repair[];
  /** One flag per numeric column, also when its count is 0. */
  outliers: OutlierFlag[];
  /** Human sentences, e.g. "Dropped 2 exact duplicate rows, equal to an earlier row in every column of the file
   * (lines 5, 9)". */
  warnings: string[];
}

/** Drop reasons that do not depend on a column. */
export const DROP_REASONS = {
  duplicate: 'duplicate row',
} as const;

const INTEGER_PATTERN = /^\d+(\.0*)?$/;
const MAX_LISTED = 10;

/**
 * Turns raw rows into clean customers following the table's schema, accounting for every row
 * (read == used + dropped). Pure; the same as feeding every row to a {@link CustomerCleaner}.
 *
 * Rules, applied to each row in file order; the first rule a row breaks is its drop reason (`<id>` is the id
 * column's name, `<column>` the column's):
 * 1. **Exact duplicate** (every cell of the file's row, trimmed, equal to an earlier row's, in every column of the
 *    file, also the columns the schema does not use: pandas' `duplicated()`): dropped as "duplicate row", the first
 *    occurrence is kept. Rows that share the schema's values but differ in any other column, or in the spelling of a
 *    cell ("male" vs "Male", "19" vs "19.0"), are different rows.
 * 2. **Id** (when the schema has one) missing → "missing <id>"; for an integer id, not a non-negative integer
 *    ("12" and "12.0" are accepted) → "<id> not an integer".
 * 3. **Categories**, in field order: a missing cell (empty or a missing token) → "missing <column>" when the
 *    field is `required` or a clustering feature (under either `missingNumeric`), else the value "(missing)". With
 *    an `enum`, values compare ignoring case and padding, `aliases` map other spellings (Mall: f/m), anything else →
 *    "unrecognised <column>". Without an enum, spellings that differ only in case or padding are one value, written
 *    as the most frequent spelling (of all rows read).
 * 4. **Numeric cells**, in field order: empty or a missing token (NA, N/A, NaN, null, None, -, ? by default;
 *    the schema's `missingValues`) → "missing <column>"; any other non-number → "<column> not a number". With
 *    `missingNumeric: 'drop'` (default) the row is dropped; with 'median' the cell is set to the median of that
 *    column over the rows kept with a valid value (recorded in `repairs`).
 * 5. **Impossible values**, only where the schema states a range: outside minimum..maximum → "<column> out of range
 *    min-max"; below a minimum of 0 with no maximum → "<column> negative" (else "below min"); above a maximum with no
 *    minimum → "above max". Always dropped, also with 'median': a typo we cannot repair.
 * 6. **Repeated id** of a row that is not an exact duplicate, among rows that passed 1-5: the later rows are dropped
 *    as "repeated <id>", the first is kept, and a warning names both lines.
 *
 * Outliers: per numeric column, values outside [Q1 − 1.5·IQR, Q3 + 1.5·IQR] of the used rows are flagged
 * (`outliers`, a warning when any), never changed or removed.
 *
 * @throws OptionsError when `missingNumeric` is not 'drop' or 'median'.
 * @throws DataError when no row is left, naming the source, the rows read and the main reasons.
 *
 * @example
 * const { data, rows, warnings } = cleanCustomers(parseCustomersCsv(text, { source: path }));
 */
export function cleanCustomers(table: RawTable, options: CleanOptions = {}): CleanResult {
  const cleaner = new CustomerCleaner(table.schema, { ...options, source: table.source, expected: table.rows.length });
  const names = table.schema.fields.map((f) => f.name);
  const cells = new Array<string>(names.length);
  for (const row of table.rows) {
    for (let c = 0; c < names.length; c++) cells[c] = row.values[names[c]];
    cleaner.add(row.line, cells, row.others);
  }
  return cleaner.finish();
}

/** Options of {@link CustomerCleaner}. */
export interface CleanerOptions extends CleanOptions {
  /** Name of the data in messages. Default '<input>'. */
  source?: string;
  /** Rows expected (sizes the buffers; they grow past it). Default 1024. */
  expected?: number;
}

/**
 * Cleans a table row by row, as it is read: the streaming form of {@link cleanCustomers} (same rules, same result),
 * for tables too large to hold as text rows. Memory per row: its numeric cells (8 bytes each), category codes
 * (4 bytes each), its id and line, and 13-byte slots of hash index (1.4 to 2.9 a row) for the id check, or for the
 * duplicate check when the table has no id column; with an id, the 64-bit hash of the whole row (8 bytes) to tell a
 * duplicate from a repeated id; dropped rows keep their cells for the report. The text of kept rows is not kept: an
 * earlier kept row is confirmed as a duplicate by its whole-row hash (every cell's text) and equal values.
 *
 * @example
 * const cleaner = new CustomerCleaner(schema, { source: 'big.csv' });
 * for (const { line, cells } of rows) cleaner.add(line, cells); // cells in schema.fields order
 * const { data, rows: counts } = cleaner.finish();
 */
export class CustomerCleaner {
  private readonly rules: Rules;
  private readonly missingNumeric: 'drop' | 'median';
  private readonly source: string;
  private readonly store: CandidateStore;
  private readonly scratch: Scratch;
  private readonly dropped: DroppedDetail[] = [];
  private readonly exact: HashIndex;
  private readonly byId: HashIndex | null;
  private readonly hasher = new StringHasher();
  private read = 0;
  private finished = false;

  constructor(
    readonly schema: TableSchema,
    options: CleanerOptions = {},
  ) {
    const { missingNumeric = schema.missing ?? 'drop', source = '<input>', expected = 1024 } = options;
    if (missingNumeric !== 'drop' && missingNumeric !== 'median') {
      throw new OptionsError(`invalid missingNumeric: ${JSON.stringify(missingNumeric)}; use 'drop' or 'median'`, 'missingNumeric');
    }
    this.missingNumeric = missingNumeric;
    this.source = source;
    this.rules = compileRules(schema);
    this.store = new CandidateStore(this.rules, expected);
    this.scratch = new Scratch(this.rules);
    this.byId = this.rules.id === null ? null : new HashIndex({ expected });
    // With an id, the row index holds dropped rows only (see add).
    this.exact = new HashIndex({ expected: this.rules.id === null ? expected : 1024 });
  }

  /** Rows added so far. */
  get rowsRead(): number {
    return this.read;
  }

  /** Rows the column buffers hold before they grow. */
  get capacity(): number {
    return this.store.capacity;
  }

  /** Grows the column buffers to hold `rows` rows (a streaming reader projects the total as it reads). */
  reserve(rows: number): void {
    this.store.reserve(rows);
  }

  /**
   * Checks one data row. `cells`: the trimmed text of each schema field, in `schema.fields` order ('' for a short
   * line); `others`: the trimmed text of the file's other columns, in file order (they take part in the duplicate
   * check only; default none). Both are read during the call only (the arrays may be reused for the next row).
   */
  add(line: number, cells: readonly string[], others: readonly string[] = NO_CELLS): void {
    const { rules, scratch } = this;
    this.read++;
    this.others = others;
    for (let j = 0; j < rules.categories.length; j++) rules.categories[j].count(cells[rules.categories[j].pos]);
    const problem = checkRow(cells, this.read, rules, this.missingNumeric, scratch);
    this.cells = cells;
    this.passed = problem === null;
    if (rules.id === null) {
      // Without an id, every row is looked up among the rows before it.
      const hash = this.rowHash(cells);
      const first = this.exact.find(hash, this.earlierRow);
      if (first !== undefined) {
        this.drop(line, cells, DROP_REASONS.duplicate, `same as line ${first < 0 ? this.dropped[-first - 1].line : this.store.lines.get(first)}`, null);
      } else if (problem !== null) {
        this.exact.insert(hash, -(this.drop(line, cells, problem.reason, problem.detail, null) + 1));
      } else {
        this.exact.insert(hash, this.store.size);
        this.keep(line, cells);
      }
      return;
    }
    // With an id, a row equal to a kept row has its id: only rows that fail a check or repeat a kept id are looked up
    // (among the dropped rows), which keeps the hash work and the index to the rows dropped.
    let keptIndex: number | undefined;
    let idHash: KeyHash | null = null;
    if (problem === null) {
      idHash = this.idHash(scratch.id);
      keptIndex = (this.byId as HashIndex).find(idHash, this.keptId);
      if (keptIndex === undefined) {
        (this.byId as HashIndex).insert(idHash, this.store.size);
        const whole = this.rowHash(cells);
        this.rowHashes.push(whole.h1 | 0);
        this.rowHashes.push(whole.h2 | 0);
        this.keep(line, cells);
        return;
      }
    }
    const hash = this.rowHash(cells);
    const first = this.exact.find(hash, this.earlierRow);
    if (first !== undefined) {
      this.drop(line, cells, DROP_REASONS.duplicate, `same as line ${this.dropped[-first - 1].line}`, null);
      return;
    }
    let index: number;
    if (keptIndex === undefined) index = this.drop(line, cells, (problem as Verdict).reason, (problem as Verdict).detail, null);
    else {
      const same =
        this.rowHashes.get(2 * keptIndex) === (hash.h1 | 0) && this.rowHashes.get(2 * keptIndex + 1) === (hash.h2 | 0) && this.store.sameAs(keptIndex, scratch);
      const reason = same ? DROP_REASONS.duplicate : `repeated ${rules.id.name}`;
      index = this.drop(line, cells, reason, `${rules.id.name} ${scratch.id} first on line ${this.store.lines.get(keptIndex)}`, null);
    }
    this.exact.insert(hash, -(index + 1));
  }

  /** Whole-row hash (h1, h2) of each kept row, when the table has an id column (see add). */
  private readonly rowHashes = int32s(0);
  /** The row being added and whether it passed the checks (read by the matchers below). */
  private cells: readonly string[] = [];
  private others: readonly string[] = NO_CELLS;
  private passed = false;
  /** Confirms an index entry as an earlier row equal to the row being added: the same cells for a dropped row; for a
   * kept row (which passed the checks), the same values (equal cells give equal values). */
  private readonly earlierRow = {
    matches: (value: number): boolean =>
      value < 0
        ? sameCells(this.dropped[-value - 1].cells, this.cells) && sameCells(this.dropped[-value - 1].others, this.others)
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

  private keep(line: number, cells: readonly string[]): void {
    const { categories } = this.rules;
    for (let j = 0; j < categories.length; j++) categories[j].kept(cells[categories[j].pos]);
    this.store.push(line, this.scratch);
  }

  /** Ends the table: imputes (median mode), builds the columns, flags outliers and words the warnings. */
  finish(): CleanResult {
    if (this.finished) throw new Error('CustomerCleaner.finish called twice');
    this.finished = true;
    this.others = NO_CELLS;
    const { rules, store, dropped } = this;
    const { repairs, imputedWith, unimputable } = impute(store, rules);
    let medians: Record<string, number> | undefined;
    if (this.missingNumeric === 'median') {
      medians = {};
      for (let j = 0; j < rules.numbers.length; j++) {
        const median = imputedWith[j] ?? columnMedian(store, j);
        if (median !== undefined) medians[rules.numbers[j].name] = median;
      }
    }
    for (const { index, feature } of unimputable) {
      const missing = store.missing.get(index) ?? [];
      const cells = this.schema.fields.map(() => '');
      for (const m of missing) cells[rules.numbers[m.j].pos] = m.text;
      if (rules.id !== null) cells[rules.id.pos] = String(store.ids[index]);
      this.drop(store.lines.get(index), cells, `missing ${feature} in every usable row`, '', store.ids[index]);
    }
    dropped.sort((a, b) => a.line - b.line);

    const droppedBy: Record<string, number> = {};
    for (const { reason } of dropped) droppedBy[reason] = (droppedBy[reason] ?? 0) + 1;

    if (store.size - unimputable.length === 0) {
      const reasons = Object.entries(droppedBy)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([reason, count]) => `${count} × ${reason}`);
      const more = Object.keys(droppedBy).length > 3 ? ', ...' : '';
      throw new DataError(
        `No usable rows in ${this.source}: read ${this.read}, dropped all (${reasons.join(', ')}${more}); fix those cells and retry`,
        this.source,
      );
    }

    const data = toColumns(this.schema, store, new Set(unimputable.map((u) => u.index)), rules);
    const outliers = rules.numbers.map((c) => flagOutliers(data, c.name));
    const idName = rules.id?.name ?? 'row';
    const warnings = [
      ...dropWarnings(dropped, rules.id?.name ?? null),
      ...imputeWarnings(repairs, imputedWith, rules),
      ...rules.categories.flatMap((c) => spellingWarnings(c)),
      ...outlierWarnings(outliers, idName),
    ];

    return {
      data,
      rows: { read: this.read, used: data.n, dropped: dropped.length, droppedBy, repaired: repairs.length },
      ...(medians ? { medians } : {}),
      dropped: dropped.map(({ line, id, reason }) => ({ line, id, reason })),
      repairs,
      outliers,
      warnings,
    };
  }

  /** Records a dropped row; returns its index in `dropped`. */
  private drop(line: number, cells: readonly string[], reason: string, detail: string, id: string | number | null): number {
    const idText = id !== null ? String(id) : this.rules.id === null ? '' : cells[this.rules.id.pos];
    this.dropped.push({ line, cells: [...cells], others: this.others.length === 0 ? NO_CELLS : [...this.others], id: idText, reason, detail });
    return this.dropped.length - 1;
  }
}

interface DroppedDetail {
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

const NO_CELLS: readonly string[] = [];

function sameCells(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * One categorical column's values: every spelling met is counted (the most frequent spelling names a value that has
 * no enum) and given a code; a row stores the code of its value.
 */
class CategoryColumn {
  /** Spelling (cell text) -> index into the spelling tables. */
  private readonly spellings = new Map<string, number>();
  private readonly spellingText: string[] = [];
  /** Value code of each spelling; UNRECOGNISED for a spelling an enum does not allow; MISSING_CODE for missing. */
  private readonly spellingCode: number[] = [];
  private readonly spellingCount: number[] = [];
  /** Rows kept with each spelling (for the "spelled differently" warning). */
  private readonly spellingKept: number[] = [];
  /** Value identity (enum value, or lower-case text) -> code. */
  private readonly codes = new Map<string, number>();
  private readonly identities: string[] = [];
  /** Spelling written for an identity that only aliases reach (no row spelled it). */
  private readonly aliasTarget: (string | undefined)[] = [];
  private canonical: string[] | null = null;
  private last = -1;

  constructor(
    readonly name: string,
    readonly pos: number,
    readonly required: boolean,
    /** The enum's values, or null. */
    readonly values: string[] | null,
    private readonly lookup: ReadonlyMap<string, string>,
    private readonly aliases: ReadonlyMap<string, string>,
    private readonly missing: ReadonlySet<string>,
  ) {
    this.code(MISSING_IDENTITY, MISSING_CATEGORY);
  }

  /** Counts a cell's spelling (every row read). */
  count(text: string): void {
    this.last = this.spelling(text);
    if (this.last >= 0) this.spellingCount[this.last]++;
  }

  /** The value code of a cell: MISSING_CODE, UNRECOGNISED, or a value. */
  codeOf(text: string): number {
    const sp = this.spelling(text);
    return sp < 0 ? MISSING_CODE : this.spellingCode[sp];
  }

  /** Counts a kept row's spelling. */
  kept(text: string): void {
    const sp = this.spelling(text);
    if (sp >= 0) this.spellingKept[sp]++;
  }

  /** The written value of each code (after every row: the most frequent spelling of a value without an enum). */
  written(): string[] {
    if (this.canonical !== null) return this.canonical;
    const best = new Array<[string, number] | undefined>(this.identities.length);
    for (let sp = 0; sp < this.spellingText.length; sp++) {
      const code = this.spellingCode[sp];
      const text = this.spellingText[sp];
      if (code < 0 || this.aliases.has(text.toLowerCase())) continue;
      const count = this.spellingCount[sp];
      const b = best[code];
      if (b === undefined || count > b[1] || (count === b[1] && text < b[0])) best[code] = [text, count];
    }
    this.canonical = this.identities.map((id, code) =>
      code === MISSING_CODE ? MISSING_CATEGORY : this.values !== null ? id : (best[code]?.[0] ?? this.aliasTarget[code] ?? id),
    );
    return this.canonical;
  }

  /** Spellings of kept rows that differ from the value written, with their counts and value, in order of appearance. */
  respelled(): Map<string, { count: number; value: string }> {
    const canonical = this.written();
    const out = new Map<string, { count: number; value: string }>();
    for (let sp = 0; sp < this.spellingText.length; sp++) {
      const code = this.spellingCode[sp];
      if (code < 0 || code === MISSING_CODE || this.spellingKept[sp] === 0) continue;
      if (this.spellingText[sp] !== canonical[code]) out.set(this.spellingText[sp], { count: this.spellingKept[sp], value: canonical[code] });
    }
    return out;
  }

  /** Index of a cell's spelling, adding it when new; -1 for a missing cell. */
  private spelling(text: string): number {
    if (this.last >= 0 && this.spellingText[this.last] === text) return this.last;
    const known = this.spellings.get(text);
    if (known !== undefined) return known;
    // "(missing)" is what the outputs write for a kept missing category: read back, it is missing again.
    if (text === '' || text === MISSING_CATEGORY || this.missing.has(text.toLowerCase())) return -1;
    const key = text.toLowerCase();
    let code: number;
    const alias = this.aliases.get(key);
    if (this.values !== null) {
      const value = this.lookup.get(key);
      code = value === undefined ? UNRECOGNISED : this.code(value, value);
    } else if (alias !== undefined) code = this.code(alias.toLowerCase(), alias);
    else code = this.code(key, undefined);
    const sp = this.spellingText.length;
    this.spellings.set(text, sp);
    this.spellingText.push(text);
    this.spellingCode.push(code);
    this.spellingCount.push(0);
    this.spellingKept.push(0);
    return sp;
  }

  private code(identity: string, aliasTarget: string | undefined): number {
    let code = this.codes.get(identity);
    if (code === undefined) {
      code = this.identities.length;
      this.codes.set(identity, code);
      this.identities.push(identity);
      this.aliasTarget.push(aliasTarget);
    } else if (aliasTarget !== undefined && this.aliasTarget[code] === undefined) this.aliasTarget[code] = aliasTarget;
    return code;
  }
}

/** Internal identity of a missing category (no cell text can equal it). */
const MISSING_IDENTITY = '\u0000missing';
const MISSING_CODE = 0;
const UNRECOGNISED = -2;

/** What each column of the schema needs checked, worked out once per table; `pos` is the field's index. */
interface Rules {
  id: { name: string; pos: number; integer: boolean } | null;
  categories: CategoryColumn[];
  numbers: { name: string; pos: number; min: number; max: number; reason: string }[];
  missing: ReadonlySet<string>;
}

function compileRules(schema: TableSchema): Rules {
  const missing = missingTokens(schema);
  const pos = (name: string) => schema.fields.findIndex((f) => f.name === name);
  const id =
    schema.primaryKey === undefined ? null : { name: schema.primaryKey, pos: pos(schema.primaryKey), integer: field(schema, schema.primaryKey).type === 'integer' };
  const categories = categoricalColumns(schema).map((name) => {
    const f = field(schema, name);
    const values = f.constraints?.enum ?? null;
    const aliases = new Map(Object.entries(f.aliases ?? {}).map(([alias, value]) => [alias.trim().toLowerCase(), value] as const));
    const lookup = new Map<string, string>();
    if (values !== null) {
      for (const v of values) lookup.set(v.trim().toLowerCase(), v);
      for (const [alias, value] of aliases) lookup.set(alias, value);
    }
    // A clustering feature cannot be "(missing)": like a missing number, the row is dropped.
    const required = f.constraints?.required === true || schema.features.includes(name);
    return new CategoryColumn(name, pos(name), required, values, lookup, aliases, missing);
  });
  const numbers = numericColumns(schema).map((name) => {
    const c = field(schema, name).constraints ?? {};
    const min = c.minimum ?? Number.NEGATIVE_INFINITY;
    const max = c.maximum ?? Number.POSITIVE_INFINITY;
    return { name, pos: pos(name), min, max, reason: rangeReason(name, min, max) };
  });
  return { id, categories, numbers, missing };
}

/** The cells of the row being checked, reused for every row (no per-row allocation on the hot path). */
class Scratch {
  id: string | number = 0;
  readonly codes: Int32Array;
  readonly numbers: Float64Array;
  /** Cells to impute (median mode): index into rules.numbers and the cell text. */
  missing: { j: number; text: string }[] = [];
  constructor(rules: Rules) {
    this.codes = new Int32Array(rules.categories.length);
    this.numbers = new Float64Array(rules.numbers.length);
  }
}

/** A growable typed column. */
class Growable<T extends Float64Array | Int32Array> {
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

const float64s = (n: number) => new Growable(new Float64Array(n), (m) => new Float64Array(m));
const int32s = (n: number) => new Growable(new Int32Array(n), (m) => new Int32Array(m));

/** Rows that passed the checks, column-wise; numeric cells still missing (median mode) are NaN until imputed. */
class CandidateStore {
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

function idText(rules: Rules, id: string | number): string {
  return rules.id === null ? '' : String(id);
}


function rangeReason(column: string, min: number, max: number): string {
  if (Number.isFinite(min) && Number.isFinite(max)) return `${column} out of range ${min}-${max}`;
  if (Number.isFinite(min)) return min === 0 ? `${column} negative` : `${column} below ${min}`;
  return `${column} above ${max}`;
}

/** Checks one row into `out`; returns the drop reason, or null when the row is usable. */
type Verdict = { reason: string; detail: string };

function checkRow(cells: readonly string[], rowNumber: number, rules: Rules, missingNumeric: 'drop' | 'median', out: Scratch): Verdict | null {
  out.id = rowNumber;
  if (rules.id !== null) {
    const text = cells[rules.id.pos];
    if (text === '' || rules.missing.has(text.toLowerCase())) return { reason: `missing ${rules.id.name}`, detail: '' };
    if (rules.id.integer) {
      const id = Number(text);
      if (!INTEGER_PATTERN.test(text) || !Number.isSafeInteger(id)) return { reason: `${rules.id.name} not an integer`, detail: JSON.stringify(text) };
      out.id = id;
    } else out.id = text;
  }

  for (let j = 0; j < rules.categories.length; j++) {
    const c = rules.categories[j];
    const text = cells[c.pos];
    const code = c.codeOf(text);
    if (code === MISSING_CODE && c.required) return { reason: `missing ${c.name}`, detail: '' };
    if (code === UNRECOGNISED) return { reason: `unrecognised ${c.name}`, detail: JSON.stringify(text) };
    out.codes[j] = code;
  }

  if (out.missing.length > 0) out.missing = [];
  for (let j = 0; j < rules.numbers.length; j++) {
    const c = rules.numbers[j];
    const text = cells[c.pos];
    const cell = readNumber(text, rules.missing);
    if (cell.kind === 'number') {
      if (cell.value < c.min || cell.value > c.max) return { reason: c.reason, detail: JSON.stringify(text) };
      out.numbers[j] = cell.value;
      continue;
    }
    if (missingNumeric === 'drop') {
      return cell.kind === 'missing'
        ? { reason: `missing ${c.name}`, detail: text === '' ? '' : JSON.stringify(text) }
        : { reason: `${c.name} not a number`, detail: JSON.stringify(text) };
    }
    out.numbers[j] = Number.NaN;
    out.missing.push({ j, text });
  }
  return null;
}

function impute(
  store: CandidateStore,
  rules: Rules,
): {
  repairs: Repair[];
  imputedWith: (number | undefined)[];
  unimputable: { index: number; feature: string }[];
} {
  const repairs: Repair[] = [];
  const unimputable: { index: number; feature: string }[] = [];
  if (store.missing.size === 0) return { repairs, imputedWith: rules.numbers.map(() => undefined), unimputable };
  const imputedWith: (number | undefined)[] = rules.numbers.map((_, j) => {
    const holes = new Set([...store.missing].filter(([, m]) => m.some((x) => x.j === j)).map(([i]) => i));
    if (holes.size === 0) return undefined;
    const present = store.numbers[j].view().filter((_, i) => !holes.has(i));
    return present.length > 0 ? quantileSorted(Float64Array.from(present).sort(), 0.5) : undefined;
  });
  for (const [index, missing] of [...store.missing].sort((a, b) => a[0] - b[0])) {
    const blocked = missing.find((m) => imputedWith[m.j] === undefined);
    if (blocked !== undefined) {
      unimputable.push({ index, feature: rules.numbers[blocked.j].name });
      continue;
    }
    for (const { j, text } of missing) {
      const median = imputedWith[j] as number;
      store.numbers[j].data[index] = median;
      repairs.push({ line: store.lines.get(index), id: idText(rules, store.ids[index]), column: rules.numbers[j].name, from: text, to: String(median) });
    }
  }
  return { repairs, imputedWith, unimputable };
}

/** Median of a numeric column without holes, over every candidate row. */
function columnMedian(store: CandidateStore, j: number): number | undefined {
  const values = store.numbers[j].view();
  return values.length > 0 ? quantileSorted(Float64Array.from(values).sort(), 0.5) : undefined;
}

function toColumns(schema: TableSchema, store: CandidateStore, removed: ReadonlySet<number>, rules: Rules): Customers {
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

function flagOutliers(data: Customers, column: string): OutlierFlag {
  const values = data.numeric[column];
  const s = Float64Array.from(values).sort();
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  const lower = q1 - 1.5 * (q3 - q1);
  const upper = q3 + 1.5 * (q3 - q1);
  const ids: (string | number)[] = [];
  for (let i = 0; i < data.n; i++) if (values[i] < lower || values[i] > upper) ids.push(data.ids[i]);
  return { feature: column, lower, upper, count: ids.length, ids };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function listed(items: string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(', ');
  return items.length > MAX_LISTED ? `${shown}, ... ${items.length - MAX_LISTED} more` : shown;
}

function formatNumber(x: number): string {
  return String(Number(x.toFixed(2)));
}

function dropWarnings(dropped: DroppedDetail[], idName: string | null): string[] {
  const byReason = new Map<string, DroppedDetail[]>();
  for (const d of dropped) {
    const group = byReason.get(d.reason);
    if (group === undefined) byReason.set(d.reason, [d]);
    else group.push(d);
  }
  return [...byReason].map(([reason, group]) => {
    const lines = group.map((d) => d.line);
    const linesText = `${lines.length === 1 ? 'line' : 'lines'} ${listed(lines.map(String))}`;
    if (reason === DROP_REASONS.duplicate) {
      return `Dropped ${plural(group.length, 'exact duplicate row')}, equal to an earlier row in every column of the file (${linesText})`;
    }
    if (idName !== null && reason === `repeated ${idName}`) {
      const details = listed(group.map((d) => `line ${d.line}: ${d.detail}`));
      return `Dropped ${plural(group.length, 'row')} repeating a ${idName} with different values, kept the first (${details})`;
    }
    const withValues = group.some((d) => d.detail !== '');
    const details = withValues ? listed(group.map((d) => `line ${d.line}: ${d.detail === '' ? 'empty' : d.detail}`)) : linesText;
    return `Dropped ${plural(group.length, 'row')} with ${reason} (${details})`;
  });
}

function imputeWarnings(repairs: Repair[], imputedWith: (number | undefined)[], rules: Rules): string[] {
  return rules.numbers.flatMap(({ name }, j) => {
    const group = repairs.filter((r) => r.column === name);
    if (group.length === 0) return [];
    const cells = listed(group.map((r) => `line ${r.line}: ${r.from === '' ? 'empty' : JSON.stringify(r.from)}`));
    const median = formatNumber(imputedWith[j] as number);
    return [`Imputed ${plural(group.length, `missing ${name} value`)} with the median ${median} of the valid rows (${cells})`];
  });
}

function spellingWarnings(column: CategoryColumn): string[] {
  const spellings = column.respelled();
  if (spellings.size === 0) return [];
  let total = 0;
  for (const { count } of spellings.values()) total += count;
  const shown = listed([...spellings.keys()].map((s) => JSON.stringify(s)));
  const targets = column.values ?? [...new Set([...spellings.values()].map((s) => s.value))];
  return [`Read ${plural(total, `${column.name} value`)} spelled differently (${shown}) as ${targets.join('/')}`];
}

function outlierWarnings(outliers: OutlierFlag[], idName: string): string[] {
  return outliers
    .filter((o) => o.count > 0)
    .map(
      (o) =>
        `${plural(o.count, `${o.feature} value`)} outside ${formatNumber(o.lower)} to ${formatNumber(o.upper)} by the 1.5×IQR rule, kept (${idName} ${listed(o.ids.map(String))})`,
    );
}

/**
 * Customers as one record per row, keyed by column name (the id under the schema's id column, or "row"): the shape
 * `predict` takes and JSON tools expect. Allocates n objects: for inspection and small tables, not the hot path.
 */
export function toRecords(data: Customers): Record<string, string | number>[] {
  const idName = data.schema.primaryKey ?? 'row';
  const columns = data.schema.fields.map((f) => f.name).filter((name) => name !== data.schema.primaryKey);
  return data.ids.map((id, i) => {
    const record: Record<string, string | number> = { [idName]: id };
    for (const c of columns) record[c] = data.numeric[c] !== undefined ? data.numeric[c][i] : data.categorical[c][i];
    return record;
  });
}
