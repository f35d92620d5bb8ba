/** Which columns the 2D scatter draws: the user's choice, the schema's `plot`, else the best-separating features. */
import type { Customers } from '../data/clean';
import { headerKey, numericColumns, numericFeatures } from '../data/schema';
import { OptionsError } from '../util/errors';

/** The 2D scatter's columns (`--plot-x`, `--plot-y`); each absent one is chosen (see {@link choosePlotColumns}). */
export interface PlotChoice {
  /** Column on the x axis: a numeric column of the schema, matched ignoring case and spaces. Default: chosen. */
  x?: string;
  /** Column on the y axis, as `x`. Default: chosen. */
  y?: string;
}

/** The columns chosen and why. */
export interface PlotColumns {
  x: string;
  y: string;
  /** 'option' (one or both given), 'schema' (the schema's `plot`), or 'separation' (chosen by {@link separationScores}). */
  rule: 'option' | 'schema' | 'separation';
}

/**
 * How well each numeric column separates the segments: the share of its variance that lies between segments,
 * sum_s n_s (mean_s - mean)^2 / sum_i (x_i - mean)^2, in 0..1 (the correlation ratio eta squared; an F-like ratio,
 * unchanged when the column is standardized). A constant column scores 0.
 * @param columns numeric columns of `data` to score; default every numeric column of its schema
 * @returns score per column, in `columns` order
 * @example separationScores(data, labels) // { Age: 0.42, 'Annual Income (k$)': 0.61, ... }
 */
export function separationScores(data: Customers, labels: ArrayLike<number>, columns: readonly string[] = numericColumns(data.schema)): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const column of columns) {
    const values = data.numeric[column]!;
    const sums = new Map<number, { n: number; sum: number }>();
    let total = 0;
    for (let i = 0; i < values.length; i++) {
      total += values[i]!;
      const s = sums.get(labels[i]!) ?? { n: 0, sum: 0 };
      s.n += 1;
      s.sum += values[i]!;
      sums.set(labels[i]!, s);
    }
    const mean = total / values.length;
    let totalSs = 0;
    for (let i = 0; i < values.length; i++) totalSs += (values[i]! - mean) ** 2;
    let betweenSs = 0;
    for (const { n, sum } of sums.values()) betweenSs += n * (sum / n - mean) ** 2;
    // relative tolerance: a constant column's float noise is not separation
    scores[column] = totalSs > 1e-12 * Math.max(1, mean * mean) * values.length ? Math.min(1, betweenSs / totalSs) : 0;
  }
  return scores;
}

/**
 * The 2D scatter's columns. Given columns are checked first; a missing one is filled from the candidates, in order:
 * the schema's `plot` pair, then the numeric clustering features by {@link separationScores} (highest first, ties in
 * feature order), then the other numeric columns likewise; the first candidate not already on the other axis wins.
 * Mall: Annual Income (x) against Spending Score (y).
 * @throws OptionsError when a given column is not a numeric column of the schema (naming it and the choices), when
 *   x and y are the same column, or when the table has fewer than two numeric columns.
 */
export function choosePlotColumns(data: Customers, labels: ArrayLike<number>, choice: PlotChoice = {}): PlotColumns {
  const { schema } = data;
  const numeric = numericColumns(schema);
  const resolve = (name: string | undefined, option: 'plot-x' | 'plot-y'): string | undefined => {
    if (name === undefined) return undefined;
    const found = numeric.find((c) => headerKey(c) === headerKey(name));
    if (found === undefined) {
      throw new OptionsError(`--${option} "${name}" is not a numeric column of the table; choose one of: ${numeric.join(', ') || '(none)'}`, option);
    }
    return found;
  };
  const x = resolve(choice.x, 'plot-x');
  const y = resolve(choice.y, 'plot-y');
  if (x !== undefined && x === y) throw new OptionsError(`--plot-x and --plot-y are both "${x}"; choose two different columns`, 'plot-y');
  if (x !== undefined && y !== undefined) return { x, y, rule: 'option' };
  if (numeric.length < 2) {
    throw new OptionsError(`the 2D chart needs two numeric columns; the table has ${numeric.length} (${numeric.join(', ') || 'none'})`, 'plot-x');
  }
  const features = numericFeatures(schema);
  const byScore = (columns: string[]) => {
    const scores = separationScores(data, labels, columns);
    return columns.map((c, i) => ({ c, i })).sort((a, b) => scores[b.c]! - scores[a.c]! || a.i - b.i).map((e) => e.c);
  };
  const ranked = [...byScore(features), ...byScore(numeric.filter((c) => !features.includes(c)))];
  const fromSchema = schema.plot ? [schema.plot.x, schema.plot.y].filter((c) => numeric.includes(c)) : [];
  const candidates = [...fromSchema, ...ranked];
  const pickedX = x ?? candidates.find((c) => c !== y)!;
  const pickedY = y ?? candidates.find((c) => c !== pickedX)!;
  const rule = x !== undefined || y !== undefined ? 'option' : fromSchema.length === 2 ? 'schema' : 'separation';
  return { x: pickedX, y: pickedY, rule };
}
