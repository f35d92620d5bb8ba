// Cleaning: median imputation of missing numbers (`missingNumeric: 'median'`) and the medians stored in the model.
import { quantileSorted } from '../../util/stats';
import type { Rules } from './rules';
import type { CandidateStore } from './storage';
import type { Repair } from './types';

/** What {@link impute} did. */
export interface Imputation {
  /** Cells set to their column's median, in row order. */
  repairs: Repair[];
  /** The median imputed into each numeric column (rules.numbers order); undefined where nothing was imputed. */
  imputedWith: (number | undefined)[];
  /** Rows with a missing cell in a column no kept row has a value for: dropped ('missing <feature> in every usable
   * row'). */
  unimputable: { index: number; feature: string }[];
}

/**
 * Sets each missing numeric cell of the stored rows (NaN, listed in `store.missing`) to the median of its column over
 * the stored rows that have a value, in place.
 */
export function impute(store: CandidateStore, rules: Rules): Imputation {
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

/** The median of every numeric column that has one (the value imputed, or the column's median when nothing was):
 * what the model stores to impute when scoring. Call after {@link impute}. */
export function trainingMedians(store: CandidateStore, rules: Rules, imputedWith: readonly (number | undefined)[]): Record<string, number> {
  const medians: Record<string, number> = {};
  for (let j = 0; j < rules.numbers.length; j++) {
    const median = imputedWith[j] ?? columnMedian(store, j);
    if (median !== undefined) medians[rules.numbers[j].name] = median;
  }
  return medians;
}

/** Median of a numeric column without holes, over every candidate row. */
function columnMedian(store: CandidateStore, j: number): number | undefined {
  const values = store.numbers[j].view();
  return values.length > 0 ? quantileSorted(Float64Array.from(values).sort(), 0.5) : undefined;
}

function idText(rules: Rules, id: string | number): string {
  return rules.id === null ? '' : String(id);
}
