// The saved model: the versioned JSON artifact built after a fit, written as text and read back with every check.
// Predicting with it is in ./predict.ts, re-exported here with the model's types.
import { ModelError } from '../util/errors';
import { MALL_SCHEMA, validateSchema, type TableSchema } from '../data/schema';
import type { FeatureColumn } from '../features/encode';
import type { Scaler } from '../features/scale';
import { quantile } from '../util/stats';
import type { SegmentProfile } from '../model/types';
import { GENERATED_BY, LEGACY_MODEL_FORMATS, MODEL_FORMAT, MODEL_VERSION, READABLE_VERSIONS, type SegmentModel } from './segmentModel';

export { GENERATED_BY, LEGACY_MODEL_FORMATS, MODEL_FORMAT, MODEL_VERSION, READABLE_VERSIONS, type SegmentModel, type TransactionsModel } from './segmentModel';
export {
  assignNearest,
  categoryReader,
  encodeRecord,
  encodeRecordWithWarnings,
  predict,
  RecordError,
  type EncodedRecord,
  type PredictInput,
  type Prediction,
  type PredictOptions,
} from './predict';

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
