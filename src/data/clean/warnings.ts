// Cleaning: the words of the warnings and of the refusal of a table with no usable row.
import type { Rules } from './rules';
import type { CategoryColumn } from './spelling';
import type { DroppedDetail } from './storage';
import { DROP_REASONS, type OutlierFlag, type Repair } from './types';

/** At most this many lines or values are listed in one warning; the rest are counted. */
const MAX_LISTED = 10;

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

/** One sentence per drop reason, in order of first appearance, naming the lines (and values, where there are). */
export function dropWarnings(dropped: readonly DroppedDetail[], idName: string | null): string[] {
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

/** One sentence per numeric column with imputed cells: how many, the median, the cells. */
export function imputeWarnings(repairs: readonly Repair[], imputedWith: readonly (number | undefined)[], rules: Rules): string[] {
  return rules.numbers.flatMap(({ name }, j) => {
    const group = repairs.filter((r) => r.column === name);
    if (group.length === 0) return [];
    const cells = listed(group.map((r) => `line ${r.line}: ${r.from === '' ? 'empty' : JSON.stringify(r.from)}`));
    const median = formatNumber(imputedWith[j] as number);
    return [`Imputed ${plural(group.length, `missing ${name} value`)} with the median ${median} of the valid rows (${cells})`];
  });
}

/** A sentence for a categorical column whose kept rows spell a value in another way than the one written. */
export function spellingWarnings(column: CategoryColumn): string[] {
  const spellings = column.respelled();
  if (spellings.size === 0) return [];
  let total = 0;
  for (const { count } of spellings.values()) total += count;
  const shown = listed([...spellings.keys()].map((s) => JSON.stringify(s)));
  const targets = column.values ?? [...new Set([...spellings.values()].map((s) => s.value))];
  return [`Read ${plural(total, `${column.name} value`)} spelled differently (${shown}) as ${targets.join('/')}`];
}

/** One sentence per numeric column with outliers, naming them by `idName`. */
export function outlierWarnings(outliers: readonly OutlierFlag[], idName: string): string[] {
  return outliers
    .filter((o) => o.count > 0)
    .map(
      (o) =>
        `${plural(o.count, `${o.feature} value`)} outside ${formatNumber(o.lower)} to ${formatNumber(o.upper)} by the 1.5×IQR rule, kept (${idName} ${listed(o.ids.map(String))})`,
    );
}

/** The refusal of a table whose every row was dropped: the source, the rows read and the three main reasons. */
export function noUsableRowsMessage(source: string, read: number, droppedBy: Readonly<Record<string, number>>): string {
  const reasons = Object.entries(droppedBy)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([reason, count]) => `${count} × ${reason}`);
  const more = Object.keys(droppedBy).length > 3 ? ', ...' : '';
  return `No usable rows in ${source}: read ${read}, dropped all (${reasons.join(', ')}${more}); fix those cells and retry`;
}
