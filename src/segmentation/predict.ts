// Predict: a customer record checked against the model's schema, read as the report's cleaning reads a row, scaled
// and given its nearest centre; the assignment rule the training labels use too.
import { DataError } from '../util/errors';
import { CategoryReader, MISSING_CATEGORY, missingTokenSet, readNumber } from '../data/normalize';
import { field } from '../data/schema';
import { encodeValue } from '../features/encode';
import type { SegmentModel } from './segmentModel';

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
