import { DataError, ModelError } from '../util/errors';
import { CategoryReader, MISSING_CATEGORY, missingTokenSet, readNumber } from '../data/normalize';
import { MALL_SCHEMA, field, validateSchema, type TableSchema } from '../data/schema';
import { encodeValue, type FeatureColumn } from '../features/encode';
import type { Scaler } from '../features/scale';
import { quantile } from '../util/stats';
import type { SegmentProfile } from '../model/types';
import type { RfmEdges } from './rfm';
import type { TransactionColumns } from '../data/transactions/sql';

/** Format tag of a saved model. */
export const MODEL_FORMAT = 'customer-segmentation-model';
/** Format tags of models written before the tool was renamed; {@link parseModel} reads them as {@link MODEL_FORMAT}. */
export const LEGACY_MODEL_FORMATS: readonly string[] = ['mall-segmentation-model'];
/** Version of the saved model's layout; bumped on any incompatible change. */
export const MODEL_VERSION = 2;
/** Older versions {@link parseModel} still reads (version 1: the Mall model before schemas). */
export const READABLE_VERSIONS: readonly number[] = [1, 2];
/** Written into every model as `generatedBy`. */
export const GENERATED_BY = 'customer-segmentation 0.1.0';

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
  /** `reason`: the sentence saying why this k (absent in models saved before it was recorded). */
  readonly metrics: { silhouette: Record<string, number | null>; inertia: Record<string, number>; rule: string; reason?: string };
  /** The training table's schema: which columns a customer record has, their names, units and ranges. */
  readonly schema: TableSchema;
  /** How each clustering column is made from the record (numeric transform, one-hot category). */
  readonly encoding: FeatureColumn[];
  /**
   * With the schema's `missing: "median"`: the training median (raw units) of each numeric clustering feature, imputed
   * for a missing value by predict, score, the API and the exported SQL. Absent otherwise.
   */
  readonly medians?: Record<string, number>;
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
  /** Present when something about the record is worth knowing: an unknown category (scored as all-zero one-hot), a
   * missing number imputed with the training median, fields the model ignored. */
  warnings?: string[];
}

/** Options of {@link predict}. */
export interface PredictOptions {
  /** No effect: keys the schema does not know (e.g. extra CSV columns) are always ignored and listed in `warnings`. */
  ignoreUnknown?: boolean;
  /** Add `warnings` to an answer that has any (unknown categories, imputed values, ignored fields). Default true. */
  warnings?: boolean;
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
  /** Training medians of the numeric columns (from cleaning with `missing: "median"`). Default: none. */
  medians?: Record<string, number>;
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
    ...(input.schema.missing === 'median' ? { medians: featureMedians(input.encoding, input.medians ?? {}) } : {}),
  };
}

function featureMedians(encoding: readonly FeatureColumn[], medians: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of encoding) if (c.kind === 'numeric' && medians[c.source] !== undefined) out[c.source] = medians[c.source];
  return out;
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
  if (m.format !== MODEL_FORMAT && !LEGACY_MODEL_FORMATS.includes(m.format as string))
    return fail(`format is ${JSON.stringify(m.format)}, expected "${MODEL_FORMAT}"`);
  if (m.format !== MODEL_FORMAT) m = { ...m, format: MODEL_FORMAT };
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
  if (schema.missing === 'median') {
    const medians = (m.medians ?? {}) as Record<string, unknown>;
    const lacking = [...new Set((encoding as FeatureColumn[]).filter((c) => c.kind === 'numeric').map((c) => c.source))].filter((s) => !isFiniteNumber(medians[s]));
    if (lacking.length > 0) return fail(`schema.missing is "median" but medians lacks a finite value for ${lacking.join(', ')}`);
  }
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

/** A scaled record and what `predict` says about its fields beside the answer. */
export interface EncodedRecord {
  /** Scaled clustering values, length model.features.length. */
  point: Float64Array;
  /** Sentences about the record: unknown categories (scored as all-zero one-hot), imputed values, extra fields. */
  warnings: string[];
}

/**
 * Checks one record against the model's schema, reading each cell as the report's cleaning does (src/data/normalize.ts:
 * trimmed, missing-value tokens, numeric text, category spellings folded to the values learned at training), and
 * returns its scaled point with warnings. Throws RecordError naming `<where>.<column>`: a missing or non-numeric number
 * (under the schema's `missing: "drop"`; with "median" the stored training median is used and flagged, as the report's
 * cleaning imputes it), an out-of-range number, a missing category of a clustering feature, or an unknown category under
 * `unknownCategory: "error"` (else scored as all-zero one-hot and flagged). Keys the schema does not know are ignored and
 * listed in the warnings.
 */
export function encodeRecordWithWarnings(model: SegmentModel, record: PredictInput, where = 'customer'): EncodedRecord {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new RecordError(where, 'must be an object of column: value');
  const { schema } = model;
  const missing = missingTokenSet(schema.missingValues);
  const warnings: string[] = [];
  const known = new Set(schema.fields.flatMap((f) => (f.apiName ? [f.name, f.apiName] : [f.name])));
  const extra = Object.keys(record).filter((key) => !known.has(key));
  if (extra.length > 0) warnings.push(`ignored ${extra.length === 1 ? 'field' : 'fields'} not in the model: ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
  const raw = new Map<string, number | string>();
  for (const source of new Set(model.encoding.map((c) => c.source))) {
    const f = field(schema, source);
    const found = lookup(record, f.name, f.apiName);
    const at = `${where}.${found?.key ?? f.name}`;
    if (f.type === 'string') {
      const value = found?.value;
      if (value !== undefined && value !== null && typeof value !== 'string') throw new RecordError(at, `must be text (got ${JSON.stringify(value)})`);
      const cell = categoryReader(model, source, missing).read(value);
      if (cell.kind === 'missing') throw new RecordError(at, 'is required');
      if (cell.kind === 'unknown') {
        const seen = model.encoding.filter((c) => c.source === source).map((c) => c.category as string);
        if (schema.unknownCategory === 'error') throw new RecordError(at, `unknown category ${JSON.stringify(cell.text)} (known: ${seen.join(', ')})`);
        warnings.push(`${found?.key ?? f.name}: unknown category ${JSON.stringify(cell.text)}, scored as none of ${seen.join(', ')}`);
        raw.set(source, cell.text);
      } else raw.set(source, cell.value);
      continue;
    }
    const cell = readNumber(found?.value, missing);
    const median = schema.missing === 'median' ? model.medians?.[source] : undefined;
    let value: number;
    if (cell.kind === 'number') value = cell.value;
    else if (median === undefined) {
      if (cell.kind === 'invalid') throw new RecordError(at, `must be a finite number (got ${JSON.stringify(found?.value)})`);
      throw new RecordError(at, 'is required (a number)');
    } else {
      // As the report's cleaning: under "median", a missing or non-numeric cell takes the training median.
      const what = cell.kind === 'missing' ? 'missing' : `not a number (${JSON.stringify(found?.value)})`;
      warnings.push(`${found?.key ?? f.name}: ${what}, imputed with the training median ${median}`);
      value = median;
    }
    const { minimum, maximum } = f.constraints ?? {};
    if (minimum !== undefined && value < minimum) throw new RecordError(at, `must be >= ${minimum} (got ${value})`);
    if (maximum !== undefined && value > maximum) throw new RecordError(at, `must be <= ${maximum} (got ${value})`);
    raw.set(source, value);
  }
  // A profiled-only category (not clustered) does not change the answer; a value training never saw is flagged.
  const clustered = new Set(model.encoding.map((c) => c.source));
  for (const name of schema.categorical ?? []) {
    if (clustered.has(name)) continue;
    const f = field(schema, name);
    const found = lookup(record, f.name, f.apiName);
    if (found === null || typeof found.value !== 'string') continue;
    const known = [...new Set([...(f.constraints?.enum ?? []), ...profiledValues(model, name)])];
    const cell = new CategoryReader(known, f.aliases, missing).read(found.value);
    if (cell.kind === 'unknown') warnings.push(`${found.key}: unknown category ${JSON.stringify(cell.text)} (not clustered; known: ${known.join(', ')})`);
  }
  const point = new Float64Array(model.encoding.length);
  model.encoding.forEach((c, j) => {
    point[j] = (encodeValue(c, raw.get(c.source) as number | string) - model.scaler.mean[j]) / model.scaler.scale[j];
  });
  return { point, warnings };
}

/** The scaled point of one record (see {@link encodeRecordWithWarnings}, whose warnings this drops). */
export function encodeRecord(model: SegmentModel, record: PredictInput, where = 'customer'): Float64Array {
  return encodeRecordWithWarnings(model, record, where).point;
}

/** The values of a profiled-only category seen in training (from the segment profiles), "(missing)" left out. */
function profiledValues(model: SegmentModel, column: string): string[] {
  const seen = new Set<string>();
  for (const p of model.profiles) for (const value of Object.keys(p.categories?.[column] ?? {})) if (value !== MISSING_CATEGORY) seen.add(value);
  return [...seen].sort();
}

const readers = new WeakMap<SegmentModel, Map<string, CategoryReader>>();

/**
 * The reader of a categorical feature's cells: the values learned at training (the one-hot categories) and the
 * schema's enum, with the schema's aliases. Cached per model.
 */
export function categoryReader(model: SegmentModel, column: string, missing = missingTokenSet(model.schema.missingValues)): CategoryReader {
  let byColumn = readers.get(model);
  if (byColumn === undefined) readers.set(model, (byColumn = new Map()));
  let reader = byColumn.get(column);
  if (reader === undefined) {
    const f = field(model.schema, column);
    const learned = model.encoding.filter((c) => c.source === column && c.kind === 'onehot').map((c) => c.category as string);
    reader = new CategoryReader([...(f.constraints?.enum ?? []), ...learned], f.aliases, missing);
    byColumn.set(column, reader);
  }
  return reader;
}

/**
 * Assigns new customers to segments: each record is checked against the model's schema (see {@link encodeRecord};
 * the first record it cannot score throws RecordError naming it), scaled with the training scaler and given its
 * nearest centre, the rule that also assigned the training customers.
 * @returns one prediction per customer, in input order
 * @example predict(model, [{ Age: 23, 'Annual Income (k$)': 16, 'Spending Score (1-100)': 77 }])
 */
export function predict(model: SegmentModel, customers: readonly PredictInput[], options: PredictOptions = {}): Prediction[] {
  const { warnings: withWarnings = true } = options;
  const idField = model.schema.primaryKey === undefined ? undefined : field(model.schema, model.schema.primaryKey);
  return customers.map((c, i) => {
    const { point, warnings } = encodeRecordWithWarnings(model, c, `customers[${i}]`);
    const { cluster, distance } = nearest(point, model.centroids);
    const id = idField ? lookup(c, idField.name, idField.apiName)?.value : undefined;
    const answer: Prediction = { cluster, label: model.profiles[cluster].label, distance, outlier: distance > model.distance.p99 };
    if (withWarnings && warnings.length > 0) answer.warnings = warnings;
    return id === undefined || id === null || id === '' ? answer : { id: id as string | number, ...answer };
  });
}
