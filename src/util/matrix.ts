/**
 * A dense row-major matrix of float64 values: the plain type that crosses the model layer's boundary.
 * Tensors never leave src/model; callers pass and receive Matrix, typed arrays and records.
 */
export interface Matrix {
  /** Number of rows (samples). */
  readonly rows: number;
  /** Number of columns (features). */
  readonly cols: number;
  /** Row-major values, length rows * cols. */
  readonly data: Float64Array;
}

/** Builds a Matrix from an array of equal-length rows. Throws RangeError on ragged input. */
export function matrixFromRows(rows: readonly (readonly number[])[]): Matrix {
  const nRows = rows.length;
  const nCols = nRows === 0 ? 0 : rows[0].length;
  const data = new Float64Array(nRows * nCols);
  rows.forEach((row, i) => {
    if (row.length !== nCols) throw new RangeError(`row ${i} has ${row.length} values, expected ${nCols}`);
    data.set(row, i * nCols);
  });
  return { rows: nRows, cols: nCols, data };
}

/** The rows of a Matrix as plain arrays. */
export function matrixToRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** Row i of a Matrix (a view, not a copy). */
export function matrixRow(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}
