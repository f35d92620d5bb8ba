/**
 * Skewed numeric features: detection (skewness above SKEW_THRESHOLD), the suggested transform, and applying the
 * user's choice (`--transform col=log1p,...` or `--transform auto`) to the schema before standardization.
 */
import type { CleanResult, Customers } from '../data/clean';
import { field, numericFeatures, type TableSchema } from '../data/schema';
import { OptionsError } from '../util/errors';

/**
 * Skewness above which a numeric feature gets a warning (and `--transform auto` applies log1p): beyond 1 a few
 * large values stretch the column's standard deviation, so after standardization most customers sit in a narrow
 * band and k-means spends segments on the tail.
 */
export const SKEW_THRESHOLD = 1;

/** The transforms a numeric feature can have. */
export type TransformName = 'none' | 'log1p';

/** `--transform`: 'auto' (log1p on every feature skewed beyond SKEW_THRESHOLD that allows it) or per column. */
export type TransformChoice = 'auto' | Readonly<Record<string, TransformName>>;

/**
 * Sample skewness, the adjusted Fisher-Pearson coefficient G1 (pandas' `Series.skew()`): sqrt(n(n−1))/(n−2) ·
 * m3 / m2^1.5 with m2, m3 the central moments. 0 for fewer than 3 values or a constant column.
 */
export function skewness(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 3) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  // pandas treats a variance at rounding level as zero
  if (m2 <= 1e-14 * Math.max(1, mean * mean)) return 0;
  return ((Math.sqrt(n * (n - 1)) / (n - 2)) * m3) / m2 ** 1.5;
}

/**
 * Parses `--transform`: "auto", or "col=log1p[,col2=none]" (column names as in the header; a name may contain
 * spaces but not "," or "=").
 * @throws OptionsError naming the bad part and the expected form
 */
export function parseTransformFlag(text: string): TransformChoice {
  if (text.trim().toLowerCase() === 'auto') return 'auto';
  const out: Record<string, TransformName> = {};
  for (const part of text.split(',')) {
    const at = part.lastIndexOf('=');
    const column = part.slice(0, at).trim();
    const name = part.slice(at + 1).trim().toLowerCase();
    if (at <= 0 || column === '' || (name !== 'log1p' && name !== 'none'))
      throw new OptionsError(`--transform "${part}" should be COLUMN=log1p or COLUMN=none (several separated by commas), or auto`, 'transform');
    out[column] = name;
  }
  return out;
}

/** A numeric feature's skewness and what was done about it. */
export interface SkewNote {
  column: string;
  /** Skewness of the raw values (see {@link skewness}). */
  skewness: number;
  /** The transform the feature is clustered with. */
  transform: TransformName;
  /** Skewness after the transform (equal to `skewness` without one). */
  skewnessAfter: number;
  /** log1p when the raw skewness exceeds SKEW_THRESHOLD and every value is > -1, else null. */
  suggested: 'log1p' | null;
}

/** The features' transforms and skewness, and warnings for the ones still skewed. */
export interface TransformResult {
  /** The cleaning result with the chosen transforms in its schema (and the warnings added). */
  cleaning: CleanResult;
  skew: SkewNote[];
  /** Also appended to cleaning.warnings. */
  warnings: string[];
}

function columnMin(v: ArrayLike<number>): number {
  let min = Infinity;
  for (let i = 0; i < v.length; i++) if (v[i] < min) min = v[i];
  return min;
}

/**
 * Applies the transform choice (`--transform`) on top of the schema's per-field `transform`, and measures every
 * numeric feature's skewness. A feature still skewed beyond SKEW_THRESHOLD gets a warning with the suggested
 * transform; 'auto' applies log1p to every feature whose raw skewness exceeds the threshold and whose values are
 * all > -1.
 * @throws OptionsError for a column that is not a numeric clustering feature, or log1p on a column with a value <= -1
 */
export function applyTransforms(cleaning: CleanResult, choice?: TransformChoice): TransformResult {
  const { data } = cleaning;
  const features = numericFeatures(data.schema);
  const chosen: Record<string, TransformName> = {};
  if (choice !== undefined && choice !== 'auto') {
    for (const [column, name] of Object.entries(choice)) {
      const match = features.find((f) => f.trim().toLowerCase() === column.trim().toLowerCase());
      if (match === undefined)
        throw new OptionsError(`--transform: "${column}" is not a numeric clustering feature (features: ${features.join(', ')})`, 'transform');
      chosen[match] = name;
    }
  }
  const skew: SkewNote[] = [];
  const warnings: string[] = [];
  const fields = new Map<string, TableSchema['fields'][number]>();
  for (const f of features) {
    const values = data.numeric[f];
    const raw = skewness(values);
    const min = columnMin(values);
    const suggested = raw > SKEW_THRESHOLD && min > -1 ? 'log1p' : null;
    const transform: TransformName = chosen[f] ?? (choice === 'auto' && suggested ? 'log1p' : (field(data.schema, f).transform ?? 'none'));
    if (transform === 'log1p' && !(min > -1))
      throw new OptionsError(`--transform: log1p needs every value of "${f}" > -1 (its smallest is ${min}); use ${f}=none`, 'transform');
    const after = transform === 'log1p' ? skewness(Float64Array.from(values, Math.log1p)) : raw;
    skew.push({ column: f, skewness: raw, transform, skewnessAfter: after, suggested });
    if (transform !== (field(data.schema, f).transform ?? 'none')) fields.set(f, { ...field(data.schema, f), transform });
    if (transform === 'none' && Math.abs(raw) > SKEW_THRESHOLD)
      warnings.push(
        suggested
          ? `"${f}" is skewed (skewness ${raw.toFixed(2)} > ${SKEW_THRESHOLD}): a few large values dominate its scale and can get a tiny segment of their own; try --transform "${f}=log1p" (or --transform auto)`
          : `"${f}" is skewed (skewness ${raw.toFixed(2)}, beyond ±${SKEW_THRESHOLD}); no log transform suits it${min <= -1 ? ' (it has values <= -1)' : ' (the long tail is on the low side)'}: check its outliers`,
      );
    else if (transform === 'log1p' && Math.abs(after) > SKEW_THRESHOLD)
      warnings.push(`"${f}" is still skewed after log1p (skewness ${raw.toFixed(2)} before, ${after.toFixed(2)} after): check its outliers`);
  }
  const schema: TableSchema = fields.size ? { ...data.schema, fields: data.schema.fields.map((f) => fields.get(f.name) ?? f) } : data.schema;
  const transformed: Customers = schema === data.schema ? data : { ...data, schema };
  return { cleaning: { ...cleaning, data: transformed, warnings: [...cleaning.warnings, ...warnings] }, skew, warnings };
}

/** A clustering column's name as shown to people: "log1p(<name>)" for a log1p column, else the name. */
export function transformedName(schema: TableSchema, column: string): string {
  const f = schema.fields.find((x) => x.name === column);
  return f?.transform === 'log1p' && numericFeatures(schema).includes(column) ? `log1p(${column})` : column;
}
