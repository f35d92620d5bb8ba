import { NUMERIC_FEATURES, DEFAULT_FEATURES, featureValue, type Customer, type FeatureName } from './data/schema';
import type { RawTable } from './data/parse';
import { cleanCustomers, type CleanOptions, type CleanResult } from './data/clean';
import { OptionsError } from './errors';
import { featureMatrix, fitScaler, scaleMatrix, unscaleRow, type Scaler } from './features/scale';
import { assignNearest, buildModel, type SegmentModel } from './model/artifact';
import type { Matrix } from './model/matrix';
import { profileSegments } from './model/profile';
import { queryRowsFor, silhouetteSamples } from './model/silhouette';
import { silhouetteSampleSize, sweepK, type SweepOptions, type SweepResult } from './model/sweep';
import type { SegmentProfile } from './model/types';

/** Options of {@link preprocess}. */
export interface PreprocessOptions {
  /** Clustering features. Default: Age, Annual Income (k$), Spending Score (1-100). */
  features?: readonly FeatureName[];
  /** Cleaning options (missing numeric cells: drop or median). Default: drop. */
  clean?: CleanOptions;
}

/** Clean customers and their standardized feature matrix. */
export interface Preprocessed {
  cleaning: CleanResult;
  customers: Customer[];
  features: FeatureName[];
  scaler: Scaler;
  /** Standardized features, shape [customers.length, features.length]. */
  scaled: Matrix;
}

/**
 * Cleans a parsed table and standardizes the clustering features. Throws OptionsError for an unknown feature and
 * DataError (from cleaning) when no valid row is left.
 */
export function preprocess(table: RawTable, options: PreprocessOptions = {}): Preprocessed {
  const { features = DEFAULT_FEATURES, clean } = options;
  const unknown = features.filter((f) => !NUMERIC_FEATURES.includes(f));
  if (features.length === 0 || unknown.length > 0)
    throw new OptionsError(
      `features must be one or more of ${NUMERIC_FEATURES.join(', ')} (got: ${unknown.join(', ') || 'none'})`,
      'features',
    );
  const cleaning = cleanCustomers(table, clean);
  const { customers } = cleaning;
  const scaler = fitScaler(customers, features);
  const scaled = scaleMatrix(featureMatrix(customers, features), scaler);
  return { cleaning, customers, features: [...features], scaler, scaled };
}

/** Options of {@link fitSegments}: the k sweep's options (kMin 2, kMax 10, k, nInit 10, seed 42, silhouette exact). */
export type FitOptions = SweepOptions;

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
  /** Population mean of each numeric feature (raw units): the reference the profiles are compared with. */
  population: Record<FeatureName, number>;
  warnings: string[];
  /** Seconds spent in k-means, silhouette and profiling. */
  timings: { kmeans_s: number; silhouette_s: number; profile_s: number };
}

/**
 * Sweeps k (or fits a fixed k), assigns each customer to its nearest centre, scores, profiles the segments and
 * builds the model artifact. Needs a TensorFlow.js backend to be set (see initBackend).
 */
export async function fitSegments(prep: Preprocessed, dataHash: string, options: FitOptions = {}): Promise<Segmentation> {
  const seed = options.seed ?? 42;
  const sweep = await sweepK(prep.scaled, { ...options, seed });
  const t0 = performance.now();
  const fit = sweep.fits[String(sweep.selected)];
  const { labels, distances } = assignNearest(prep.scaled, fit.centroids);
  const warnings = [...fit.warnings];
  const moved = labels.reduce((n, l, i) => n + (l !== fit.labels[i] ? 1 : 0), 0);
  if (moved > 0)
    warnings.push(`${moved} customer(s) sat on a boundary between two segments; assigned to the nearest centre in float64`);
  // The sweep already scored the selected k's rows (all of them, or its seeded sample for large data): reuse them
  // unless the final float64 assignment moved a customer.
  const scoredRows = sweep.silhouetteRows.length > 0 ? sweep.silhouetteRows : queryRowsFor(labels.length, silhouetteSampleSize('auto', labels.length) as number | null, seed);
  const reused = sweep.rowSilhouettes[String(sweep.selected)];
  const samples = moved === 0 && reused !== undefined ? reused : await silhouetteSamples(prep.scaled, { labels, k: sweep.selected }, { seed, rows: scoredRows });
  const rawCentroids = fit.centroids.map((c) => unscaleRow(c, prep.scaler));
  const profiles = profileSegments(prep.customers, labels, { k: sweep.selected, centroids: rawCentroids, features: prep.features });
  const empty = profiles.filter((p) => p.size === 0).map((p) => p.id);
  if (empty.length) warnings.push(`segment(s) ${empty.join(', ')} are empty: k=${sweep.selected} is more than the data supports`);
  const model = buildModel({
    features: prep.features,
    scaler: prep.scaler,
    centroids: fit.centroids,
    trainDistances: distances,
    profiles,
    seed,
    dataHash,
    metrics: { silhouette: sweep.silhouette, inertia: sweep.inertia, rule: sweep.rule },
  });
  const population = {} as Record<FeatureName, number>;
  for (const f of NUMERIC_FEATURES)
    population[f] = prep.customers.reduce((s, c) => s + featureValue(c, f), 0) / prep.customers.length;
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
