import { DataError, OptionsError } from '../errors';
import { quantileSorted } from '../util/stats';
import type { RawRow, RawTable } from './parse';
import { categoricalColumns, field, missingTokens, numericColumns, type TableSchema } from './schema';

/** Options of {@link cleanCustomers}. */
export interface CleanOptions {
  /**
   * How to treat a missing or non-numeric numeric cell: 'drop' the row (default) or 'median' (impute the
   * column median of the valid rows, recorded as a repair).
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

/** The value written for a missing category of a column whose schema does not require it. */
export const MISSING_CATEGORY = '(missing)';

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
  /** Dropped rows in line order, each with its reason. */
  dropped: DroppedRow[];
  /** Repaired cells in line order. */
  repairs: Repair[];
  /** One flag per numeric column, also when its count is 0. */
  outliers: OutlierFlag[];
  /** Human sentences, e.g. "Dropped 2 exact duplicate rows (lines 5, 9)". */
  warnings: string[];
}

/** Drop reasons that do not depend on a column. */
export const DROP_REASONS = {
  duplicate: 'duplicate row',
} as const;

const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER_PATTERN = /^\d+(\.0*)?$/;
const MAX_LISTED = 10;

/**
 * Turns raw rows into clean customers following the table's schema, accounting for every row
 * (read == used + dropped). Pure.
 *
 * Rules, applied to each row in file order; the first rule a row breaks is its drop reason (`<id>` is the id
 * column's name, `<column>` the column's):
 * 1. **Exact duplicate** (every schema cell, trimmed, equal to an earlier row's): dropped as "duplicate row", the
 *    first occurrence is kept. A repeated id whose values are equal after normalisation (e.g. "male" vs "Male",
 *    "19" vs "19.0") also counts as a duplicate row.
 * 2. **Id** (when the schema has one) missing → "missing <id>"; for an integer id, not a non-negative integer
 *    ("12" and "12.0" are accepted) → "<id> not an integer".
 * 3. **Categories**, in field order: a missing cell (empty or a missing token) → "missing <column>" when the
 *    field is `required`, else the value "(missing)". With an `enum`, values compare ignoring case and padding,
 *    `aliases` map other spellings (Mall: f/m), anything else → "unrecognised <column>". Without an enum, spellings
 *    that differ only in case or padding are one value, written as the most frequent spelling.
 * 4. **Numeric cells**, in field order: empty or a missing token (NA, N/A, NaN, null, None, -, ? by default;
 *    the schema's `missingValues`) → "missing <column>"; any other non-number → "<column> not a number". With
 *    `missingNumeric: 'drop'` (default) the row is dropped; with 'median' the cell is set to the median of that
 *    column over the rows kept with a valid value (recorded in `repairs`).
 * 5. **Impossible values**, only where the schema states a range: outside minimum..maximum → "<column> out of range
 *    min-max"; below a minimum of 0 with no maximum → "<column> negative" (else "below min"); above a maximum with no
 *    minimum → "above max". Always dropped, also with 'median': a typo we cannot repair.
 * 6. **Repeated id** with different values, among rows that passed 1-5: the later rows are dropped as
 *    "repeated <id>", the first is kept, and a warning names both lines.
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
  const { missingNumeric = 'drop' } = options;
  if (missingNumeric !== 'drop' && missingNumeric !== 'median') {
    throw new OptionsError(`invalid missingNumeric: ${JSON.stringify(missingNumeric)}; use 'drop' or 'median'`, 'missingNumeric');
  }
  const { schema } = table;
  const rules = compileRules(schema, table.rows);

  const dropped: DroppedDetail[] = [];
  const store = new CandidateStore(rules);
  const firstLineByKey = new Map<string, number>();
  const keptById = new Map<string | number, number>();
  const respelled = new Map<string, Map<string, number>>();
  const columns = schema.fields.map((f) => f.name);
  const scratch = new Scratch(rules);

  table.rows.forEach((row, index) => {
    const { values } = row;
    let exactKey = values[columns[0]];
    for (let c = 1; c < columns.length; c++) exactKey += '\u0000' + values[columns[c]];
    const firstLine = firstLineByKey.get(exactKey);
    if (firstLine !== undefined) {
      dropped.push(drop(row, DROP_REASONS.duplicate, `same as line ${firstLine}`));
      return;
    }
    firstLineByKey.set(exactKey, row.line);

    const verdict = checkRow(row, index + 1, rules, missingNumeric, scratch);
    if (verdict !== null) {
      dropped.push(drop(row, verdict.reason, verdict.detail));
      return;
    }
    if (rules.id !== null) {
      const keptIndex = keptById.get(scratch.id);
      if (keptIndex !== undefined) {
        const same = store.key(keptIndex) === scratch.key(row);
        const reason = same ? DROP_REASONS.duplicate : `repeated ${rules.id.name}`;
        dropped.push(drop(row, reason, `${rules.id.name} ${scratch.id} first on line ${store.rows[keptIndex].line}`));
        return;
      }
      keptById.set(scratch.id, store.size);
    }
    for (let j = 0; j < rules.categories.length; j++) {
      const c = rules.categories[j];
      const text = values[c.name];
      if (text !== '' && text !== scratch.categories[j]) {
        const counts = respelled.get(c.name) ?? new Map<string, number>();
        counts.set(text, (counts.get(text) ?? 0) + 1);
        respelled.set(c.name, counts);
      }
    }
    store.push(row, scratch);
  });
  firstLineByKey.clear();
  keptById.clear();

  const { repairs, imputedWith, unimputable } = impute(store, rules);
  for (const { index, feature } of unimputable) {
    dropped.push(drop(store.rows[index], `missing ${feature} in every usable row`, ''));
  }
  dropped.sort((a, b) => a.row.line - b.row.line);

  const droppedBy: Record<string, number> = {};
  for (const { reason } of dropped) droppedBy[reason] = (droppedBy[reason] ?? 0) + 1;

  if (store.size - unimputable.length === 0) {
    const reasons = Object.entries(droppedBy)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([reason, count]) => `${count} × ${reason}`);
    const more = Object.keys(droppedBy).length > 3 ? ', ...' : '';
    throw new DataError(
      `No usable rows in ${table.source}: read ${table.read}, dropped all (${reasons.join(', ')}${more}); fix those cells and retry`,
      table.source,
    );
  }

  const data = toColumns(schema, store, new Set(unimputable.map((u) => u.index)), rules);
  const outliers = rules.numbers.map((c) => flagOutliers(data, c.name));
  const idName = rules.id?.name ?? 'row';
  const warnings = [
    ...dropWarnings(dropped, rules.id?.name ?? null),
    ...imputeWarnings(repairs, imputedWith, rules),
    ...rules.categories.flatMap((c) => spellingWarnings(c, respelled.get(c.name))),
    ...outlierWarnings(outliers, idName),
  ];

  return {
    data,
    rows: { read: table.read, used: data.n, dropped: dropped.length, droppedBy, repaired: repairs.length },
    dropped: dropped.map(({ row, reason }) => ({ line: row.line, id: idText(row, rules), reason })),
    repairs,
    outliers,
    warnings,
  };
}

interface DroppedDetail {
  row: RawRow;
  reason: string;
  /** Extra words for the warning: the offending value or the line it repeats. */
  detail: string;
}

/** What each column of the schema needs checked, worked out once per table. */
interface Rules {
  id: { name: string; integer: boolean } | null;
  categories: { name: string; required: boolean; lookup: Map<string, string> | null; values: string[] | null }[];
  numbers: { name: string; min: number; max: number; reason: string }[];
  missing: ReadonlySet<string>;
}

function compileRules(schema: TableSchema, rows: readonly RawRow[]): Rules {
  const missing = missingTokens(schema);
  const id = schema.primaryKey === undefined ? null : { name: schema.primaryKey, integer: field(schema, schema.primaryKey).type === 'integer' };
  const categories = categoricalColumns(schema).map((name) => {
    const f = field(schema, name);
    const values = f.constraints?.enum ?? null;
    let lookup: Map<string, string> | null = null;
    if (values !== null) {
      lookup = new Map(values.map((v) => [v.trim().toLowerCase(), v] as const));
      for (const [alias, value] of Object.entries(f.aliases ?? {})) lookup.set(alias.trim().toLowerCase(), value);
    } else {
      // No enum: one value per spelling that differs only in case, written as its most frequent spelling.
      const counts = new Map<string, Map<string, number>>();
      for (const row of rows) {
        const text = row.values[name];
        if (text === '' || missing.has(text.toLowerCase())) continue;
        const key = text.toLowerCase();
        const byKey = counts.get(key) ?? new Map<string, number>();
        byKey.set(text, (byKey.get(text) ?? 0) + 1);
        counts.set(key, byKey);
      }
      lookup = new Map();
      for (const [key, spellings] of counts) {
        const best = [...spellings].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
        lookup.set(key, best);
      }
      for (const [alias, value] of Object.entries(f.aliases ?? {})) lookup.set(alias.trim().toLowerCase(), value);
    }
    return { name, required: f.constraints?.required === true, lookup, values };
  });
  const numbers = numericColumns(schema).map((name) => {
    const c = field(schema, name).constraints ?? {};
    const min = c.minimum ?? Number.NEGATIVE_INFINITY;
    const max = c.maximum ?? Number.POSITIVE_INFINITY;
    return { name, min, max, reason: rangeReason(name, min, max) };
  });
  return { id, categories, numbers, missing };
}

/** The cells of the row being checked, reused for every row (no per-row allocation on the hot path). */
class Scratch {
  id: string | number = 0;
  readonly categories: string[];
  readonly numbers: Float64Array;
  /** Indexes (into rules.numbers) of cells to impute (median mode). */
  missing: number[] = [];
  constructor(private readonly rules: Rules) {
    this.categories = new Array<string>(rules.categories.length).fill('');
    this.numbers = new Float64Array(rules.numbers.length);
  }
  /** Normalised values, to tell a duplicate from a conflicting repeat of the same id. */
  key(row: RawRow): string {
    return normalisedKey(this.rules, row, this.id, this.categories, (j) => this.numbers[j], this.missing);
  }
}

/** Rows that passed the checks, column-wise; numeric cells still missing (median mode) are NaN until imputed. */
class CandidateStore {
  readonly rows: RawRow[] = [];
  readonly ids: (string | number)[] = [];
  readonly numbers: number[][];
  readonly categories: string[][];
  /** Candidate index -> indexes (into rules.numbers) of its cells to impute. */
  readonly missing = new Map<number, number[]>();
  constructor(private readonly rules: Rules) {
    this.numbers = rules.numbers.map(() => []);
    this.categories = rules.categories.map(() => []);
  }
  get size(): number {
    return this.rows.length;
  }
  push(row: RawRow, s: Scratch): void {
    const index = this.rows.length;
    this.rows.push(row);
    this.ids.push(s.id);
    for (let j = 0; j < this.numbers.length; j++) this.numbers[j].push(s.numbers[j]);
    for (let j = 0; j < this.categories.length; j++) this.categories[j].push(s.categories[j]);
    if (s.missing.length > 0) this.missing.set(index, [...s.missing]);
  }
  /** The same key as Scratch.key, for a stored candidate. */
  key(index: number): string {
    const categories = this.categories.map((col) => col[index]);
    return normalisedKey(this.rules, this.rows[index], this.ids[index], categories, (j) => this.numbers[j][index], this.missing.get(index) ?? []);
  }
}

/** A row's normalised values (id, categories, numbers; a missing number as its cell text) joined into one key. */
function normalisedKey(rules: Rules, row: RawRow, id: string | number, categories: readonly string[], number: (j: number) => number, missing: readonly number[]): string {
  const numbers = rules.numbers.map((c, j) => (missing.includes(j) ? `?${row.values[c.name]}` : String(number(j))));
  return [id, ...categories, ...numbers].join('|');
}

function drop(row: RawRow, reason: string, detail: string): DroppedDetail {
  return { row, reason, detail };
}

function idText(row: RawRow, rules: Rules): string {
  return rules.id === null ? '' : row.values[rules.id.name];
}

type NumberCell = { kind: 'number'; value: number } | { kind: 'missing' } | { kind: 'invalid' };

function readNumber(text: string, missing: ReadonlySet<string>): NumberCell {
  if (text === '' || missing.has(text.toLowerCase())) return { kind: 'missing' };
  if (!NUMBER_PATTERN.test(text)) return { kind: 'invalid' };
  const value = Number(text);
  return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'invalid' };
}

function rangeReason(column: string, min: number, max: number): string {
  if (Number.isFinite(min) && Number.isFinite(max)) return `${column} out of range ${min}-${max}`;
  if (Number.isFinite(min)) return min === 0 ? `${column} negative` : `${column} below ${min}`;
  return `${column} above ${max}`;
}

/** Checks one row into `out`; returns the drop reason, or null when the row is usable. */
function checkRow(row: RawRow, rowNumber: number, rules: Rules, missingNumeric: 'drop' | 'median', out: Scratch): { reason: string; detail: string } | null {
  const { values } = row;
  out.id = rowNumber;
  if (rules.id !== null) {
    const text = values[rules.id.name];
    if (text === '' || rules.missing.has(text.toLowerCase())) return { reason: `missing ${rules.id.name}`, detail: '' };
    if (rules.id.integer) {
      const id = Number(text);
      if (!INTEGER_PATTERN.test(text) || !Number.isSafeInteger(id)) return { reason: `${rules.id.name} not an integer`, detail: JSON.stringify(text) };
      out.id = id;
    } else out.id = text;
  }

  for (let j = 0; j < rules.categories.length; j++) {
    const c = rules.categories[j];
    const text = values[c.name];
    // "(missing)" is what the outputs write for a kept missing category: read back, it is missing again.
    if (text === '' || text === MISSING_CATEGORY || rules.missing.has(text.toLowerCase())) {
      if (c.required) return { reason: `missing ${c.name}`, detail: '' };
      out.categories[j] = MISSING_CATEGORY;
      continue;
    }
    const value = c.lookup?.get(text.toLowerCase());
    if (value === undefined) return { reason: `unrecognised ${c.name}`, detail: JSON.stringify(text) };
    out.categories[j] = value;
  }

  if (out.missing.length > 0) out.missing = [];
  for (let j = 0; j < rules.numbers.length; j++) {
    const c = rules.numbers[j];
    const text = values[c.name];
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
    out.missing.push(j);
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
    const holes = new Set([...store.missing].filter(([, m]) => m.includes(j)).map(([i]) => i));
    if (holes.size === 0) return undefined;
    const present = store.numbers[j].filter((_, i) => !holes.has(i));
    return present.length > 0 ? quantileSorted(Float64Array.from(present).sort(), 0.5) : undefined;
  });
  for (const [index, missing] of [...store.missing].sort((a, b) => a[0] - b[0])) {
    const blocked = missing.find((j) => imputedWith[j] === undefined);
    if (blocked !== undefined) {
      unimputable.push({ index, feature: rules.numbers[blocked].name });
      continue;
    }
    const row = store.rows[index];
    for (const j of missing) {
      const median = imputedWith[j] as number;
      store.numbers[j][index] = median;
      const column = rules.numbers[j].name;
      repairs.push({ line: row.line, id: idText(row, rules), column, from: row.values[column], to: String(median) });
    }
  }
  return { repairs, imputedWith, unimputable };
}

function toColumns(schema: TableSchema, store: CandidateStore, removed: ReadonlySet<number>, rules: Rules): Customers {
  const keep = (i: number) => !removed.has(i);
  const n = store.size - removed.size;
  const numeric: Record<string, Float64Array> = {};
  rules.numbers.forEach((c, j) => {
    const col = new Float64Array(n);
    const source = store.numbers[j];
    for (let i = 0, o = 0; i < source.length; i++) if (keep(i)) col[o++] = source[i];
    numeric[c.name] = col;
  });
  const categorical: Record<string, string[]> = {};
  rules.categories.forEach((c, j) => (categorical[c.name] = removed.size ? store.categories[j].filter((_, i) => keep(i)) : store.categories[j]));
  const ids = removed.size ? store.ids.filter((_, i) => keep(i)) : store.ids;
  const lines = new Int32Array(n);
  for (let i = 0, o = 0; i < store.size; i++) if (keep(i)) lines[o++] = store.rows[i].line;
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
  for (const d of dropped) byReason.set(d.reason, [...(byReason.get(d.reason) ?? []), d]);
  return [...byReason].map(([reason, group]) => {
    const lines = group.map((d) => d.row.line);
    const linesText = `${lines.length === 1 ? 'line' : 'lines'} ${listed(lines.map(String))}`;
    if (reason === DROP_REASONS.duplicate) {
      return `Dropped ${plural(group.length, 'exact duplicate row')} (${linesText})`;
    }
    if (idName !== null && reason === `repeated ${idName}`) {
      const details = listed(group.map((d) => `line ${d.row.line}: ${d.detail}`));
      return `Dropped ${plural(group.length, 'row')} repeating a ${idName} with different values, kept the first (${details})`;
    }
    const withValues = group.some((d) => d.detail !== '');
    const details = withValues ? listed(group.map((d) => `line ${d.row.line}: ${d.detail === '' ? 'empty' : d.detail}`)) : linesText;
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

function spellingWarnings(column: Rules['categories'][number], spellings: Map<string, number> | undefined): string[] {
  if (spellings === undefined || spellings.size === 0) return [];
  const total = [...spellings.values()].reduce((a, b) => a + b, 0);
  const shown = listed([...spellings.keys()].map((s) => JSON.stringify(s)));
  const targets = column.values ?? [...new Set([...spellings.keys()].map((s) => column.lookup?.get(s.toLowerCase()) as string))];
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
