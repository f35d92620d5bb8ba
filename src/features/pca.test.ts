import { readFileSync } from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { ModelError, OptionsError } from '../util/errors';
import { matrixFromRows, matrixToRows } from '../util/matrix';
import { fitPca, projectPca, symmetricEigen } from './pca';

interface PcaCase {
  rows: number;
  cols: number;
  n_components: number;
  data: number[][];
  components: number[][];
  components_by_largest_entry: number[][];
  explained_variance: number[];
  explained_variance_ratio: number[];
  mean: number[];
  transformed_head: number[][];
}
const fixture = JSON.parse(readFileSync(path.join(__dirname, '__fixtures__', 'pca.json'), 'utf8')) as {
  sklearn_version: string;
  cases: Record<'correlated' | 'mixed_units', PcaCase>;
};

const expectClose = (actual: number[][], expected: number[][], tolerance: number): void => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    expect(row.length).toBe(expected[i].length);
    row.forEach((v, j) => expect(Math.abs(v - expected[i][j]), `[${i}][${j}] ${v} vs ${expected[i][j]}`).toBeLessThanOrEqual(tolerance));
  });
};
const S = Math.SQRT1_2;

describe('fitPca: a 2D case by hand', () => {
  // centred points; in (x - y, x + y) coordinates the covariance is diagonal: variances 9 and 7 (divisor 4)
  const points = matrixFromRows([[3, 3], [1, -3], [-3, -1], [2, -2], [-3, 3]]);

  it('finds the axes, variances and ratios', () => {
    const pca = fitPca(points);
    expect(pca.mean).toEqual([0, 0]);
    expect(pca.nSamples).toBe(5);
    expectClose([pca.explainedVariance], [[9, 7]], 1e-12);
    expectClose([pca.explainedVarianceRatio], [[9 / 16, 7 / 16]], 1e-15);
    // scores on (1, -1)/√2 are 0, 4, -2, 4, -6 (/√2): the largest |score| is negative, so that axis is flipped;
    // scores on (1, 1)/√2 are 6, -2, -4, 0, 0 (/√2): kept
    expectClose(pca.components, [[-S, S], [S, S]], 1e-12);
  });

  it('projects rows on the components', () => {
    const pca = fitPca(points);
    const projected = projectPca(pca, points);
    expect(projected.cols).toBe(2);
    expectClose(matrixToRows(projected), [[0, 6 * S], [-4 * S, -2 * S], [2 * S, -4 * S], [-4 * S, 0], [6 * S, 0]], 1e-12);
  });

  it('keeps nComponents components, ratios still shares of the whole variance', () => {
    const pca = fitPca(points, { nComponents: 1 });
    expect(pca.components).toHaveLength(1);
    expectClose([pca.explainedVarianceRatio], [[9 / 16]], 1e-15);
    expect(projectPca(pca, points).cols).toBe(1);
  });

  it("with sign 'components', a tie of |entries| is decided by the first entry", () => {
    const pca = fitPca(points, { sign: 'components' });
    expectClose(pca.components, [[S, -S], [S, S]], 1e-12);
  });
});

describe('fitPca: an axis-aligned case by hand, not centred', () => {
  // x: 10 + (-2, 0, 2, 4, -4) (variance 40/4 = 10), y: -5 + (1, -2, 1, 0, 0) (variance 6/4 = 1.5), uncorrelated
  const m = matrixFromRows([[8, -4], [10, -7], [12, -4], [14, -5], [6, -5]]);

  it('gives the coordinate axes, signed by each convention', () => {
    const byScores = fitPca(m);
    expect(byScores.mean).toEqual([10, -5]);
    expectClose([byScores.explainedVariance], [[10, 1.5]], 1e-12);
    // largest |score| on x: 4 at row 3 (row 4's -4 comes later), kept; on y: -2 at row 1, flipped
    expectClose(byScores.components, [[1, 0], [0, -1]], 1e-15);
    expectClose(fitPca(m, { sign: 'components' }).components, [[1, 0], [0, 1]], 1e-15);
    const mirrored = matrixFromRows(matrixToRows(m).map(([x, y]) => [-x, y]));
    expectClose(fitPca(mirrored).components, [[-1, 0], [0, -1]], 1e-15);
    expectClose(fitPca(mirrored, { sign: 'components' }).components, [[1, 0], [0, 1]], 1e-15);
  });
});

describe(`fitPca against scikit-learn ${fixture.sklearn_version} (PCA, svd_solver="full")`, () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: ${c.rows} x ${c.cols}, ${c.n_components} components`, () => {
      const m = matrixFromRows(c.data);
      const pca = fitPca(m, { nComponents: c.n_components });
      expectClose(pca.components, c.components, 1e-6);
      expectClose([pca.explainedVarianceRatio], [c.explained_variance_ratio], 1e-9);
      pca.explainedVariance.forEach((v, j) => expect(Math.abs(v / c.explained_variance[j] - 1)).toBeLessThan(1e-9));
      expectClose([pca.mean], [c.mean], 1e-9 * Math.max(...c.mean.map(Math.abs)));
      const head = matrixFromRows(c.data.slice(0, 10));
      const scale = Math.max(...c.transformed_head.flat().map(Math.abs));
      expectClose(matrixToRows(projectPca(pca, head)), c.transformed_head, 1e-9 * scale);
    });

    it(`${name}: sign 'components' gives scikit-learn's u_based_decision=False signs`, () => {
      const pca = fitPca(matrixFromRows(c.data), { nComponents: c.n_components, sign: 'components' });
      expectClose(pca.components, c.components_by_largest_entry, 1e-6);
      // the two conventions really differ on this data (else the test above proves nothing)
      expect(c.components.some((row, j) => row[0] * c.components_by_largest_entry[j][0] < 0)).toBe(true);
    });
  }
});

describe('symmetricEigen', () => {
  it('diagonalizes: A v = λ v, V orthonormal', () => {
    const a = [
      [4, 1, -2, 0.5],
      [1, 3, 0, 1],
      [-2, 0, 5, -1],
      [0.5, 1, -1, 2],
    ];
    const { values, vectors } = symmetricEigen(a);
    for (let j = 0; j < 4; j++) {
      for (let i = 0; i < 4; i++) {
        const av = a[i].reduce((s, x, k) => s + x * vectors[k][j], 0);
        expect(Math.abs(av - values[j] * vectors[i][j])).toBeLessThan(1e-13);
      }
      for (let k = 0; k < 4; k++) {
        const dot = vectors.reduce((s, row) => s + row[j] * row[k], 0);
        expect(Math.abs(dot - (j === k ? 1 : 0))).toBeLessThan(1e-14);
      }
    }
    // trace is preserved
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(14, 12);
  });
});

describe('validation', () => {
  const m = matrixFromRows([[1, 2], [3, 4], [5, 7]]);

  it('refuses bad matrices and options with messages that show the values', () => {
    expect(() => fitPca(matrixFromRows([[1, 2]]))).toThrow('PCA needs at least 2 rows and 1 column, got rows=1, cols=2');
    expect(() => fitPca({ rows: 2, cols: 2, data: new Float64Array(3) })).toThrow('matrix data has 3 values, expected rows * cols = 4');
    expect(() => fitPca(matrixFromRows([[1, 2], [Number.NaN, 4]]))).toThrow('matrix value at row 1, column 0 is NaN');
    expect(() => fitPca(m, { nComponents: 3 })).toThrow('invalid nComponents: 3; use an integer in 1..2 (min of rows=3, cols=2)');
    expect(() => fitPca(m, { nComponents: 0 })).toThrow(OptionsError);
    expect(() => fitPca(m, { sign: 'rows' as never })).toThrow('invalid sign: rows; use scores or components');
  });

  it('refuses to project a matrix with other columns', () => {
    const pca = fitPca(m);
    expect(() => projectPca(pca, matrixFromRows([[1, 2, 3]]))).toThrow(ModelError);
    expect(() => projectPca(pca, matrixFromRows([[1, 2, 3]]))).toThrow('the PCA was fitted on 2 columns, the matrix has 3');
  });

  it('gives zero variance, not NaN, for a constant matrix', () => {
    const pca = fitPca(matrixFromRows([[1, 1], [1, 1], [1, 1]]));
    expect(pca.explainedVariance).toEqual([0, 0]);
    expect(pca.explainedVarianceRatio).toEqual([0, 0]);
  });
});
