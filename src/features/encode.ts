import type { Customers } from '../data/clean';
import { field, numericFeatures, type TableSchema } from '../data/schema';
import { DataError } from '../util/errors';

/**
 * The clustering space: one column per numeric feature (after its transform) and, for a categorical column that is
 * also a feature, one 0/1 column per category (one-hot, like scikit-learn's OneHotEncoder with
 * handle_unknown='ignore': an unknown category at predict time is all zeros).
 *
 * Weighting: numeric columns are standardized (z-scores, see fitScaler); one-hot columns are divided by sqrt(2) and
 * not centred, so two customers that differ in one category are at distance 1, the same as a one-standard-deviation
 * difference in a numeric feature. A categorical feature therefore weighs about as much as one numeric feature.
 */
export interface FeatureColumn {
  /** Column name in the processed data and the scaler: the feature's name, or "<column>=<category>" for one-hot. */
  readonly name: string;
  /** The schema column it comes from. */
  readonly source: string;
  readonly kind: 'numeric' | 'onehot';
  /** Numeric transform applied before standardization. */
  readonly transform: 'none' | 'log1p';
  /** The category a one-hot column stands for. */
  readonly category?: string;
}

/** Scale of every one-hot column: a category change is a distance of 1 (see FeatureColumn). */
export const ONE_HOT_SCALE = Math.SQRT2;

/**
 * Most categories a categorical clustering feature may have: each becomes a column of the clustering matrix (n rows x
 * categories), and k-means on hundreds of nearly empty 0/1 columns finds no segments worth naming. A column with more
 * values (a postcode, a free-text field) can still be profiled.
 */
export const MAX_ONE_HOT_CATEGORIES = 100;

/**
 * The clustering columns of a schema and data: numeric features in `features` order, one-hot categories sorted.
 * A one-hot column is named `<column>=<category>`; when that name is already taken (a column of the table named
 * `seg=plain` beside column `seg` with category `plain`, or two one-hot names that coincide), it gets ` #2`, ` #3`...
 * @throws DataError when a categorical feature has more than {@link MAX_ONE_HOT_CATEGORIES} distinct values.
 */
export function featureColumns(data: Customers): FeatureColumn[] {
  const { schema } = data;
  const numeric = new Set(numericFeatures(schema));
  const taken = new Set(schema.fields.map((f) => f.name));
  const unique = (name: string) => {
    let candidate = name;
    for (let i = 2; taken.has(candidate); i++) candidate = `${name} #${i}`;
    taken.add(candidate);
    return candidate;
  };
  return schema.features.flatMap((name): FeatureColumn[] => {
    if (numeric.has(name)) return [{ name, source: name, kind: 'numeric', transform: field(schema, name).transform ?? 'none' }];
    const categories = categoryValues(schema, data.categorical[name], name);
    if (categories.length > MAX_ONE_HOT_CATEGORIES) {
      throw new DataError(
        `categorical feature "${name}" has ${categories.length.toLocaleString('en-US')} distinct values; clustering one-hot encodes at most ${MAX_ONE_HOT_CATEGORIES} per column. Profile it instead: leave it out of --features (keep it in --categorical), or group its values first`,
        name,
      );
    }
    return categories.map((category) => ({
      name: unique(`${name}=${category}`),
      source: name,
      kind: 'onehot',
      transform: 'none',
      category,
    }));
  });
}

/** The values of a categorical column: its enum when the schema gives one, else the values seen, sorted. */
export function categoryValues(schema: TableSchema, values: readonly string[], column: string): string[] {
  const declared = field(schema, column).constraints?.enum;
  if (declared) {
    const extra = [...new Set(values)].filter((v) => !declared.includes(v)).sort();
    return [...declared, ...extra];
  }
  return [...new Set(values)].sort();
}

/** Integer code of each category of a column (its index in {@link categoryValues}), for the processed data. */
export function categoryCodes(schema: TableSchema, values: readonly string[], column: string): Int32Array {
  const order = new Map(categoryValues(schema, values, column).map((v, i) => [v, i] as const));
  return Int32Array.from(values, (v) => order.get(v) as number);
}

/** The value of clustering column `c` for a raw value (number, or category text). NaN for an unusable number. */
export function encodeValue(c: FeatureColumn, value: number | string): number {
  if (c.kind === 'onehot') return value === c.category ? 1 : 0;
  const x = value as number;
  return c.transform === 'log1p' ? Math.log1p(x) : x;
}
