// The dirty cells of a generated example table (`--dirty`): the mistakes real exports have, put into clean rows.
import { sampleWithoutReplacement, type Rng } from '../util/random';

/**
 * Kinds of dirty cells: in a numeric column an empty cell, `NA`, a non-number (`abc`), a negative value; a row
 * that repeats another row exactly (`duplicate-row`); a row that takes another row's id but keeps its own values
 * (`repeated-id`); a category with a leading space and lower case (` north`), in upper case (`NORTH`), or empty.
 */
export type DirtyKind =
  | 'empty-number'
  | 'na-number'
  | 'not-a-number'
  | 'negative-number'
  | 'duplicate-row'
  | 'repeated-id'
  | 'padded-category'
  | 'upper-category'
  | 'empty-category';

/** One spoiled row of a dirty table. */
export interface DirtyCell {
  kind: DirtyKind;
  /** 0-based data row (the CSV line number is `row + 2`). */
  row: number;
  /** The spoiled column; for `duplicate-row` and `repeated-id`, the id column. */
  column: string;
  /** The cell's text as written. */
  value: string;
  /** For `duplicate-row` and `repeated-id`: the 0-based row whose values or id were copied. */
  copyOf?: number;
}

/** Share of a dirty table's rows that are spoiled (at least one row of each kind). */
const DIRTY_SHARE = 0.01;
/** Fewest rows a dirty table may have. */
export const MIN_DIRTY_ROWS = 50;

/** The columns of the table to spoil, by role (an example table's columns). */
export interface TableColumns {
  readonly id: string;
  readonly features: readonly string[];
  readonly categorical: readonly string[];
  /** Every column in header order, the id first. */
  readonly header: readonly string[];
}

/** Spoils rows of `cells` and `ids` in place; returns what it did, in row order. */
export function spoil(cells: string[][], ids: string[], columns: TableColumns, rng: Rng): DirtyCell[] {
  const kinds: DirtyKind[] = ['empty-number', 'na-number', 'not-a-number', 'negative-number', 'duplicate-row', 'repeated-id'];
  if (columns.categorical.length > 0) kinds.push('padded-category', 'upper-category', 'empty-category');
  const rows = cells.length;
  const nDirty = Math.max(kinds.length, Math.round(rows * DIRTY_SHARE));
  // Targets and the rows they copy from are all distinct, so every spoiled row is spoiled once and copies clean values.
  const picked = sampleWithoutReplacement(rng, rows, 2 * nDirty);
  const cellIndex = (column: string): number => columns.header.indexOf(column) - 1;
  const out: DirtyCell[] = [];
  for (let d = 0; d < nDirty; d++) {
    const kind = kinds[d % kinds.length];
    const row = picked[d];
    const source = picked[nDirty + d];
    const numeric = columns.features[rng.nextInt(columns.features.length)];
    const category = columns.categorical[rng.nextInt(Math.max(1, columns.categorical.length))];
    let column = numeric;
    let value: string;
    switch (kind) {
      case 'empty-number':
        value = '';
        break;
      case 'na-number':
        value = 'NA';
        break;
      case 'not-a-number':
        value = 'abc';
        break;
      case 'negative-number': {
        const current = Number(cells[row][cellIndex(numeric)]);
        value = String(-(current > 0 ? current : 1));
        break;
      }
      case 'duplicate-row':
        cells[row] = [...cells[source]];
        ids[row] = ids[source];
        out.push({ kind, row, column: columns.id, value: ids[row], copyOf: source });
        continue;
      case 'repeated-id':
        ids[row] = ids[source];
        out.push({ kind, row, column: columns.id, value: ids[row], copyOf: source });
        continue;
      case 'padded-category':
        column = category;
        value = ` ${cells[row][cellIndex(category)].toLowerCase()}`;
        break;
      case 'upper-category':
        column = category;
        value = cells[row][cellIndex(category)].toUpperCase();
        break;
      case 'empty-category':
        column = category;
        value = '';
        break;
    }
    cells[row][cellIndex(column)] = value;
    out.push({ kind, row, column, value });
  }
  return out.sort((a, b) => a.row - b.row);
}
