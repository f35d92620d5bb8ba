import type { Customer, FeatureName } from '../data/schema';
import { featureValue } from '../data/schema';
import type { Matrix } from '../model/matrix';

/**
 * Standardization parameters, as scikit-learn's StandardScaler: z = (x - mean) / scale, where scale is the
 * population standard deviation (ddof = 0), or 1 for a constant feature.
 */
export interface Scaler {
  readonly features: FeatureName[];
  /** Per-feature mean, length nFeatures. */
  readonly mean: number[];
  /** Per-feature population standard deviation (1 where it is 0), length nFeatures. */
  readonly scale: number[];
}

/** Fits a Scaler on customers for the given features. Assumes clean input (no NaN). */
export function fitScaler(customers: readonly Customer[], features: readonly FeatureName[]): Scaler {
  const n = customers.length;
  const mean = features.map((f) => customers.reduce((s, c) => s + featureValue(c, f), 0) / n);
  const scale = features.map((f, j) => {
    // two-pass variance: centre first, for precision
    const variance = customers.reduce((s, c) => s + (featureValue(c, f) - mean[j]) ** 2, 0) / n;
    const sd = Math.sqrt(variance);
    return sd > 0 ? sd : 1;
  });
  return { features: [...features], mean, scale };
}

/** Raw feature rows of customers, shape [nCustomers, nFeatures]. */
export function featureMatrix(customers: readonly Customer[], features: readonly FeatureName[]): Matrix {
  const cols = features.length;
  const data = new Float64Array(customers.length * cols);
  customers.forEach((c, i) => features.forEach((f, j) => (data[i * cols + j] = featureValue(c, f))));
  return { rows: customers.length, cols, data };
}

/** Applies a Scaler to a raw matrix whose columns are the scaler's features, shape [n, nFeatures]. */
export function scaleMatrix(raw: Matrix, scaler: Scaler): Matrix {
  const { cols } = raw;
  const data = new Float64Array(raw.data.length);
  for (let i = 0; i < raw.data.length; i++) {
    const j = i % cols;
    data[i] = (raw.data[i] - scaler.mean[j]) / scaler.scale[j];
  }
  return { rows: raw.rows, cols, data };
}

/** Maps a scaled point back to raw units. */
export function unscaleRow(row: ArrayLike<number>, scaler: Scaler): number[] {
  return Array.from(row, (v, j) => v * scaler.scale[j] + scaler.mean[j]);
}
