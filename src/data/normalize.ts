/**
 * The one reading of a record's cells, shared by the report's cleaning, `score`, `predict`, the API and the notebooks,
 * and mirrored by the exported SQL (src/segmentation/sql.ts): trimming, missing-value tokens, numeric text and the spelling
 * of categories. A cell means the same thing whichever entry point reads it.
 */
import { MISSING_TOKENS } from './schema';

/** How a row with a missing number is treated: dropped (refused) or given the training median. */
export type MissingPolicy = 'drop' | 'median';
/** How a category not seen in training is treated: scored as all-zero one-hot and flagged, or refused. */
export type UnknownCategoryPolicy = 'ignore' | 'error';

/** The missing-value policies, for messages and validation. */
export const MISSING_POLICIES: readonly MissingPolicy[] = ['drop', 'median'];
/** The unknown-category policies, for messages and validation. */
export const UNKNOWN_CATEGORY_POLICIES: readonly UnknownCategoryPolicy[] = ['ignore', 'error'];

/** The value written for a missing category of a column that is only profiled (never clustered). */
export const MISSING_CATEGORY = '(missing)';

/** A decimal number as a cell may hold it (after trimming): optional sign, digits, optional fraction and exponent. */
export const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** What a cell holds once read. */
export type NumberCell = { kind: 'number'; value: number } | { kind: 'missing' } | { kind: 'invalid' };

/** The lower-case missing-value tokens of a schema (`missingValues`, default {@link MISSING_TOKENS}). */
export function missingTokenSet(tokens: readonly string[] | undefined): ReadonlySet<string> {
  return new Set((tokens ?? MISSING_TOKENS).map((t) => t.toLowerCase()));
}

/**
 * The text of a cell: trimmed; null when the cell is missing (absent, null, empty after trimming, or a missing-value
 * token compared ignoring case). Numbers become their shortest text.
 */
export function cellText(value: unknown, missing: ReadonlySet<string>): string | null {
  if (value === undefined || value === null) return null;
  const text = (typeof value === 'string' ? value : String(value)).trim();
  return text === '' || missing.has(text.toLowerCase()) ? null : text;
}

/**
 * Reads a numeric cell: a finite number, a JSON number, or numeric text (spaces around it allowed) is a number; an
 * absent or empty cell or a missing-value token is missing; anything else (including a non-finite value) is invalid.
 */
export function readNumber(value: unknown, missing: ReadonlySet<string>): NumberCell {
  if (typeof value === 'number') return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'invalid' };
  if (value !== undefined && value !== null && typeof value !== 'string') return { kind: 'invalid' };
  const text = cellText(value, missing);
  if (text === null) return { kind: 'missing' };
  if (!NUMBER_PATTERN.test(text)) return { kind: 'invalid' };
  const x = Number(text);
  return Number.isFinite(x) ? { kind: 'number', value: x } : { kind: 'invalid' };
}

/** The case and padding fold used to compare category spellings (the exported SQL writes `UPPER(TRIM(x))`). */
export function foldCategory(text: string): string {
  return text.trim().toUpperCase();
}

/** What a category cell is, read against the spellings learned at training. */
export type CategoryCell = { kind: 'value'; value: string } | { kind: 'missing' } | { kind: 'unknown'; text: string };

/**
 * Reads category cells against the values learned at training: a cell is one of `values` when it equals one ignoring
 * case and padding, or when it is one of `aliases` (keys compared the same way, e.g. {"f": "Female"}); it is missing
 * when absent, empty, a missing-value token or "(missing)"; anything else is unknown.
 */
export class CategoryReader {
  private readonly byFold = new Map<string, string>();
  constructor(
    values: readonly string[],
    aliases: Readonly<Record<string, string>> | undefined,
    private readonly missing: ReadonlySet<string>,
  ) {
    for (const [alias, value] of Object.entries(aliases ?? {})) this.byFold.set(foldCategory(alias), value);
    // A learned value wins over an alias spelled the same.
    for (const v of values) this.byFold.set(foldCategory(v), v);
  }

  /** The folded keys each value is read from, value -> keys (for the SQL mirror). */
  keysByValue(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [key, value] of this.byFold) out.set(value, [...(out.get(value) ?? []), key]);
    return out;
  }

  read(value: unknown): CategoryCell {
    const text = cellText(value, this.missing);
    if (text === null || text === MISSING_CATEGORY) return { kind: 'missing' };
    const known = this.byFold.get(foldCategory(text));
    return known === undefined ? { kind: 'unknown', text } : { kind: 'value', value: known };
  }
}
