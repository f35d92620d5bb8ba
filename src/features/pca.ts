import { ModelError, OptionsError } from '../util/errors';
import type { Matrix } from '../util/matrix';

/**
 * Principal component analysis of a small number of features (up to a few dozen columns, any number of rows), in
 * float64 without tensors: the covariance matrix (cols x cols) and its eigenvectors by cyclic Jacobi rotations.
 * Results equal scikit-learn's `PCA(svd_solver="full")` up to rounding, signs included (see {@link PcaOptions.sign}).
 */

/** How the sign of each component is chosen; an eigenvector is only defined up to its sign. */
export type PcaSign = 'scores' | 'components';

/** Options of {@link fitPca}. */
export interface PcaOptions {
  /** Number of components to keep, an integer in 1..min(rows, cols). Default min(rows, cols). */
  nComponents?: number;
  /**
   * `'scores'` (default): the training row with the largest |score| on a component scores positive, as scikit-learn
   * 1.2's PCA (`svd_flip(U, Vt)`, decided by the columns of U; the first such row on a tie). `'components'`: the
   * largest-|value| entry of each component is positive (the first such entry on a tie), as scikit-learn >= 1.5
   * (`svd_flip(U, Vt, u_based_decision=False)`); this one does not depend on the rows, only on the directions.
   */
  sign?: PcaSign;
}

/** A fitted PCA: a read-only record, like scikit-learn's fitted attributes. */
export interface Pca {
  /** Principal axes, unit length, by decreasing variance, shape [nComponents, cols]. */
  readonly components: number[][];
  /** Variance along each component (sample variance, divisor rows - 1), length nComponents. */
  readonly explainedVariance: number[];
  /** Share of the total variance (over all cols) along each component, length nComponents. */
  readonly explainedVarianceRatio: number[];
  /** Per-column mean of the training rows, length cols. */
  readonly mean: number[];
  /** Number of training rows. */
  readonly nSamples: number;
  /** The sign convention used. */
  readonly sign: PcaSign;
}

/**
 * Fits a PCA on the rows of `matrix`, shape [rows, cols]. Columns are centred, not scaled: standardize first
 * when they are in different units.
 *
 * @throws OptionsError when the matrix has fewer than 2 rows or no column, its data length is not rows * cols,
 *   a value is not finite, nComponents is not an integer in 1..min(rows, cols), or sign is unknown.
 *
 * @example
 * const pca = fitPca(matrixFromRows([[3, 3], [1, -3], [-3, -1], [2, -2], [-3, 3]]));
 * pca.explainedVarianceRatio; // [0.5625, 0.4375]
 * pca.components; // [[-0.7071, 0.7071], [0.7071, 0.7071]] (rounded)
 */
export function fitPca(matrix: Matrix, options: PcaOptions = {}): Pca {
  const { rows, cols, data } = matrix;
  const { nComponents = Math.min(rows, cols), sign = 'scores' } = options;
  if (!Number.isInteger(rows) || rows < 2 || !Number.isInteger(cols) || cols < 1) {
    throw new OptionsError(`PCA needs at least 2 rows and 1 column, got rows=${rows}, cols=${cols}`, 'matrix');
  }
  if (data.length !== rows * cols) {
    throw new OptionsError(`matrix data has ${data.length} values, expected rows * cols = ${rows * cols}`, 'matrix');
  }
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new OptionsError(`matrix value at row ${Math.floor(bad / cols)}, column ${bad % cols} is ${data[bad]}; PCA needs finite numbers`, 'matrix');
  }
  const maxComponents = Math.min(rows, cols);
  if (!Number.isInteger(nComponents) || nComponents < 1 || nComponents > maxComponents) {
    throw new OptionsError(`invalid nComponents: ${nComponents}; use an integer in 1..${maxComponents} (min of rows=${rows}, cols=${cols})`, 'nComponents');
  }
  if (sign !== 'scores' && sign !== 'components') throw new OptionsError(`invalid sign: ${String(sign)}; use scores or components`, 'sign');

  const mean = columnMeans(matrix);
  const covariance = centredCovariance(matrix, mean);
  const totalVariance = covariance.reduce((sum, row, j) => sum + row[j], 0);
  const { values, vectors } = symmetricEigen(covariance);

  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a] || a - b).slice(0, nComponents);
  const components = order.map((j) => vectors.map((row) => row[j]));
  const flip = sign === 'scores' ? flipByScores(matrix, mean, components) : components.map(flipByLargestEntry);
  components.forEach((c, j) => {
    if (flip[j]) for (let f = 0; f < cols; f++) c[f] = -c[f];
  });
  // Rounding can leave a zero eigenvalue slightly negative; a variance is >= 0.
  const explainedVariance = order.map((j) => Math.max(0, values[j]));
  const explainedVarianceRatio = explainedVariance.map((v) => (totalVariance > 0 ? v / totalVariance : 0));
  return { components, explainedVariance, explainedVarianceRatio, mean, nSamples: rows, sign };
}

/**
 * Coordinates of the rows of `matrix` on the components: (x - mean) · components^T, shape [rows, nComponents]
 * (scikit-learn's `PCA.transform` without whitening).
 *
 * @throws ModelError when matrix.cols differs from the number of columns the PCA was fitted on.
 */
export function projectPca(pca: Pca, matrix: Matrix): Matrix {
  const cols = pca.mean.length;
  if (matrix.cols !== cols) {
    throw new ModelError(`the PCA was fitted on ${cols} columns, the matrix has ${matrix.cols}; pass the same features in the same order`);
  }
  const k = pca.components.length;
  const out = new Float64Array(matrix.rows * k);
  const centred = new Float64Array(cols);
  for (let i = 0; i < matrix.rows; i++) {
    for (let f = 0; f < cols; f++) centred[f] = matrix.data[i * cols + f] - pca.mean[f];
    for (let j = 0; j < k; j++) {
      const c = pca.components[j];
      let s = 0;
      for (let f = 0; f < cols; f++) s += centred[f] * c[f];
      out[i * k + j] = s;
    }
  }
  return { rows: matrix.rows, cols: k, data: out };
}

function columnMeans({ rows, cols, data }: Matrix): number[] {
  const mean = new Array<number>(cols).fill(0);
  for (let i = 0; i < rows; i++) for (let f = 0; f < cols; f++) mean[f] += data[i * cols + f];
  return mean.map((s) => s / rows);
}

/** Sample covariance (divisor rows - 1) of the centred columns, as nested arrays [cols][cols]. */
function centredCovariance({ rows, cols, data }: Matrix, mean: readonly number[]): number[][] {
  const sums = new Float64Array(cols * cols);
  const centred = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < cols; f++) centred[f] = data[i * cols + f] - mean[f];
    for (let a = 0; a < cols; a++) {
      const ca = centred[a];
      for (let b = a; b < cols; b++) sums[a * cols + b] += ca * centred[b];
    }
  }
  const out: number[][] = [];
  for (let a = 0; a < cols; a++) {
    out.push([]);
    for (let b = 0; b < cols; b++) out[a].push((a <= b ? sums[a * cols + b] : sums[b * cols + a]) / (rows - 1));
  }
  return out;
}

/**
 * Eigenvalues and eigenvectors (the columns of `vectors`) of a symmetric matrix by cyclic Jacobi rotations, with
 * the rotation formulas of Rutishauser (stable for small angles). Converges quadratically; a few sweeps for the
 * sizes used here. Assumes a symmetric input; the input is not modified.
 */
export function symmetricEigen(symmetric: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const n = symmetric.length;
  const a = symmetric.map((row) => [...row]);
  const v: number[][] = a.map((_, i) => a.map((__, j) => (i === j ? 1 : 0)));
  const MAX_SWEEPS = 100;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += Math.abs(a[p][q]);
    if (off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p][q];
        // An entry below the rounding of both diagonal entries cannot change them: zero it (ends the sweeps).
        if (Math.abs(apq) <= NEGLIGIBLE * (Math.abs(a[p][p]) + Math.abs(a[q][q]))) {
          a[p][q] = a[q][p] = 0;
          continue;
        }
        const theta = (a[q][q] - a[p][p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        const tau = s / (1 + c);
        a[p][p] -= t * apq;
        a[q][q] += t * apq;
        a[p][q] = a[q][p] = 0;
        for (let r = 0; r < n; r++) {
          if (r !== p && r !== q) {
            const arp = a[r][p];
            const arq = a[r][q];
            a[r][p] = a[p][r] = arp - s * (arq + tau * arp);
            a[r][q] = a[q][r] = arq + s * (arp - tau * arq);
          }
          const vrp = v[r][p];
          const vrq = v[r][q];
          v[r][p] = vrp - s * (vrq + tau * vrp);
          v[r][q] = vrq + s * (vrp - tau * vrq);
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i]), vectors: v };
}

const NEGLIGIBLE = Number.EPSILON * 1e-3;

/** scikit-learn 1.2: per component, is the score of the row with the largest |score| (first on ties) negative? */
function flipByScores({ rows, cols, data }: Matrix, mean: readonly number[], components: readonly number[][]): boolean[] {
  const best = components.map(() => ({ abs: -1, value: 0 }));
  const centred = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < cols; f++) centred[f] = data[i * cols + f] - mean[f];
    components.forEach((c, j) => {
      let s = 0;
      for (let f = 0; f < cols; f++) s += centred[f] * c[f];
      if (Math.abs(s) > best[j].abs) best[j] = { abs: Math.abs(s), value: s };
    });
  }
  return best.map((b) => b.value < 0);
}

/** scikit-learn >= 1.5: is the largest-|value| entry (first on ties) negative? */
function flipByLargestEntry(component: readonly number[]): boolean {
  let at = 0;
  for (let f = 1; f < component.length; f++) if (Math.abs(component[f]) > Math.abs(component[at])) at = f;
  return component[at] < 0;
}
