/**
 * The silhouette computation for a set of query rows, shared by the in-process path and the worker threads, on the
 * host in float64. Assumes checked input (see silhouette.ts).
 *
 * The rows are grouped into cells: rows with the same label in every labeling share a cell (a k = 2..10 sweep of
 * 20,000 customers has ~170 cells). A query row's distances to the rows of each cell are summed in one tight loop
 * (per feature sum_f (x_if - x_jf)^2, so identical points are exactly 0 apart), and each labeling's per-cluster sums
 * come from the cell sums: one pass over the data serves every labeling. Every sum is formed in one fixed order (cells
 * in order, rows of a cell by row id) whatever the query rows, chunk or thread, so a row's silhouette has the same bits
 * from every entry point.
 */
import type { CompactLabels } from './types';

/** What the kernel needs; plain arrays only, so it can be posted to a worker. */
export interface KernelInput {
  readonly rows: number;
  readonly cols: number;
  /** Column-centred data, shape [rows, cols] row-major (in shared memory when posted to workers). */
  readonly centered: Float64Array;
  /** Labels of each labeling, each length rows, values 0..k-1. */
  readonly labels: CompactLabels[];
  /** k of each labeling. */
  readonly ks: number[];
}

/**
 * Distances per chunk when no chunk size is given (~10 ms of work): a chunk is the unit of progress reports and of
 * the work a thread hands back.
 */
export const DEFAULT_CHUNK_DISTANCES = 1 << 22;

/** Rows per chunk for `rows` distances per query row. */
export function defaultChunkSize(rows: number): number {
  return Math.max(1, Math.min(rows, Math.floor(DEFAULT_CHUNK_DISTANCES / rows)));
}

/** Cluster sizes per labeling. */
export function clusterCounts(input: KernelInput): Float64Array[] {
  return input.labels.map((labels, l) => {
    const counts = new Float64Array(input.ks[l]);
    for (let i = 0; i < labels.length; i++) counts[labels[i]] += 1;
    return counts;
  });
}

/** The rows grouped by their labels in every labeling (see the module comment). */
export interface Cells {
  /** Number of cells. */
  readonly count: number;
  /** Rows of cell t are sorted[start[t]..start[t+1]-1]; length count + 1. */
  readonly start: Int32Array;
  /** The data with its rows in cell order (rows of a cell by row id), shape [rows, cols] row-major. */
  readonly sorted: Float64Array;
  /** Label of cell t in labeling l at [t * labelings + l]. */
  readonly labels: Int32Array;
}

/** Above this many entries (cells so far x k) a labeling's cells are numbered through a Map, not a dense table. */
const DENSE_CELL_TABLE = 1 << 22;

/** Groups the rows into cells (numbered in order of their first row) and copies the data into cell order. */
export function buildCells(input: KernelInput): Cells {
  const { rows, cols, centered, labels, ks } = input;
  const nLabelings = ks.length;
  const cell = new Int32Array(rows);
  let count = rows > 0 ? 1 : 0;
  for (let l = 0; l < nLabelings; l++) {
    const k = ks[l];
    const labelsL = labels[l];
    let next = 0;
    if (count * k <= DENSE_CELL_TABLE) {
      const ids = new Int32Array(count * k).fill(-1);
      for (let i = 0; i < rows; i++) {
        const key = cell[i] * k + labelsL[i];
        if (ids[key] < 0) ids[key] = next++;
        cell[i] = ids[key];
      }
    } else {
      const ids = new Map<number, number>();
      for (let i = 0; i < rows; i++) {
        const key = cell[i] * k + labelsL[i];
        let id = ids.get(key);
        if (id === undefined) ids.set(key, (id = next++));
        cell[i] = id;
      }
    }
    count = next;
  }
  const start = new Int32Array(count + 1);
  for (let i = 0; i < rows; i++) start[cell[i] + 1] += 1;
  for (let t = 0; t < count; t++) start[t + 1] += start[t];
  const cellLabels = new Int32Array(count * nLabelings);
  const sorted = new Float64Array(rows * cols);
  const fill = start.slice(0, count);
  for (let i = 0; i < rows; i++) {
    const t = cell[i];
    if (fill[t] === start[t]) for (let l = 0; l < nLabelings; l++) cellLabels[t * nLabelings + l] = labels[l][i];
    const p = fill[t]++;
    for (let f = 0; f < cols; f++) sorted[p * cols + f] = centered[i * cols + f];
  }
  return { count, start, sorted, labels: cellLabels };
}

/**
 * Sums of the distances from the point at x[xo..xo+cols-1] to the rows of every cell, into out[0..cells.count-1].
 * The 1-, 2- and 3-feature loops are unrolled; they add the same terms in the same order as the general loop.
 */
export function cellDistanceSums(x: Float64Array, xo: number, cols: number, cells: Cells, out: Float64Array): void {
  const { count, start, sorted } = cells;
  if (cols === 1) {
    const a = x[xo];
    for (let t = 0; t < count; t++) {
      let s = 0;
      for (let p = start[t], e = start[t + 1]; p < e; p++) s += Math.abs(a - sorted[p]);
      out[t] = s;
    }
  } else if (cols === 2) {
    const a = x[xo], b = x[xo + 1];
    for (let t = 0; t < count; t++) {
      let s = 0;
      for (let p = start[t], e = start[t + 1], o = 2 * p; p < e; p++, o += 2) {
        const u = a - sorted[o], v = b - sorted[o + 1];
        s += Math.sqrt(u * u + v * v);
      }
      out[t] = s;
    }
  } else if (cols === 3) {
    const a = x[xo], b = x[xo + 1], c = x[xo + 2];
    for (let t = 0; t < count; t++) {
      let s = 0;
      for (let p = start[t], e = start[t + 1], o = 3 * p; p < e; p++, o += 3) {
        const u = a - sorted[o], v = b - sorted[o + 1], w = c - sorted[o + 2];
        s += Math.sqrt(u * u + v * v + w * w);
      }
      out[t] = s;
    }
  } else {
    for (let t = 0; t < count; t++) {
      let s = 0;
      for (let p = start[t], e = start[t + 1], o = cols * p; p < e; p++) {
        let q = 0;
        for (let f = 0; f < cols; f++, o++) {
          const u = x[xo + f] - sorted[o];
          q += u * u;
        }
        s += Math.sqrt(q);
      }
      out[t] = s;
    }
  }
}

/**
 * Silhouette values of the query rows `rowIds` for every labeling, shape [rowIds.length, labelings] row-major.
 * `onChunk(rowsDone)` is called after each `chunkSize` rows.
 */
export function silhouetteRows(input: KernelInput, rowIds: Int32Array, chunkSize: number, onChunk?: (rowsDone: number) => void): Float64Array {
  const { cols, centered, labels, ks } = input;
  const nLabelings = ks.length;
  const totalK = ks.reduce((a, b) => a + b, 0);
  const offsets = ks.map((_, l) => ks.slice(0, l).reduce((a, b) => a + b, 0));
  const counts = clusterCounts(input);
  const cells = buildCells(input);
  const cellSums = new Float64Array(cells.count);
  const sums = new Float64Array(totalK);
  const out = new Float64Array(rowIds.length * nLabelings);
  for (let q = 0; q < rowIds.length; q++) {
    const row = rowIds[q];
    cellDistanceSums(centered, row * cols, cols, cells, cellSums);
    sums.fill(0);
    for (let t = 0; t < cells.count; t++) {
      const s = cellSums[t];
      for (let l = 0; l < nLabelings; l++) sums[offsets[l] + cells.labels[t * nLabelings + l]] += s;
    }
    for (let l = 0; l < nLabelings; l++) {
      const own = labels[l][row];
      const countsL = counts[l];
      const base = offsets[l];
      let s = 0;
      if (countsL[own] > 1) {
        const a = sums[base + own] / (countsL[own] - 1);
        let b = Infinity;
        for (let c = 0; c < ks[l]; c++) {
          if (c === own || countsL[c] === 0) continue;
          const mean = sums[base + c] / countsL[c];
          if (mean < b) b = mean;
        }
        const denominator = Math.max(a, b);
        s = denominator > 0 ? (b - a) / denominator : 0;
      }
      out[q * nLabelings + l] = s;
    }
    if (onChunk !== undefined && ((q + 1) % chunkSize === 0 || q + 1 === rowIds.length)) onChunk(q + 1);
  }
  return out;
}
