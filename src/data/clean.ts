import { DataError, OptionsError } from '../errors';
import { quantileSorted } from '../util/stats';
import type { RawRow, RawTable } from './parse';
import { COLUMNS, NUMERIC_FEATURES, REQUIRED_COLUMNS, VALID_RANGES, featureValue, type Customer, type FeatureName, type Gender } from './schema';

/** Options of {@link cleanCustomers}. */
export interface CleanOptions {
  /**
   * How to treat a missing or non-numeric numeric cell: 'drop' the row (default) or 'median' (impute the
   * column median of the valid rows, recorded as a repair).
   */
  missingNumeric?: 'drop' | 'median';
}

/** A data row left out of the clean table. */
export interface DroppedRow {
  /** 1-based line in the file. */
  line: number;
  /** The row's CustomerID cell as written ('' when missing). */
  id: string;
  /** Why, one of the reasons listed on {@link cleanCustomers}; the key of `rows.droppedBy`. */
  reason: string;
}

/** Values of one numeric feature outside [Q1 − 1.5·IQR, Q3 + 1.5·IQR]; flagged only, the data is unchanged. */
export interface OutlierFlag {
  feature: FeatureName;
  /** Q1 − 1.5·IQR (quartiles by linear interpolation, as numpy/pandas by default). */
  lower: number;
  /** Q3 + 1.5·IQR. */
  upper: number;
  /** Number of customers outside [lower, upper]. */
  count: number;
  /** Their CustomerIDs, in file order. */
  ids: number[];
}

/** A cell changed by cleaning (median imputation). */
export interface Repair {
  line: number;
  /** The row's CustomerID cell as written. */
  id: string;
  /** Column name as in COLUMNS. */
  column: string;
  /** Cell text before ('' when empty). */
  from: string;
  /** Value written, as text. */
  to: string;
}

/** Result of {@link cleanCustomers}. Every data row is either used or dropped: read == used + dropped. */
export interface CleanResult {
  /** Clean customers in file order; every field present, finite and within VALID_RANGES. */
  customers: Customer[];
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
  /** One flag per numeric feature (Age, income, spending), also when its count is 0. */
  outliers: OutlierFlag[];
  /** Human sentences, e.g. "Dropped 2 exact duplicate rows (lines 5, 9)". */
  warnings: string[];
}

/** Drop reasons that do not depend on a column's range. */
export const DROP_REASONS = {
  duplicate: 'duplicate row',
  missingId: 'missing CustomerID',
  badId: 'CustomerID not an integer',
  repeatedId: 'repeated CustomerID',
  missingGender: 'missing Gender',
  badGender: 'unrecognised Gender',
} as const;

/** Cell texts read as a missing value (compared in lower case), besides the empty cell. */
export const MISSING_TOKENS: ReadonlySet<string> = new Set(['na', 'n/a', 'nan', 'null', 'none', '-', '?']);

/** Gender spellings accepted, compared in lower case after trimming. */
const GENDER_SPELLINGS: Record<string, Gender> = { female: 'Female', f: 'Female', male: 'Male', m: 'Male' };

const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER_PATTERN = /^\d+(\.0*)?$/;
const MAX_LISTED = 10;

/**
 * Turns raw rows into clean customers, accounting for every row (read == used + dropped). Pure.
 *
 * Rules, applied to each row in file order; the first rule a row breaks is its drop reason:
 * 1. **Exact duplicate** (the five cells, trimmed, equal an earlier row's): dropped as "duplicate row", the
 *    first occurrence is kept. A repeated CustomerID whose values are equal after normalisation (e.g.
 *    "male" vs "Male", "19" vs "19.0") also counts as a duplicate row.
 * 2. **CustomerID** missing → "missing CustomerID"; not a non-negative integer ("12" and "12.0" are
 *    accepted) → "CustomerID not an integer". Dropped: without an id a row cannot be reported or joined.
 * 3. **Gender** missing → "missing Gender"; not one of female/male/f/m in any case and padding →
 *    "unrecognised Gender". Dropped, because profiles report the gender mix; guessing would bias them.
 *    "f"/"m" are accepted because single-letter codes are a common export of this two-valued column and
 *    cannot be confused with anything else; other values ("Other", "x", "unknown") are dropped.
 * 4. **Numeric cells** (Age, Annual Income (k$), Spending Score (1-100)): empty or one of NA, N/A, NaN,
 *    null, None, -, ? → "missing <column>"; any other non-number → "<column> not a number". With
 *    `missingNumeric: 'drop'` (default) the row is dropped; with 'median' the cell is set to the median of
 *    that column over the rows kept with a valid value (recorded in `repairs`, may be fractional, e.g. 36.5).
 * 5. **Impossible values**: Age outside 0-120 → "Age out of range 0-120"; Spending Score outside 1-100 →
 *    "Spending Score (1-100) out of range 1-100"; negative income → "Annual Income (k$) negative". Always
 *    dropped, also with 'median': a typo we cannot repair, and imputing would hide it.
 * 6. **Repeated CustomerID** with different values, among rows that passed 1-5: the later rows are dropped
 *    as "repeated CustomerID", the first is kept, and a warning names both lines.
 *
 * Outliers: per numeric feature, values outside [Q1 − 1.5·IQR, Q3 + 1.5·IQR] of the used rows are flagged
 * (`outliers`, a warning when any), never changed or removed.
 *
 * Warnings (as data): one sentence per drop reason with the lines (and offending values), one per imputed
 * column with the median, one for Gender spellings normalised, one per feature with outliers.
 *
 * @throws OptionsError when `missingNumeric` is not 'drop' or 'median'.
 * @throws DataError when no row is left, naming the source, the rows read and the main reasons.
 *
 * @example
 * const { customers, rows, warnings } = cleanCustomers(parseCustomersCsv(text, { source: path }));
 */
export function cleanCustomers(table: RawTable, options: CleanOptions = {}): CleanResult {
  const { missingNumeric = 'drop' } = options;
  if (missingNumeric !== 'drop' && missingNumeric !== 'median') {
    throw new OptionsError(`invalid missingNumeric: ${JSON.stringify(missingNumeric)}; use 'drop' or 'median'`, 'missingNumeric');
  }

  const dropped: DroppedDetail[] = [];
  const candidates: Candidate[] = [];
  const firstLineByKey = new Map<string, number>();
  const keptById = new Map<number, { line: number; key: string }>();
  const genderSpellings = new Map<string, number>();

  for (const row of table.rows) {
    const { values } = row;
    const exactKey = REQUIRED_COLUMNS.map((column) => values[column]).join('\u0000');
    const firstLine = firstLineByKey.get(exactKey);
    if (firstLine !== undefined) {
      dropped.push(drop(row, DROP_REASONS.duplicate, `same as line ${firstLine}`));
      continue;
    }
    firstLineByKey.set(exactKey, row.line);

    const verdict = checkRow(row, missingNumeric);
    if ('reason' in verdict) {
      dropped.push(drop(row, verdict.reason, verdict.detail));
      continue;
    }
    const kept = keptById.get(verdict.id);
    if (kept !== undefined) {
      const same = kept.key === verdict.key;
      const reason = same ? DROP_REASONS.duplicate : DROP_REASONS.repeatedId;
      dropped.push(drop(row, reason, `CustomerID ${verdict.id} first on line ${kept.line}`));
      continue;
    }
    keptById.set(verdict.id, { line: row.line, key: verdict.key });
    if (values[COLUMNS.gender] !== verdict.gender) {
      genderSpellings.set(values[COLUMNS.gender], (genderSpellings.get(values[COLUMNS.gender]) ?? 0) + 1);
    }
    candidates.push(verdict);
  }

  const { customers, repairs, imputedWith, unimputable } = impute(candidates);
  for (const { candidate, feature } of unimputable) {
    dropped.push(drop(candidate.row, `missing ${feature} in every usable row`, ''));
  }
  dropped.sort((a, b) => a.row.line - b.row.line);

  const droppedBy: Record<string, number> = {};
  for (const { reason } of dropped) droppedBy[reason] = (droppedBy[reason] ?? 0) + 1;

  if (customers.length === 0) {
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

  const outliers = NUMERIC_FEATURES.map((feature) => flagOutliers(customers, feature));
  const warnings = [
    ...dropWarnings(dropped),
    ...imputeWarnings(repairs, imputedWith),
    ...genderWarnings(genderSpellings),
    ...outlierWarnings(outliers),
  ];

  return {
    customers,
    rows: { read: table.read, used: customers.length, dropped: dropped.length, droppedBy, repaired: repairs.length },
    dropped: dropped.map(({ row, reason }) => ({ line: row.line, id: row.values[COLUMNS.id], reason })),
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

/** A row that passed the checks; numeric cells still missing (median mode) are NaN until imputed. */
interface Candidate {
  row: RawRow;
  id: number;
  gender: Gender;
  numbers: Record<FeatureName, number>;
  missing: FeatureName[];
  /** Normalised values, to tell a duplicate from a conflicting repeat of the same CustomerID. */
  key: string;
}

function drop(row: RawRow, reason: string, detail: string): DroppedDetail {
  return { row, reason, detail };
}

type NumberCell = { kind: 'number'; value: number } | { kind: 'missing' } | { kind: 'invalid' };

function readNumber(text: string): NumberCell {
  if (text === '' || MISSING_TOKENS.has(text.toLowerCase())) return { kind: 'missing' };
  if (!NUMBER_PATTERN.test(text)) return { kind: 'invalid' };
  const value = Number(text);
  return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'invalid' };
}

function rangeReason(feature: FeatureName): string {
  const { min, max } = VALID_RANGES[feature];
  if (Number.isFinite(max)) return `${feature} out of range ${min}-${max}`;
  return min === 0 ? `${feature} negative` : `${feature} below ${min}`;
}

function checkRow(row: RawRow, missingNumeric: 'drop' | 'median'): Candidate | { reason: string; detail: string } {
  const { values } = row;
  const idText = values[COLUMNS.id];
  if (idText === '') return { reason: DROP_REASONS.missingId, detail: '' };
  const id = Number(idText);
  if (!INTEGER_PATTERN.test(idText) || !Number.isSafeInteger(id)) {
    return { reason: DROP_REASONS.badId, detail: JSON.stringify(idText) };
  }

  const genderText = values[COLUMNS.gender];
  if (genderText === '') return { reason: DROP_REASONS.missingGender, detail: '' };
  const gender = GENDER_SPELLINGS[genderText.toLowerCase()];
  if (gender === undefined) return { reason: DROP_REASONS.badGender, detail: JSON.stringify(genderText) };

  const numbers = {} as Record<FeatureName, number>;
  const missing: FeatureName[] = [];
  for (const feature of NUMERIC_FEATURES) {
    const text = values[feature];
    const cell = readNumber(text);
    if (cell.kind === 'number') {
      const { min, max } = VALID_RANGES[feature];
      if (cell.value < min || cell.value > max) return { reason: rangeReason(feature), detail: JSON.stringify(text) };
      numbers[feature] = cell.value;
      continue;
    }
    if (missingNumeric === 'drop') {
      return cell.kind === 'missing'
        ? { reason: `missing ${feature}`, detail: text === '' ? '' : JSON.stringify(text) }
        : { reason: `${feature} not a number`, detail: JSON.stringify(text) };
    }
    numbers[feature] = Number.NaN;
    missing.push(feature);
  }
  const key = [id, gender, ...NUMERIC_FEATURES.map((f) => (missing.includes(f) ? `?${values[f]}` : String(numbers[f])))].join('|');
  return { row, id, gender, numbers, missing, key };
}

function impute(candidates: Candidate[]): {
  customers: Customer[];
  repairs: Repair[];
  imputedWith: Partial<Record<FeatureName, number>>;
  unimputable: { candidate: Candidate; feature: FeatureName }[];
} {
  const imputedWith: Partial<Record<FeatureName, number>> = {};
  for (const feature of NUMERIC_FEATURES) {
    if (!candidates.some((c) => c.missing.includes(feature))) continue;
    const present = candidates.filter((c) => !c.missing.includes(feature)).map((c) => c.numbers[feature]);
    if (present.length > 0) imputedWith[feature] = quantileSorted(sorted(present), 0.5);
  }

  const customers: Customer[] = [];
  const repairs: Repair[] = [];
  const unimputable: { candidate: Candidate; feature: FeatureName }[] = [];
  for (const candidate of candidates) {
    const blocked = candidate.missing.find((feature) => imputedWith[feature] === undefined);
    if (blocked !== undefined) {
      unimputable.push({ candidate, feature: blocked });
      continue;
    }
    const numbers = { ...candidate.numbers };
    for (const feature of candidate.missing) {
      const median = imputedWith[feature] as number;
      numbers[feature] = median;
      repairs.push({ line: candidate.row.line, id: candidate.row.values[COLUMNS.id], column: feature, from: candidate.row.values[feature], to: String(median) });
    }
    customers.push({
      id: candidate.id,
      gender: candidate.gender,
      age: numbers[COLUMNS.age],
      income: numbers[COLUMNS.income],
      spending: numbers[COLUMNS.spending],
    });
  }
  return { customers, repairs, imputedWith, unimputable };
}

function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function flagOutliers(customers: Customer[], feature: FeatureName): OutlierFlag {
  const values = sorted(customers.map((c) => featureValue(c, feature)));
  const q1 = quantileSorted(values, 0.25);
  const q3 = quantileSorted(values, 0.75);
  const lower = q1 - 1.5 * (q3 - q1);
  const upper = q3 + 1.5 * (q3 - q1);
  const ids = customers.filter((c) => featureValue(c, feature) < lower || featureValue(c, feature) > upper).map((c) => c.id);
  return { feature, lower, upper, count: ids.length, ids };
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

function dropWarnings(dropped: DroppedDetail[]): string[] {
  const byReason = new Map<string, DroppedDetail[]>();
  for (const d of dropped) byReason.set(d.reason, [...(byReason.get(d.reason) ?? []), d]);
  return [...byReason].map(([reason, group]) => {
    const lines = group.map((d) => d.row.line);
    const linesText = `${lines.length === 1 ? 'line' : 'lines'} ${listed(lines.map(String))}`;
    if (reason === DROP_REASONS.duplicate) {
      return `Dropped ${plural(group.length, 'exact duplicate row')} (${linesText})`;
    }
    if (reason === DROP_REASONS.repeatedId) {
      const details = listed(group.map((d) => `line ${d.row.line}: ${d.detail}`));
      return `Dropped ${plural(group.length, 'row')} repeating a CustomerID with different values, kept the first (${details})`;
    }
    const withValues = group.some((d) => d.detail !== '');
    const details = withValues ? listed(group.map((d) => `line ${d.row.line}: ${d.detail === '' ? 'empty' : d.detail}`)) : linesText;
    return `Dropped ${plural(group.length, 'row')} with ${reason} (${details})`;
  });
}

function imputeWarnings(repairs: Repair[], imputedWith: Partial<Record<FeatureName, number>>): string[] {
  return NUMERIC_FEATURES.flatMap((feature) => {
    const group = repairs.filter((r) => r.column === feature);
    if (group.length === 0) return [];
    const cells = listed(group.map((r) => `line ${r.line}: ${r.from === '' ? 'empty' : JSON.stringify(r.from)}`));
    const median = formatNumber(imputedWith[feature] as number);
    return [`Imputed ${plural(group.length, `missing ${feature} value`)} with the median ${median} of the valid rows (${cells})`];
  });
}

function genderWarnings(spellings: Map<string, number>): string[] {
  if (spellings.size === 0) return [];
  const total = [...spellings.values()].reduce((a, b) => a + b, 0);
  const shown = listed([...spellings.keys()].map((s) => JSON.stringify(s)));
  return [`Read ${plural(total, 'Gender value')} spelled differently (${shown}) as Female/Male`];
}

function outlierWarnings(outliers: OutlierFlag[]): string[] {
  return outliers
    .filter((o) => o.count > 0)
    .map(
      (o) =>
        `${plural(o.count, `${o.feature} value`)} outside ${formatNumber(o.lower)} to ${formatNumber(o.upper)} by the 1.5×IQR rule, kept (CustomerID ${listed(o.ids.map(String))})`,
    );
}
