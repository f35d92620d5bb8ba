// Cleaning: the orchestration. Each row read goes through the rules, the duplicate check and the storage; the end of
// the table imputes, builds the columns, flags outliers and words the warnings.
import { DataError } from '../../util/errors';
import type { RawTable } from '../parse';
import type { TableSchema } from '../schema';
import { DuplicateCheck } from './dedupe';
import { impute, trainingMedians } from './impute';
import { flagOutliers } from './outliers';
import { checkRow, compileRules, missingNumericPolicy, Scratch, type Rules } from './rules';
import { CandidateStore, NO_CELLS, toColumns, type DroppedDetail } from './storage';
import type { CleanerOptions, CleanOptions, CleanResult } from './types';
import { dropWarnings, imputeWarnings, noUsableRowsMessage, outlierWarnings, spellingWarnings } from './warnings';

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

/**
 * Cleans a table row by row, as it is read: the streaming form of {@link cleanCustomers} (same rules, same result),
 * for tables too large to hold as text rows. Memory per row: its numeric cells (8 bytes each), category codes
 * (4 bytes each), its id and line, and the duplicate check's share (see {@link DuplicateCheck}: 1.4 to 2.9 hash
 * slots of 13 bytes, and 8 bytes with an id column); dropped rows keep their cells for the report.
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
  private readonly duplicates: DuplicateCheck;
  /** The file's other cells of the row being added (kept with it when it is dropped). */
  private others: readonly string[] = NO_CELLS;
  private read = 0;
  private finished = false;

  constructor(
    readonly schema: TableSchema,
    options: CleanerOptions = {},
  ) {
    const { source = '<input>', expected = 1024 } = options;
    this.missingNumeric = missingNumericPolicy(schema, options.missingNumeric);
    this.source = source;
    this.rules = compileRules(schema);
    this.store = new CandidateStore(this.rules, expected);
    this.scratch = new Scratch(this.rules);
    this.duplicates = new DuplicateCheck(this.rules, this.store, this.scratch, this.dropped, expected);
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
    const verdict = this.duplicates.check(cells, others, problem);
    if (verdict === null) this.keep(line, cells);
    else this.duplicates.dropped(this.drop(line, cells, verdict.reason, verdict.detail, null));
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
    const medians = this.missingNumeric === 'median' ? trainingMedians(store, rules, imputedWith) : undefined;
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

    if (store.size - unimputable.length === 0) throw new DataError(noUsableRowsMessage(this.source, this.read, droppedBy), this.source);

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
