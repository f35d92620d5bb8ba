// Cleaning: the rules each row is checked against (id, categories, numbers, ranges), compiled once per table.
import { OptionsError } from '../../util/errors';
import { readNumber } from '../normalize';
import { categoricalColumns, field, missingTokens, numericColumns, type TableSchema } from '../schema';
import type { CleanOptions } from './types';
import { categoryColumn, MISSING_CODE, UNRECOGNISED, type CategoryColumn } from './spelling';

/** What each column of the schema needs checked, worked out once per table; `pos` is the field's index. */
export interface Rules {
  id: { name: string; pos: number; integer: boolean } | null;
  categories: CategoryColumn[];
  numbers: { name: string; pos: number; min: number; max: number; reason: string }[];
  missing: ReadonlySet<string>;
}

/** Why a row is dropped: the reason (the key of `rows.droppedBy`) and extra words for the warning. */
export interface Verdict {
  reason: string;
  /** The offending value or the line the row repeats ('' for none). */
  detail: string;
}

const INTEGER_PATTERN = /^\d+(\.0*)?$/;

/** The policy for a missing or non-numeric number: the option, else the schema's `missing`, else 'drop'.
 * @throws OptionsError when it is not 'drop' or 'median'. */
export function missingNumericPolicy(schema: TableSchema, missingNumeric: CleanOptions['missingNumeric']): 'drop' | 'median' {
  const policy = missingNumeric === undefined ? (schema.missing ?? 'drop') : missingNumeric;
  if (policy !== 'drop' && policy !== 'median') {
    throw new OptionsError(`invalid missingNumeric: ${JSON.stringify(policy)}; use 'drop' or 'median'`, 'missingNumeric');
  }
  return policy;
}

/** The rules of a table's schema: its id, category and number columns with their positions, ranges and drop reasons. */
export function compileRules(schema: TableSchema): Rules {
  const missing = missingTokens(schema);
  const pos = (name: string) => schema.fields.findIndex((f) => f.name === name);
  const id =
    schema.primaryKey === undefined ? null : { name: schema.primaryKey, pos: pos(schema.primaryKey), integer: field(schema, schema.primaryKey).type === 'integer' };
  const categories = categoricalColumns(schema).map((name) => categoryColumn(schema, name, pos(name), missing));
  const numbers = numericColumns(schema).map((name) => {
    const c = field(schema, name).constraints ?? {};
    const min = c.minimum ?? Number.NEGATIVE_INFINITY;
    const max = c.maximum ?? Number.POSITIVE_INFINITY;
    return { name, pos: pos(name), min, max, reason: rangeReason(name, min, max) };
  });
  return { id, categories, numbers, missing };
}

function rangeReason(column: string, min: number, max: number): string {
  if (Number.isFinite(min) && Number.isFinite(max)) return `${column} out of range ${min}-${max}`;
  if (Number.isFinite(min)) return min === 0 ? `${column} negative` : `${column} below ${min}`;
  return `${column} above ${max}`;
}

/** The cells of the row being checked, reused for every row (no per-row allocation on the hot path). */
export class Scratch {
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

/**
 * Checks one row (cells in schema field order) against rules 2-5 of `cleanCustomers` into `out`; returns the drop
 * verdict, or null when the row is usable. `rowNumber` is the row's id when the table has no id column.
 */
export function checkRow(cells: readonly string[], rowNumber: number, rules: Rules, missingNumeric: 'drop' | 'median', out: Scratch): Verdict | null {
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
