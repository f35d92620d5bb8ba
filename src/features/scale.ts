import type { Customers } from '../data/clean';
import type { Matrix } from '../util/matrix';
import { encodeValue, ONE_HOT_SCALE, type FeatureColumn } from './encode';

/**
 * Standardization parameters, as scikit-learn's StandardScaler: z = (x - mean) / scale, where scale is the
 * population standard deviation (ddof = 0), or 1 for a constant feature. One-hot columns have mean 0 and scale
 * sqrt(2) (see FeatureColumn).
 */
export interface Scaler {
  /** Clustering column names, in matrix column order. */
  readonly features: string[];
  /** Per-column mean, length nFeatures. */
  readonly mean: number[];
  /** Per-column population standard deviation (1 where it is 0), length nFeatures. */
  readonly scale: number[];
}

/**
 * Clustering columns of clean customers before scaling (transforms applied, one-hot 0/1), shape [n, columns.length].
 */
export function featureMatrix(data: Customers, columns: readonly FeatureColumn[]): Matrix {
  const cols = columns.length;
  const out = new Float64Array(data.n * cols);
  columns.forEach((c, j) => {
    if (c.kind === 'onehot') {
      const values = data.categorical[c.source];
      for (let i = 0; i < data.n; i++) out[i * cols + j] = values[i] === c.category ? 1 : 0;
    } else {
      const values = data.numeric[c.source];
      for (let i = 0; i < data.n; i++) out[i * cols + j] = encodeValue(c, values[i]);
    }
  });
  return { rows: data.n, cols, data: out };
}

/** Fits a Scaler on a raw feature matrix (from {@link featureMatrix}). Assumes clean input (no NaN). */
export function fitScaler(raw: Matrix, columns: readonly FeatureColumn[]): Scaler {
  const { rows: n, cols, data } = raw;
  const mean = columns.map((c, j) => {
    if (c.kind === 'onehot') return 0;
    let s = 0;
    for (let i = 0; i < n; i++) s += data[i * cols + j];
    return s / n;
  });
  const scale = columns.map((c, j) => {
    if (c.kind === 'onehot') return ONE_HOT_SCALE;
    // two-pass variance: centre first, for precision
    let s = 0;
    for (let i = 0; i < n; i++) s += (data[i * cols + j] - mean[j]) ** 2;
    const sd = Math.sqrt(s / n);
    return sd > 0 ? sd : 1;
  });
  return { features: columns.map((c) => c.name), mean, scale };
}

/** Applies a Scaler to a raw matrix whose columns are the scaler's features, shape [n, nFeatures]. */
export function scaleMatrix(raw: Matrix, scaler: Pick<Scaler, 'mean' | 'scale'>): Matrix {
  const { cols } = raw;
  const data = new Float64Array(raw.data.length);
  for (let i = 0; i < raw.data.length; i++) {
    const j = i % cols;
    data[i] = (raw.data[i] - scaler.mean[j]) / scaler.scale[j];
  }
  return { rows: raw.rows, cols, data };
}

/**
 * {@link scaleMatrix} into the raw matrix's own buffer (the same values, no second matrix): for a raw matrix used for
 * nothing else, e.g. a table of millions of rows, where a copy is 8 bytes per row and column more at the peak.
 * @returns `raw`, its data now standardized
 */
export function scaleMatrixInPlace(raw: Matrix, scaler: Pick<Scaler, 'mean' | 'scale'>): Matrix {
  const { cols, data } = raw;
  for (let i = 0; i < data.length; i++) {
    const j = i % cols;
    data[i] = (data[i] - scaler.mean[j]) / scaler.scale[j];
  }
  return raw;
}

/** Maps a scaled point back to the feature matrix's units (transformed units for log1p columns). */
export function unscaleRow(row: ArrayLike<number>, scaler: Pick<Scaler, 'mean' | 'scale'>): number[] {
  return Array.from(row, (v, j) => v * scaler.scale[j] + scaler.mean[j]);
}

/** Maps a scaled point back to raw units: the inverse transform of each numeric column (expm1 for log1p). */
export function toRawUnits(row: ArrayLike<number>, scaler: Pick<Scaler, 'mean' | 'scale'>, columns: readonly FeatureColumn[]): number[] {
  return unscaleRow(row, scaler).map((v, j) => (columns[j].transform === 'log1p' ? Math.expm1(v) : v));
}
