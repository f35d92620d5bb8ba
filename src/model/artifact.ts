import { ModelError } from '../errors';
import { COLUMNS, NUMERIC_FEATURES, type FeatureName, type Gender } from '../data/schema';
import type { Scaler } from '../features/scale';
import { quantile } from '../util/stats';
import type { SegmentProfile } from './types';

/** Format tag of a saved model. */
export const MODEL_FORMAT = 'mall-segmentation-model';
/** Version of the saved model's layout; bumped on any incompatible change. */
export const MODEL_VERSION = 1;
/** Written into every model as `generatedBy`. */
export const GENERATED_BY = 'mall-customer-segmentation 0.1.0';

/**
 * A fitted segmentation model: the versioned JSON artifact written to data/models/clustering_model.json.
 * Read-only; build it with {@link buildModel}, read it with {@link parseModel}, use it with {@link predict}.
 */
export interface SegmentModel {
  readonly format: typeof MODEL_FORMAT;
  readonly version: typeof MODEL_VERSION;
  readonly generatedBy: string;
  /** Clustering features, in the column order of `centroids` and `scaler`. */
  readonly features: FeatureName[];
  /** Standardization fitted on the training customers. */
  readonly scaler: { mean: number[]; scale: number[] };
  readonly k: number;
  readonly seed: number;
  /** 'sha256:<hex>' of the training CSV text. */
  readonly dataHash: string;
  /** Number of training customers. */
  readonly nTrain: number;
  /** Cluster centres in scaled units, shape [k, features.length]. */
  readonly centroids: number[][];
  /**
   * Distance (scaled units) of training customers to their nearest centre: `p99` is the threshold above which
   * `predict` flags a customer as an outlier; `max` for reference.
   */
  readonly distance: { p99: number; max: number };
  /** One profile per segment, id 0..k-1. */
  readonly profiles: SegmentProfile[];
  /** Model-selection numbers per k (keys are k as decimal strings) and the rule used. */
  readonly metrics: { silhouette: Record<string, number | null>; inertia: Record<string, number>; rule: string };
}

/** A customer to classify; raw units. Gender is accepted for the record but not used by the default features. */
export interface PredictInput {
  age: number;
  income: number;
  spending: number;
  gender?: Gender;
}

/** The answer for one customer. */
export interface Prediction {
  /** Segment id, 0..k-1. */
  cluster: number;
  /** The segment's plain label. */
  label: string;
  /** Euclidean distance to the segment's centre, in scaled units. */
  distance: number;
  /** True when the customer is farther from every centre than 99% of the training customers were. */
  outlier: boolean;
}

const INPUT_FIELD: Record<FeatureName, keyof PredictInput> = {
  [COLUMNS.age]: 'age',
  [COLUMNS.income]: 'income',
  [COLUMNS.spending]: 'spending',
};

/** Nearest centre of one scaled point: the single assignment rule used by training output, predict and the API. */
function nearest(point: ArrayLike<number>, centroids: readonly (readonly number[])[]): { cluster: number; distance: number } {
  let best = 0;
  let bestD2 = Number.POSITIVE_INFINITY;
  centroids.forEach((c, j) => {
    let d2 = 0;
    for (let f = 0; f < c.length; f++) d2 += (point[f] - c[f]) ** 2;
    if (d2 < bestD2) {
      bestD2 = d2;
      best = j;
    }
  });
  return { cluster: best, distance: Math.sqrt(bestD2) };
}

/**
 * Assigns scaled rows to their nearest centre (float64). Training labels written to clustered_data.csv come from this
 * function too, so a training customer sent to `predict` always lands in its own cluster.
 * @param scaled row-major scaled values, shape [n, nFeatures]
 */
export function assignNearest(
  scaled: { rows: number; cols: number; data: Float64Array },
  centroids: readonly (readonly number[])[],
): { labels: Int32Array; distances: Float64Array } {
  const labels = new Int32Array(scaled.rows);
  const distances = new Float64Array(scaled.rows);
  for (let i = 0; i < scaled.rows; i++) {
    const r = nearest(scaled.data.subarray(i * scaled.cols, (i + 1) * scaled.cols), centroids);
    labels[i] = r.cluster;
    distances[i] = r.distance;
  }
  return { labels, distances };
}

/** Inputs of {@link buildModel}. */
export interface BuildModelInput {
  features: readonly FeatureName[];
  scaler: Scaler;
  centroids: number[][];
  /** Distances of the training customers to their assigned centre (from {@link assignNearest}). */
  trainDistances: Float64Array;
  profiles: SegmentProfile[];
  seed: number;
  dataHash: string;
  metrics: SegmentModel['metrics'];
}

/** Assembles the model artifact. */
export function buildModel(input: BuildModelInput): SegmentModel {
  const d = Array.from(input.trainDistances);
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    generatedBy: GENERATED_BY,
    features: [...input.features],
    scaler: { mean: [...input.scaler.mean], scale: [...input.scaler.scale] },
    k: input.centroids.length,
    seed: input.seed,
    dataHash: input.dataHash,
    nTrain: d.length,
    centroids: input.centroids.map((c) => [...c]),
    // reduce, not Math.max(...d): spreading 10^5 values overflows the call stack (a 200,000-customer file did).
    distance: { p99: quantile(d, 0.99), max: d.reduce((a, b) => Math.max(a, b), -Infinity) },
    profiles: input.profiles,
    metrics: input.metrics,
  };
}

/** The model as pretty-printed JSON text (deterministic: same model, same bytes). */
export function serializeModel(model: SegmentModel): string {
  return JSON.stringify(model, null, 2) + '\n';
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumberArray = (v: unknown, length: number) => Array.isArray(v) && v.length === length && v.every(isFiniteNumber);

/**
 * Reads and checks a model artifact. Throws ModelError naming the source and the first problem found
 * (not JSON, wrong format or version, inconsistent shapes, non-finite numbers).
 */
export function parseModel(text: string, options: { source?: string } = {}): SegmentModel {
  const { source = '<model>' } = options;
  const fail = (problem: string): never => {
    throw new ModelError(`Model ${source} is not usable: ${problem}; re-create it with \`npm run report\``, source);
  };
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    return fail(`not JSON (${(e as Error).message})`);
  }
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return fail('not a JSON object');
  if (m.format !== MODEL_FORMAT) return fail(`format is ${JSON.stringify(m.format)}, expected "${MODEL_FORMAT}"`);
  if (m.version !== MODEL_VERSION) return fail(`version ${JSON.stringify(m.version)} is not supported (this build reads ${MODEL_VERSION})`);
  const features = m.features;
  if (!Array.isArray(features) || features.length === 0 || !features.every((f) => (NUMERIC_FEATURES as readonly unknown[]).includes(f)))
    return fail(`features must be a non-empty list of ${NUMERIC_FEATURES.join(', ')}`);
  const d = features.length;
  const k = m.k;
  if (!Number.isInteger(k) || (k as number) < 1) return fail(`k must be a positive integer, got ${JSON.stringify(k)}`);
  const scaler = m.scaler as Record<string, unknown> | undefined;
  if (!scaler || !isNumberArray(scaler.mean, d) || !isNumberArray(scaler.scale, d) || !(scaler.scale as number[]).every((s) => s > 0))
    return fail(`scaler must have ${d} finite means and ${d} positive scales`);
  const centroids = m.centroids;
  if (!Array.isArray(centroids) || centroids.length !== k || !centroids.every((c) => isNumberArray(c, d)))
    return fail(`centroids must be ${k} rows of ${d} finite numbers`);
  const distance = m.distance as Record<string, unknown> | undefined;
  if (!distance || !isFiniteNumber(distance.p99) || !isFiniteNumber(distance.max)) return fail('distance.p99 and distance.max must be numbers');
  const profiles = m.profiles;
  if (!Array.isArray(profiles) || profiles.length !== k || !profiles.every((p, i) => p && p.id === i && typeof p.label === 'string'))
    return fail(`profiles must list ${k} segments with ids 0..${(k as number) - 1} and labels`);
  if (typeof m.dataHash !== 'string' || !Number.isInteger(m.nTrain) || !Number.isInteger(m.seed)) return fail('dataHash, nTrain and seed are required');
  return m as unknown as SegmentModel;
}

/**
 * Assigns new customers to segments. Input is validated by the caller's boundary (API schema, CSV cleaning); values
 * must be finite numbers in raw units.
 * @returns one prediction per customer, in input order
 */
export function predict(model: SegmentModel, customers: readonly PredictInput[]): Prediction[] {
  const d = model.features.length;
  const point = new Float64Array(d);
  return customers.map((c) => {
    model.features.forEach((f, j) => {
      point[j] = ((c[INPUT_FIELD[f]] as number) - model.scaler.mean[j]) / model.scaler.scale[j];
    });
    const { cluster, distance } = nearest(point, model.centroids);
    return { cluster, label: model.profiles[cluster].label, distance, outlier: distance > model.distance.p99 };
  });
}
