/**
 * "Look at the data" summaries for the preprocessing notebook, for a table of any schema. Missing values and
 * duplicates are read from what `cleanCustomers` did (its drop reasons, repairs and kept "(missing)" categories), so
 * the notebook shows the library's cleaning rules rather than rules of its own; the rest (quartiles and skewness,
 * category counts, a distribution chart) are pure functions over the clean columns.
 */
import { DROP_REASONS, MISSING_CATEGORY, type CleanResult, type Customers } from '../data/clean';
import { axisTitle, categoricalColumns, numericColumns, numericFeatures } from '../data/schema';
import { categoryValues } from '../features/encode';
import { SEGMENT_PALETTE } from '../figures/colors';
import type { PlotlyFigure } from '../figures/specs';
import { quantileSorted } from '../util/stats';

/** What cleaning did about one column. Each dropped row counts once, under the first rule it broke (see cleanCustomers). */
export interface ColumnIssues {
  column: string;
  /** 'id' (the primaryKey), 'feature' (clustered), 'categorical' (profiled only) or 'numeric' (profiled only). */
  role: 'id' | 'feature' | 'categorical' | 'numeric';
  /** Rows dropped because the cell was empty or a missing token ("missing <column>"). */
  missing: number;
  /** Rows dropped because the cell was not a number ("<column> not a number"; an integer id: "not an integer"). */
  notNumber: number;
  /** Rows dropped because the category is not one the schema accepts ("unrecognised <column>"). */
  unrecognised: number;
  /** Rows dropped because the value is outside the schema's range ("<column> out of range", "negative", ...). */
  outOfRange: number;
  /** Cells set to the column median (cleaning with `missingNumeric: 'median'`). */
  imputed: number;
  /** Clean customers whose category is "(missing)" (a missing cell in a column that does not require one). */
  keptAsMissing: number;
  /** Rows dropped for this column, percent of the rows read, 0-100. */
  droppedPercent: number;
}

/**
 * Per schema column (field order), the rows cleaning dropped because of it and the cells it repaired or kept as
 * "(missing)". Derived only from `cleaning` (drop reasons are matched to columns by the wording cleanCustomers
 * documents); duplicates are in {@link duplicateRows}. Pure.
 * @example columnIssues(cleanCustomers(table)) // [{ column: 'CustomerID', role: 'id', missing: 0, ... }, ...]
 */
export function columnIssues(cleaning: CleanResult): ColumnIssues[] {
  const { schema } = cleaning.data;
  const columns = schema.fields.map((f) => f.name);
  // Longest names first, so that "Age group negative" is not read as a problem of "Age".
  const byLength = [...columns].sort((a, b) => b.length - a.length);
  const counts = new Map<string, Record<IssueKind, number>>(columns.map((c) => [c, { missing: 0, notNumber: 0, unrecognised: 0, outOfRange: 0 }]));
  for (const [reason, n] of Object.entries(cleaning.rows.droppedBy)) {
    const match = byLength.map((c) => [c, kindOf(reason, c)] as const).find(([, kind]) => kind !== null);
    if (match) counts.get(match[0])![match[1]!] += n;
  }
  const features = new Set(schema.features);
  const categorical = new Set(categoricalColumns(schema));
  return columns.map((column) => {
    const c = counts.get(column)!;
    const dropped = c.missing + c.notNumber + c.unrecognised + c.outOfRange;
    return {
      column,
      role: column === schema.primaryKey ? 'id' : features.has(column) ? 'feature' : categorical.has(column) ? 'categorical' : 'numeric',
      ...c,
      imputed: cleaning.repairs.filter((r) => r.column === column).length,
      keptAsMissing: categorical.has(column) ? cleaning.data.categorical[column].filter((v) => v === MISSING_CATEGORY).length : 0,
      droppedPercent: cleaning.rows.read === 0 ? 0 : (100 * dropped) / cleaning.rows.read,
    };
  });
}

type IssueKind = 'missing' | 'notNumber' | 'unrecognised' | 'outOfRange';

/** Which count a drop reason of cleanCustomers adds to for `column`, or null when the reason is not about it. */
function kindOf(reason: string, column: string): IssueKind | null {
  if (reason === `missing ${column}` || reason === `missing ${column} in every usable row`) return 'missing';
  if (reason === `unrecognised ${column}`) return 'unrecognised';
  if (reason === `${column} not a number` || reason === `${column} not an integer`) return 'notNumber';
  if (reason.startsWith(`${column} `)) return 'outOfRange';
  return null;
}

/** Duplicates cleaning dropped. */
export interface DuplicateReport {
  /** Rows dropped as "duplicate row": every cell equal to an earlier row's, or the same id with equal normalised values. */
  exact: number;
  /** Their 1-based file lines. */
  exactLines: number[];
  /** Rows dropped because they repeat an earlier row's id with different values (the first is kept). */
  repeatedIds: number;
  repeatedIdLines: number[];
}

/** Duplicate rows and repeated ids, as cleanCustomers dropped them. Pure. */
export function duplicateRows(cleaning: CleanResult): DuplicateReport {
  const { primaryKey } = cleaning.data.schema;
  const exactLines = cleaning.dropped.filter((d) => d.reason === DROP_REASONS.duplicate).map((d) => d.line);
  const repeatedIdLines = primaryKey === undefined ? [] : cleaning.dropped.filter((d) => d.reason === `repeated ${primaryKey}`).map((d) => d.line);
  return { exact: exactLines.length, exactLines, repeatedIds: repeatedIdLines.length, repeatedIdLines };
}

/** Distribution of one numeric column over clean customers. */
export interface ColumnStats {
  column: string;
  count: number;
  mean: number;
  /** Sample standard deviation (n − 1), as pandas' describe(). */
  std: number;
  min: number;
  /** Quartiles by linear interpolation (pandas' default). */
  q25: number;
  median: number;
  q75: number;
  max: number;
  /** Adjusted Fisher–Pearson skewness (pandas' `skew()`); NaN for fewer than 3 customers. */
  skew: number;
}

/** Options of {@link numericStats}. */
export interface NumericStatsOptions {
  /** Numeric columns to describe. Default: every numeric column of the schema (features and profiled ones), field order. */
  columns?: readonly string[];
}

/**
 * pandas-style `describe()` with quartiles and skewness for numeric columns (danfojs' describe has no quartiles).
 * Pure. No customers give count 0 and NaN elsewhere.
 */
export function numericStats(data: Customers, options: NumericStatsOptions = {}): ColumnStats[] {
  const { columns = numericColumns(data.schema) } = options;
  return columns.map((column) => {
    const values = data.numeric[column].subarray(0, data.n);
    const n = values.length;
    const sorted = Float64Array.from(values).sort();
    const mean = values.reduce((s, v) => s + v, 0) / n;
    const m2 = values.reduce((s, v) => s + (v - mean) ** 2, 0);
    const m3 = values.reduce((s, v) => s + (v - mean) ** 3, 0);
    const g1 = m3 / n / (m2 / n) ** 1.5;
    return {
      column,
      count: n,
      mean,
      std: Math.sqrt(m2 / (n - 1)),
      min: n ? sorted[0] : NaN,
      q25: n ? quantileSorted(sorted, 0.25) : NaN,
      median: n ? quantileSorted(sorted, 0.5) : NaN,
      q75: n ? quantileSorted(sorted, 0.75) : NaN,
      max: n ? sorted[n - 1] : NaN,
      skew: n < 3 ? NaN : (Math.sqrt(n * (n - 1)) / (n - 2)) * g1,
    };
  });
}

/** Customers per value of one categorical column. */
export interface CategoryCount {
  column: string;
  value: string;
  customers: number;
  /** customers / n, 0-1. */
  share: number;
}

/**
 * Customers per value of every categorical column (schema order; values in the order the encoding and the profiles
 * use: the enum, else sorted; a value of the enum nobody has counts 0). Pure.
 */
export function categoryCounts(data: Customers): CategoryCount[] {
  return categoricalColumns(data.schema).flatMap((column) => {
    const values = data.categorical[column];
    return categoryValues(data.schema, values, column).map((value) => {
      const customers = values.filter((v) => v === value).length;
      return { column, value, customers, share: data.n ? customers / data.n : 0 };
    });
  });
}

/** Options of {@link distributionFigure}. */
export interface DistributionFigureOptions {
  /** Histogram bins per numeric column. Default 20. */
  bins?: number;
  /** Panels per row of the grid. Default 3 (fewer when there are fewer panels). */
  perRow?: number;
}

const CATEGORY_BAR_COLOR = '#8c8c8c';

/**
 * Plotly spec of the data before clustering: one histogram per numeric column (clustering features first, then the
 * other numeric columns) and one bar chart of the counts per categorical column, in a grid. Axis titles come from the
 * schema (title and unit). Pure (figures are data; render with the notebook display).
 */
export function distributionFigure(data: Customers, options: DistributionFigureOptions = {}): PlotlyFigure {
  const { bins = 20, perRow = 3 } = options;
  const { schema } = data;
  const features = numericFeatures(schema);
  const numeric = [...features, ...numericColumns(schema).filter((c) => !features.includes(c))];
  const categorical = categoricalColumns(schema);
  const counts = categoryCounts(data);
  const panels = numeric.length + categorical.length;
  const columns = Math.max(1, Math.min(perRow, panels));
  const rows = Math.max(1, Math.ceil(panels / columns));
  const traces: Record<string, unknown>[] = [
    ...numeric.map((column, i) => ({
      type: 'histogram',
      name: column,
      x: Array.from(data.numeric[column]),
      nbinsx: bins,
      marker: { color: SEGMENT_PALETTE[0], line: { color: '#ffffff', width: 1 } },
      xaxis: `x${i + 1}`,
      yaxis: `y${i + 1}`,
      showlegend: false,
    })),
    ...categorical.map((column, i) => {
      const mine = counts.filter((c) => c.column === column);
      return {
        type: 'bar',
        name: column,
        x: mine.map((c) => c.value),
        y: mine.map((c) => c.customers),
        marker: { color: CATEGORY_BAR_COLOR, line: { color: '#333333', width: 1 } },
        xaxis: `x${numeric.length + i + 1}`,
        yaxis: `y${numeric.length + i + 1}`,
        showlegend: false,
      };
    }),
  ];
  const layout: Record<string, unknown> = {
    title: { text: `Distributions of ${data.n} customers` },
    grid: { rows, columns, pattern: 'independent' },
    width: Math.max(600, 320 * columns),
    height: 120 + 280 * rows,
    margin: { t: 60, l: 60, r: 20, b: 60 },
    bargap: 0.05,
  };
  [...numeric, ...categorical].forEach((column, i) => {
    layout[`xaxis${i + 1}`] = { title: { text: axisTitle(schema, column) }, ...(categorical.includes(column) ? { type: 'category' } : {}) };
    layout[`yaxis${i + 1}`] = { title: { text: 'customers' } };
  });
  return { data: traces, layout };
}
