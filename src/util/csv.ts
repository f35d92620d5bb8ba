/**
 * Writing CSV cells. Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
 * return: CSV injection, OWASP) is written with a leading `'`, which spreadsheets show as text; numbers keep their
 * sign, and text that is a plain number (`-3.5`, an id `-12`) is not a formula and stays as it is.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** True for text that {@link csvCell}'s guard writes with a leading `'` (formula-like and not a plain number). */
export function formulaLike(value: string): boolean {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value);
}

/** A CSV cell: quoted when it holds `"`, `,` or a line break; with `guard` (default true), formula-like text gets a leading `'`. */
export function csvCell(value: string | number | boolean, guard = true): string {
  if (typeof value !== 'string') return String(value);
  const s = guard && formulaLike(value) ? `'${value}` : value;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
