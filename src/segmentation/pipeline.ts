import type { RawTable } from '../data/parse';
import { cleanCustomers, type CleanOptions, type CleanResult, type Customers } from '../data/clean';
import { numericColumns } from '../data/schema';
import { DataError } from '../util/errors';
import { featureColumns, type FeatureColumn } from '../features/encode';
import { featureMatrix, fitScaler, scaleMatrixInPlace, toRawUnits, type Scaler } from '../features/scale';
import { assignNearest, buildModel, type SegmentModel } from './artifact';
import type { Matrix } from '../util/matrix';
import { profileSegments } from './profile';
import { DEFAULT_SEED } from '../util/random';
import { queryRowsFor, sampleSilhouettes, silhouetteSamples } from '../model/silhouette';
import { silhouetteSampleSize, sweepK, type SweepOptions, type SweepResult } from '../model/sweep';
import type { SegmentProfile } from '../model/types';

/** Options of {@link preprocess}. */
export interface PreprocessOptions {
  /** Cleaning options (missing numeric cells: drop or median). Default: drop. */
  clean?: CleanOptions;
}

/** Clean customers and their standardized clustering matrix. */
export interface Preprocessed {
  cleaning: CleanResult;
  /** Clean customers, column-wise, with the table's schema. */
  data: Customers;
  /** The clustering columns (numeric features, one-hot categories), in matrix column order. */
  encoding: FeatureColumn[];
  /** Names of the clustering columns (encoding[].name). */
  features: string[];
  scaler: Scaler;
  /** Standardized features, shape [data.n, features.length]. */
  scaled: Matrix;
}

/**
 * Cleans a parsed table (its schema says which columns are features) and standardizes the clustering columns.
 * Throws DataError (from cleaning) when no valid row is left.
 */
export function preprocess(table: RawTable, options: PreprocessOptions = {}): Preprocessed {
  return prepareFeatures(cleanCustomers(table, options.clean));
}

/**
 * Encodes and standardizes the clustering columns of an already cleaned table (e.g. from `loadCleanCustomers`, which
 * cleans while it reads). `preprocess` is `prepareFeatures(cleanCustomers(table))`.
 */
export function prepareFeatures(cleaning: CleanResult): Preprocessed {
  const { data } = cleaning;
  const encoding = featureColumns(data);
  const raw = featureMatrix(data, encoding);
  const scaler = fitScaler(raw, encoding);
  checkArithmetic(data, raw, encoding, scaler);
  // standardized in the raw matrix's buffer: one matrix of the features, not two
  const scaled = scaleMatrixInPlace(raw, scaler);
  return { cleaning, data, encoding, features: scaler.features, scaler, scaled };
}

/**
 * Refuses values the arithmetic cannot hold, as scikit-learn's check_array refuses "a value too large for
 * dtype('float64')": a column whose mean or standard deviation is not finite (the squares of values near 1e308
 * overflow) would give a model with a null scale. Names the line of the column's largest value.
 * @throws DataError "<source> line N: column "X" = 1e+308 is too large ...".
 */
function checkArithmetic(data: Customers, raw: Matrix, encoding: readonly FeatureColumn[], scaler: Scaler): void {
  const { rows: n, cols } = raw;
  encoding.forEach((c, j) => {
    if (Number.isFinite(scaler.mean[j]) && Number.isFinite(scaler.scale[j])) return;
    let worst = 0;
    for (let i = 1; i < n; i++) if (!(Math.abs(raw.data[i * cols + j]) <= Math.abs(raw.data[worst * cols + j]))) worst = i;
    const value = c.kind === 'numeric' ? data.numeric[c.source][worst] : raw.data[worst * cols + j];
    throw new DataError(
      `line ${data.lines[worst]}: column "${c.source}" = ${value} is too large for the arithmetic (the column's mean or standard deviation overflows float64); values must stay well below 1e150 in magnitude: check the value or rescale the column`,
      c.source,
    );
  });
}

/** Options of {@link fitSegments}: the k sweep's options (kMin 2, kMax 10, k, nInit 10, seed 42, silhouette exact), and: */
export interface FitOptions extends SweepOptions {
  /**
   * Runs the k sweep, which reads only `prep.scaled`: a caller may free the customer columns meanwhile (the report
   * moves them to a temporary file, see spillColumns) and must give them back before it resolves. Default: runs it.
   */
  aroundSweep?: (sweep: () => Promise<SweepResult>) => Promise<SweepResult>;
}

/** Everything one segmentation run produces, as plain data. */
export interface Segmentation {
  sweep: SweepResult;
  /** Final cluster of each customer (nearest centre, the same rule as `predict`), length n. */
  labels: Int32Array;
  /** Silhouette of each customer of `silhouetteRows` (all customers when it is null) for the selected k. */
  silhouetteSamples: Float64Array;
  /**
   * The customers (row ids, ascending) `silhouetteSamples` belongs to when the data were too large for an exact
   * silhouette (see AUTO_EXACT_MAX_ROWS): the sweep's seeded sample. null: every customer, in order.
   */
  silhouetteRows: Int32Array | null;
  /** Segment of each customer of `silhouetteRows` (equal to `labels` when it is null), for the silhouette diagram. */
  silhouetteLabels: Int32Array;
  profiles: SegmentProfile[];
  model: SegmentModel;
  /** Population mean of each numeric column (raw units): the reference the profiles are compared with. */
  population: Record<string, number>;
  warnings: string[];
  /** Seconds spent in k-means, silhouette and profiling. */
  timings: { kmeans_s: number; silhouette_s: number; profile_s: number };
}

/**
 * Sweeps k (or fits a fixed k), assigns each customer to its nearest centre, scores, profiles the segments and
 * builds the model artifact. Needs a TensorFlow.js backend to be set (see initBackend).
 */
export async function fitSegments(prep: Preprocessed, dataHash: string, options: FitOptions = {}): Promise<Segmentation> {
  const { aroundSweep = (run) => run(), ...sweepOptions } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const sweep = await aroundSweep(() => sweepK(prep.scaled, { ...sweepOptions, seed }));
  const t0 = performance.now();
  // The finish after the sweep, in 4 steps: float64 assignment, silhouette, profiles, model.
  const step = (done: number) => options.onProgress?.({ phase: 'profile', done, total: 4 });
  step(0);
  const fit = sweep.fits[String(sweep.selected)];
  const { labels, distances } = assignNearest(prep.scaled, fit.centroids);
  step(1);
  const warnings = [...fit.warnings, ...sweep.selectionWarnings];
  const moved = labels.reduce((n, l, i) => n + (l !== fit.labels[i] ? 1 : 0), 0);
  if (moved > 0)
    warnings.push(`${moved} customer(s) sat on a boundary between two segments; assigned to the nearest centre in float64`);
  // The sweep already scored the selected k's rows (all of them, or its seeded sample for large data): reuse them
  // unless the final float64 assignment moved a customer.
  const scoredRows = sweep.silhouetteRows.length > 0 ? sweep.silhouetteRows : queryRowsFor(labels.length, silhouetteSampleSize('auto', labels.length) as number | null, seed);
  const reused = sweep.rowSilhouettes[String(sweep.selected)];
  const sampledRows = scoredRows.length < labels.length;
  const samples =
    moved === 0 && reused !== undefined
      ? reused
      : sampledRows
        ? await sampleSilhouettes(prep.scaled, { labels, k: sweep.selected }, scoredRows, { seed, threads: options.threads })
        : await silhouetteSamples(prep.scaled, { labels, k: sweep.selected }, { seed, rows: scoredRows, threads: options.threads });
  step(2);
  const rawCentroids = fit.centroids.map((c) => toRawUnits(c, prep.scaler, prep.encoding));
  const profiles = profileSegments(prep.data, labels, { k: sweep.selected, centroids: rawCentroids, centroidColumns: prep.features });
  step(3);
  const empty = profiles.filter((p) => p.size === 0).map((p) => p.id);
  if (empty.length) warnings.push(`segment(s) ${empty.join(', ')} are empty: k=${sweep.selected} is more than the data supports`);
  const model = buildModel({
    schema: prep.data.schema,
    encoding: prep.encoding,
    scaler: prep.scaler,
    centroids: fit.centroids,
    trainDistances: distances,
    profiles,
    seed,
    dataHash,
    metrics: { silhouette: sweep.silhouette, inertia: sweep.inertia, rule: sweep.rule, reason: sweep.reason },
    medians: prep.cleaning.medians,
  });
  step(4);
  const population: Record<string, number> = {};
  for (const f of numericColumns(prep.data.schema)) population[f] = prep.data.numeric[f].reduce((s, v) => s + v, 0) / prep.data.n;
  return {
    sweep,
    labels,
    silhouetteSamples: samples,
    silhouetteRows: scoredRows.length === labels.length ? null : scoredRows,
    silhouetteLabels: scoredRows.length === labels.length ? labels : Int32Array.from(scoredRows, (row) => labels[row]),
    profiles,
    model,
    population,
    warnings,
    timings: { ...sweep.timings, profile_s: (performance.now() - t0) / 1000 },
  };
}
