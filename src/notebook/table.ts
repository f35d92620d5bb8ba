/**
 * Tables for notebook cells: danfojs frames and series, or lists of records, as small HTML tables (danfojs' own
 * `print()` draws a console box that cuts long column names such as "Spending Score (1-100)").
 */
import { tslabDisplay } from './tslabDisplay';
import { escapeHtml } from '../figures/html';

/** What {@link tableHtml} accepts: a danfojs DataFrame or Series (duck-typed), or a list of records. */
export type TableInput =
  | { index: readonly (string | number)[]; values: readonly unknown[]; columns?: readonly string[]; ndim?: number }
  | readonly object[];

/** Options of {@link tableHtml}. */
export interface TableOptions {
  /** Rows shown; the rest are summarised as "… N more rows". Default 20. */
  maxRows?: number;
  /** Decimals kept for non-integer numbers. Default 3. */
  digits?: number;
  /** Caption above the table. Default: none. */
  caption?: string;
  /** Show the frame's index as the first column (frames and series only). Default true. */
  index?: boolean;
  /** Header of a series' values column. Default 'value'. */
  valueName?: string;
}

function formatCell(value: unknown, digits: number): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(digits)));
  }
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => formatCell(v, digits)).join(', ');
  return String(value);
}

/**
 * An HTML `<table>` of a danfojs DataFrame / Series or a list of records (columns: the first record's keys). Pure.
 *
 * @example
 * tableHtml([{ column: 'Age', missing: 0 }]) // '<table ...><thead><tr><th>column</th><th>missing</th>...'
 */
export function tableHtml(input: TableInput, options: TableOptions = {}): string {
  const { maxRows = 20, digits = 3, caption, index = true, valueName = 'value' } = options;
  let header: string[];
  let rows: unknown[][];
  if (Array.isArray(input)) {
    const records = input as readonly Record<string, unknown>[];
    header = records.length ? Object.keys(records[0]) : [];
    rows = records.map((r) => header.map((h) => r[h]));
  } else {
    const frame = input as Exclude<TableInput, readonly object[]>;
    const isSeries = frame.ndim === 1 || !Array.isArray(frame.values[0]);
    const columns = isSeries ? [valueName] : [...(frame.columns ?? [])];
    const values = isSeries ? frame.values.map((v) => [v]) : (frame.values as unknown[][]);
    header = index ? ['', ...columns] : columns;
    rows = values.map((r, i) => (index ? [frame.index[i], ...r] : [...r]));
  }
  const shown = rows.slice(0, maxRows);
  const cell = (tag: 'td' | 'th', v: unknown) => `<${tag}>${escapeHtml(formatCell(v, digits))}</${tag}>`;
  const more = rows.length > shown.length ? `<tr><td colspan="${header.length}">… ${rows.length - shown.length} more rows</td></tr>` : '';
  return (
    '<table class="dataframe" style="border-collapse:collapse;font-size:12px">' +
    (caption ? `<caption style="text-align:left;font-weight:bold">${escapeHtml(caption)}</caption>` : '') +
    `<thead><tr>${header.map((h) => cell('th', h)).join('')}</tr></thead>` +
    `<tbody>${shown.map((r) => `<tr>${r.map((v) => cell('td', v)).join('')}</tr>`).join('')}${more}</tbody></table>`
  );
}

/** Shows {@link tableHtml} as the output of the current notebook cell (tslab kernel only). */
export function showTable(input: TableInput, options: TableOptions = {}): void {
  tslabDisplay().html(tableHtml(input, options));
}
