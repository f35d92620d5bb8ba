import { DataError, ModelError } from '../errors';
import { MISSING_CATEGORY } from '../data/clean';
import { MALL_SCHEMA, field, validateSchema, type TableSchema } from '../data/schema';
import { encodeValue, type FeatureColumn } from '../features/encode';
import type { Scaler } from '../features/scale';
import { quantile } from '../util/stats';
import type { SegmentProfile } from './types';
import type { RfmEdges } from '../transactions/rfm';
import type { TransactionColumns } from '../transactions/sql';

/** Format tag of a saved model. */
export const MODEL_FORMAT = 'mall-segmentation-model';
/** Version of the saved model's layout; bumped on any incompatible change. */
export const MODEL_VERSION = 2;
/** Older versions {@link parseModel} still reads (version 1: the Mall model before schemas). */
export const READABLE_VERSIONS: readonly number[] = [1, 2];
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
  /** Clustering columns (a feature's name, or "<column>=<category>" for one-hot), in the order of `centroids` and `scaler`. */
  readonly features: string[];
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
  /** The training table's schema: which columns a customer record has, their names, units and ranges. */
  readonly schema: TableSchema;
  /** How each clustering column is made from the record (numeric transform, one-hot category). */
  readonly encoding: FeatureColumn[];
  /**
   * Models trained on orders (`report --transactions`): the orders' columns, the training as-of date and the RFM
   * quintile edges learned on the training customers, so that new orders are aggregated and scored the same way.
   * Absent for customer-table models.
   */
  readonly transactions?: TransactionsModel;
}

/** The transactions part of a model (see SegmentModel.transactions). */
export interface TransactionsModel {
  columns: TransactionColumns;
  dateFormat?: string;
  /** The as-of date of the training data (YYYY-MM-DD). */
  asOf: string;
  rfm: RfmEdges;
}

/**
 * A customer to classify: values keyed by column name as in the model's schema (raw units; numbers, or numeric
 * text as in a CSV), e.g. {"Age": 23, "Annual Income (k$)": 16, "Spending Score (1-100)": 77}. A field's `apiName`
 * is accepted too (Mall: age, annualIncome, spendingScore, gender). The id and categorical columns may come along.
 */
export type PredictInput = Record<string, unknown>;

/** The answer for one customer. */
export interface Prediction {
  /** The record's id, when it had the schema's id column. */
  id?: string | number;
  /** Segment id, 0..k-1. */
  cluster: number;
  /** The segment's plain label. */
  label: string;
  /** Euclidean distance to the segment's centre, in scaled units. */
  distance: number;
  /** True when the customer is farther from every centre than 99% of the training customers were. */
  outlier: boolean;
}

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Ignore keys the schema does not know (e.g. extra CSV columns) instead of refusing the record. Default false. */
  ignoreUnknown?: boolean;
}

/** A record `predict` cannot score: `field` names the record and column, e.g. "customers[0].Age". */
export class RecordError extends DataError {
  override name = 'RecordError';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** Nearest centre of one scaled point: the single assignment rule used by training output, predict and the API. */
function nearest(point: ArrayLike<number>, centroids: readonly (readonly number[])[]): { cluster: number; distance: number } {
  let best = 0;
  let bestD2 = Number.POSITIVE_INFINITY;
  centroids.forEach((c, j) => {
    let d2 = 0;
    for (let f = 0; f < c.length; f++) {
      const t = point[f] - c[f];
      d2 += t * t; // t * t, as the exported SQL writes it (see sql.ts)
    }
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
  const { cols, data } = scaled;
  // nearest() inlined (no per-row subarray or result object: 10,000,000 rows); the same arithmetic, so the same bits.
  for (let i = 0; i < scaled.rows; i++) {
    const o = i * cols;
    let best = 0;
    let bestD2 = Number.POSITIVE_INFINITY;
    for (let j = 0; j < centroids.length; j++) {
      const c = centroids[j];
      let d2 = 0;
      for (let f = 0; f < c.length; f++) {
        const t = data[o + f] - c[f];
        d2 += t * t;
      }
      if (d2 < bestD2) {
        bestD2 = d2;
        best = j;
      }
    }
    labels[i] = best;
    distances[i] = Math.sqrt(bestD2);
  }
  return { labels, distances };
}

/** Inputs of {@link buildModel}. */
export interface BuildModelInput {
  schema: TableSchema;
  encoding: readonly FeatureColumn[];
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
  const d = input.trainDistances;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < d.length; i++) if (d[i] > max) max = d[i];
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    generatedBy: GENERATED_BY,
    features: input.encoding.map((c) => c.name),
    scaler: { mean: [...input.scaler.mean], scale: [...input.scaler.scale] },
    k: input.centroids.length,
    seed: input.seed,
    dataHash: input.dataHash,
    nTrain: d.length,
    centroids: input.centroids.map((c) => [...c]),
    // A loop, not Math.max(...d): spreading 10^5 values overflows the call stack (a 200,000-customer file did).
    distance: { p99: quantile(d, 0.99), max },
    profiles: input.profiles,
    metrics: input.metrics,
    schema: input.schema,
    encoding: [...input.encoding],
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
  if (!READABLE_VERSIONS.includes(m.version as number))
    return fail(`version ${JSON.stringify(m.version)} is not supported (this build reads ${READABLE_VERSIONS.join(' and ')})`);
  if (m.version === 1) m = upgradeV1(m);
  const features = m.features;
  if (!Array.isArray(features) || features.length === 0 || !features.every((f) => typeof f === 'string'))
    return fail('features must be a non-empty list of column names');
  let schema: TableSchema;
  try {
    schema = validateSchema(m.schema, `${source} (schema)`);
  } catch (e) {
    return fail((e as Error).message);
  }
  const encoding = m.encoding;
  if (!Array.isArray(encoding) || encoding.length !== features.length || !encoding.every((c, j) => c && c.name === features[j] && schema.fields.some((f) => f.name === c.source)))
    return fail('encoding must describe each feature column with a source column of the schema');
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
  if (m.transactions !== undefined) {
    const tx = m.transactions as Record<string, unknown> | null;
    const columns = (tx?.columns ?? null) as Record<string, unknown> | null;
    const rfm = (tx?.rfm ?? null) as Record<string, unknown> | null;
    if (!columns || !['customer', 'date', 'amount'].every((c) => typeof columns[c] === 'string') || typeof tx?.asOf !== 'string')
      return fail('transactions must name the customer, date and amount columns and the as-of date');
    if (!rfm || !['recency_days', 'frequency', 'monetary'].every((c) => isNumberArray(rfm[c], 4)))
      return fail('transactions.rfm must hold 4 quintile edges for each of recency_days, frequency and monetary');
  }
  return m as unknown as SegmentModel;
}


/** A version-1 (Mall, before schemas) model as version 2: the Mall schema with the model's features. */
function upgradeV1(m: Record<string, unknown>): Record<string, unknown> {
  const features = Array.isArray(m.features) ? (m.features as string[]) : [];
  const schema: TableSchema = { ...MALL_SCHEMA, features: [...features] };
  const encoding: FeatureColumn[] = features.map((name) => ({ name, source: name, kind: 'numeric', transform: 'none' }));
  const profiles = Array.isArray(m.profiles)
    ? (m.profiles as Record<string, unknown>[]).map((p) => ({ ...p, categories: p.gender ? { Gender: p.gender } : {} }))
    : m.profiles;
  return { ...m, version: MODEL_VERSION, profiles, schema, encoding };
}

/** Finds a record's value for a schema column: by its name, or by the field's `apiName`. */
function lookup(record: PredictInput, name: string, apiName: string | undefined): { key: string; value: unknown } | null {
  if (Object.prototype.hasOwnProperty.call(record, name)) return { key: name, value: record[name] };
  if (apiName !== undefined && Object.prototype.hasOwnProperty.call(record, apiName)) return { key: apiName, value: record[apiName] };
  return null;
}

const NUMBER_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * Checks one record against the model's schema and returns its scaled point. Throws RecordError naming
 * `<where>.<column>`: a missing or non-numeric feature, a value outside the schema's range, a missing required
 * category, or (unless ignoreUnknown) a key the schema does not know.
 */
export function encodeRecord(model: SegmentModel, record: PredictInput, where = 'customer', options: PredictOptions = {}): Float64Array {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new RecordError(where, 'must be an object of column: value');
  const { schema } = model;
  if (!options.ignoreUnknown) {
    const known = new Set(schema.fields.flatMap((f) => (f.apiName ? [f.name, f.apiName] : [f.name])));
    const unknown = Object.keys(record).find((key) => !known.has(key));
    if (unknown !== undefined)
      throw new RecordError(`${where}.${unknown}`, `is not a column of this model (columns: ${schema.fields.map((f) => f.name).join(', ')})`);
  }
  const raw = new Map<string, number | string>();
  for (const source of new Set(model.encoding.map((c) => c.source))) {
    const f = field(schema, source);
    const found = lookup(record, f.name, f.apiName);
    const at = `${where}.${found?.key ?? f.name}`;
    if (f.type === 'string') {
      const value = found?.value;
      if (value === undefined || value === null || value === '') {
        if (f.constraints?.required) throw new RecordError(at, 'is required');
        raw.set(source, MISSING_CATEGORY);
      } else if (typeof value !== 'string') throw new RecordError(at, `must be text (got ${JSON.stringify(value)})`);
      else raw.set(source, value.trim());
      continue;
    }
    if (found === null || found.value === undefined || found.value === null || found.value === '') throw new RecordError(at, 'is required (a number)');
    const value = typeof found.value === 'string' && NUMBER_TEXT.test(found.value) ? Number(found.value) : found.value;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new RecordError(at, `must be a finite number (got ${JSON.stringify(found.value)})`);
    const { minimum, maximum } = f.constraints ?? {};
    if (minimum !== undefined && value < minimum) throw new RecordError(at, `must be >= ${minimum} (got ${value})`);
    if (maximum !== undefined && value > maximum) throw new RecordError(at, `must be <= ${maximum} (got ${value})`);
    raw.set(source, value);
  }
  const point = new Float64Array(model.encoding.length);
  model.encoding.forEach((c, j) => {
    point[j] = (encodeValue(c, raw.get(c.source) as number | string) - model.scaler.mean[j]) / model.scaler.scale[j];
  });
  return point;
}

/**
 * Assigns new customers to segments: each record is checked against the model's schema (see {@link encodeRecord};
 * the first record it cannot score throws RecordError naming it), scaled with the training scaler and given its
 * nearest centre, the rule that also assigned the training customers.
 * @returns one prediction per customer, in input order
 * @example predict(model, [{ Age: 23, 'Annual Income (k$)': 16, 'Spending Score (1-100)': 77 }])
 */
export function predict(model: SegmentModel, customers: readonly PredictInput[], options: PredictOptions = {}): Prediction[] {
  const idField = model.schema.primaryKey === undefined ? undefined : field(model.schema, model.schema.primaryKey);
  return customers.map((c, i) => {
    const point = encodeRecord(model, c, `customers[${i}]`, options);
    const { cluster, distance } = nearest(point, model.centroids);
    const id = idField ? lookup(c, idField.name, idField.apiName)?.value : undefined;
    const answer: Prediction = { cluster, label: model.profiles[cluster].label, distance, outlier: distance > model.distance.p99 };
    return id === undefined || id === null || id === '' ? answer : { id: id as string | number, ...answer };
  });
}
