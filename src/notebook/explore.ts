/**
 * "Look at the data" summaries for the preprocessing notebook that danfojs does not give: missing cells of the raw
 * file, duplicate rows, quartiles per feature, and a distribution chart spec. Pure functions over typed data.
 */
import { quantileSorted as quantile } from '../util/stats';
import type { RawTable } from '../data/parse';
import { COLUMNS, NUMERIC_FEATURES, REQUIRED_COLUMNS, featureValue, type Customer, type FeatureName } from '../data/schema';
import { GENDER_COLORS, SEGMENT_PALETTE } from '../figures/colors';
import type { PlotlyFigure } from '../figures/specs';

/** Cell texts read as missing (lower case, after trimming), besides the empty cell; the same list cleaning uses. */
export { MISSING_TOKENS } from '../data/clean';
import { MISSING_TOKENS } from '../data/clean';

/** Missing and unreadable cells of one column of the raw file. */
export interface MissingCount {
  column: string;
  /** Empty cells or missing tokens (NA, N/A, NaN, null, None, -, ?). */
  missing: number;
  /** Percent of the rows read, 0-100. */
  percent: number;
  /** CustomerID and numeric features: present cells that are not a number (e.g. "abc"); always 0 for Gender. */
  notNumeric: number;
}

function isMissing(cell: string): boolean {
  const c = cell.trim().toLowerCase();
  return c === '' || MISSING_TOKENS.has(c);
}

/**
 * Missing and non-numeric cells per required column of the raw (uncleaned) table, in file column order. Pure.
 * @example missingValues(table) // [{ column: 'CustomerID', missing: 0, percent: 0, notNumeric: 0 }, ...]
 */
export function missingValues(table: RawTable): MissingCount[] {
  const numeric = new Set<string>([COLUMNS.id, ...NUMERIC_FEATURES]);
  return REQUIRED_COLUMNS.map((column) => {
    let missing = 0;
    let notNumeric = 0;
    for (const row of table.rows) {
      const cell = row.values[column];
      if (isMissing(cell)) missing++;
      else if (numeric.has(column) && !Number.isFinite(Number(cell))) notNumeric++;
    }
    const percent = table.read === 0 ? 0 : (100 * missing) / table.read;
    return { column, missing, percent, notNumeric };
  });
}

/** Duplicates in the raw table. */
export interface DuplicateReport {
  /** Rows whose five cells equal an earlier row's (the first occurrence not counted), as pandas' `duplicated()`. */
  exact: number;
  /** Their 1-based file lines. */
  exactLines: number[];
  /** Rows that repeat an earlier row's CustomerID with different other cells. */
  repeatedIds: number;
  repeatedIdLines: number[];
}

/** Exact duplicate rows and repeated CustomerIDs of the raw table (cells compared as trimmed text). Pure. */
export function duplicateRows(table: RawTable): DuplicateReport {
  const seenRows = new Set<string>();
  const seenIds = new Set<string>();
  const exactLines: number[] = [];
  const repeatedIdLines: number[] = [];
  for (const row of table.rows) {
    const key = REQUIRED_COLUMNS.map((c) => row.values[c].trim()).join('\u0000');
    const id = row.values[COLUMNS.id].trim();
    if (seenRows.has(key)) exactLines.push(row.line);
    else if (id !== '' && seenIds.has(id)) repeatedIdLines.push(row.line);
    seenRows.add(key);
    if (id !== '') seenIds.add(id);
  }
  return { exact: exactLines.length, exactLines, repeatedIds: repeatedIdLines.length, repeatedIdLines };
}

/** Distribution of one numeric feature over clean customers. */
export interface FeatureStats {
  feature: FeatureName;
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

/** Options of {@link featureStats}. */
export interface FeatureStatsOptions {
  /** Features to describe. Default: Age, Annual Income (k$), Spending Score (1-100). */
  features?: readonly FeatureName[];
}

/**
 * pandas-style `describe()` with quartiles and skewness for each numeric feature (danfojs' describe has no quartiles).
 * Pure. An empty list gives count 0 and NaN elsewhere.
 */
export function featureStats(customers: readonly Customer[], options: FeatureStatsOptions = {}): FeatureStats[] {
  const { features = NUMERIC_FEATURES } = options;
  return features.map((feature) => {
    const values = customers.map((c) => featureValue(c, feature));
    const n = values.length;
    const sorted = [...values].sort((a, b) => a - b);
    const mean = values.reduce((s, v) => s + v, 0) / n;
    const m2 = values.reduce((s, v) => s + (v - mean) ** 2, 0);
    const m3 = values.reduce((s, v) => s + (v - mean) ** 3, 0);
    const std = Math.sqrt(m2 / (n - 1));
    const g1 = m3 / n / (m2 / n) ** 1.5;
    const skew = n < 3 ? NaN : (Math.sqrt(n * (n - 1)) / (n - 2)) * g1;
    return {
      feature,
      count: n,
      mean,
      std,
      min: n ? sorted[0] : NaN,
      q25: n ? quantile(sorted, 0.25) : NaN,
      median: n ? quantile(sorted, 0.5) : NaN,
      q75: n ? quantile(sorted, 0.75) : NaN,
      max: n ? sorted[n - 1] : NaN,
      skew,
    };
  });
}

/** Options of {@link distributionFigure}. */
export interface DistributionFigureOptions {
  /** Histogram bins per feature. Default 20. */
  bins?: number;
}

/**
 * Plotly spec of the data before clustering: one histogram per numeric feature and the gender counts, in a 2×2 grid.
 * Pure (figures are data; render with the notebook display).
 */
export function distributionFigure(customers: readonly Customer[], options: DistributionFigureOptions = {}): PlotlyFigure {
  const { bins = 20 } = options;
  const data: Record<string, unknown>[] = NUMERIC_FEATURES.map((feature, i) => ({
    type: 'histogram',
    name: feature,
    x: customers.map((c) => featureValue(c, feature)),
    nbinsx: bins,
    marker: { color: SEGMENT_PALETTE[0], line: { color: '#ffffff', width: 1 } },
    xaxis: `x${i + 1}`,
    yaxis: `y${i + 1}`,
    showlegend: false,
  }));
  const genders = ['Female', 'Male'] as const;
  data.push({
    type: 'bar',
    name: 'Gender',
    x: [...genders],
    y: genders.map((g) => customers.filter((c) => c.gender === g).length),
    marker: { color: genders.map((g) => GENDER_COLORS[g]), line: { color: '#333333', width: 1 } },
    xaxis: 'x4',
    yaxis: 'y4',
    showlegend: false,
  });
  const titles = [...NUMERIC_FEATURES, 'Gender'];
  const layout: Record<string, unknown> = {
    title: { text: `Distributions of ${customers.length} customers` },
    grid: { rows: 2, columns: 2, pattern: 'independent' },
    width: 900,
    height: 650,
    margin: { t: 60, l: 60, r: 20, b: 60 },
    bargap: 0.05,
  };
  titles.forEach((title, i) => {
    layout[`xaxis${i + 1}`] = { title: { text: title } };
    layout[`yaxis${i + 1}`] = { title: { text: 'customers' } };
  });
  return { data, layout };
}
