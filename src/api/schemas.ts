import { categoricalColumns, field, numericColumns, type SchemaField, type TableSchema } from '../data/schema';
import type { SegmentModel } from '../segmentation/artifact';

/**
 * JSON schemas of the prediction API, built from the served model's table schema (src/data/schema.ts): the single
 * source for request validation (Fastify's Ajv), response serialization and the OpenAPI document served at /docs.
 * Ranges are the schema's `constraints`, the same ranges the CSV cleaning and the library's `predict` apply.
 */

/** Largest number of customers accepted in one POST /predict. */
export const MAX_BATCH = 10_000;

/** Keys of a cluster view that a categorical column's apiName may not take (see ClusterView). */
export const CLUSTER_VIEW_KEYS: readonly string[] = ['id', 'label', 'size', 'share', 'centroid', 'means', 'categories'];

/**
 * The key a column has in API answers (/clusters) and in the page's form: its `apiName` when the schema gives one
 * (the Mall model's camelCase `age`, `annualIncome`, ...), else its name as in the CSV header.
 */
export function apiKey(f: SchemaField): string {
  return f.apiName ?? f.name;
}

/** The names a request may use for a column: its name, and its apiName when it has one. */
function requestNames(f: SchemaField): string[] {
  return f.apiName !== undefined && f.apiName !== f.name ? [f.name, f.apiName] : [f.name];
}

/** Upper bound of a numeric column at the API: `constraints.maximum`, else `apiMaximum` (keeps distances finite). */
export function apiMaximum(f: SchemaField): number | undefined {
  return f.constraints?.maximum ?? f.apiMaximum;
}

/** The values the API and the page know for a categorical column: its enum, else those seen in training. */
export function knownCategories(model: SegmentModel, column: string): string[] {
  const declared = field(model.schema, column).constraints?.enum;
  if (declared) return [...declared];
  const seen = new Set<string>();
  for (const p of model.profiles) for (const [value, share] of Object.entries(p.categories?.[column] ?? {})) if (share > 0) seen.add(value);
  seen.delete('(missing)');
  return [...seen].sort();
}

/** Training mean of a numeric column (size-weighted mean of the segment means), for examples and form defaults. */
export function trainingMean(model: SegmentModel, column: string): number | undefined {
  let sum = 0;
  let n = 0;
  for (const p of model.profiles) {
    const m = p.means?.[column];
    if (typeof m === 'number' && Number.isFinite(m) && p.size > 0) {
      sum += m * p.size;
      n += p.size;
    }
  }
  return n > 0 ? sum / n : undefined;
}

function titled(f: SchemaField): string {
  const title = f.title ?? f.name;
  return f.unit ? `${title} (${f.unit})` : title;
}

/** The JSON schema of one column's value in a request. */
function columnSchema(model: SegmentModel, f: SchemaField): Record<string, unknown> {
  const { schema } = model;
  const feature = schema.features.includes(f.name);
  const role = feature ? 'Clustering feature' : 'Not used for clustering; accepted so that a whole CSV row can be sent';
  if (f.name === schema.primaryKey)
    return {
      type: f.type === 'integer' ? ['integer', 'string'] : ['string', 'number'],
      description: `${titled(f)}: the customer's id, echoed in the answer.`,
    };
  if ((schema.categorical ?? []).includes(f.name)) {
    const known = knownCategories(model, f.name);
    // No `enum`: other spellings (case, padding, the schema's aliases) are read as the value they stand for, and an
    // unknown category of a clustering feature is scored and flagged (or refused, per the model), as in every entry point.
    const unknown = !feature ? '' : schema.unknownCategory === 'error' ? ' Another value is refused.' : ' Another value is scored as none of them and flagged in `warnings`.';
    return {
      type: 'string',
      description: `${titled(f)}. ${role}.${known.length ? ` Values: ${known.join(', ')} (compared ignoring case and spaces).` : ''}${unknown}`,
      ...(known.length ? { examples: [known[0]] } : {}),
    };
  }
  const minimum = f.constraints?.minimum;
  const maximum = apiMaximum(f);
  const mean = trainingMean(model, f.name);
  return {
    // Numeric text ("23", " 23 ") is read as the CSV cleaning reads it (src/data/normalize.ts); the library checks it.
    type: ['number', 'string'],
    ...(minimum !== undefined ? { minimum } : {}),
    ...(maximum !== undefined ? { maximum } : {}),
    description: `${titled(f)}. ${role}.`,
    ...(mean !== undefined ? { examples: [Number(mean.toPrecision(3))] } : {}),
  };
}

/**
 * One customer as POST /predict reads it: every column of the model's schema as an optional property keyed by its
 * name as in the CSV header (and by its apiName too, when it has one); the clustering features are required (by
 * either name, not both; numeric ones not when the model imputes medians). Any other key is accepted and ignored.
 */
export function customerSchema(model: SegmentModel): Record<string, unknown> {
  const { schema } = model;
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const allOf: Record<string, unknown>[] = [];
  for (const f of schema.fields) {
    const value = columnSchema(model, f);
    properties[f.name] = value;
    const isFeature = schema.features.includes(f.name);
    // The model's true required fields: every categorical feature; every numeric feature unless missing numbers are
    // imputed with the training median.
    const mustHave = isFeature && (f.type === 'string' || schema.missing !== 'median');
    const names = requestNames(f);
    if (names.length === 2) {
      properties[names[1]] = { ...value, description: `Same column as "${f.name}" (send one of the two names). ${value.description as string}` };
      // the apiName first: its `required` error is the one reported (Mall clients use the camelCase names)
      if (mustHave) allOf.push({ anyOf: [{ required: [names[1]] }, { required: [names[0]] }] });
      allOf.push({ not: { type: 'object', required: [names[0], names[1]] } }); // type: a non-object fails as a type, not here
    } else if (mustHave) required.push(f.name);
  }
  return {
    $id: 'Customer',
    type: 'object',
    description: `A customer of table "${schema.name ?? 'custom'}" to assign to a segment, in raw units. Clustering features: ${schema.features.map((n) => JSON.stringify(n)).join(', ')}; the other columns may come along, and fields the model does not know are ignored and listed in the answer's \`warnings\` (a whole CSV row can be sent).`,
    ...(required.length ? { required } : {}),
    ...(allOf.length ? { allOf } : {}),
    properties,
  };
}

/** A batch of customers. */
export const batchSchema = {
  $id: 'CustomerBatch',
  type: 'object',
  required: ['customers'],
  additionalProperties: false,
  properties: {
    customers: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_BATCH,
      items: { $ref: 'Customer#' },
      description: `1 to ${MAX_BATCH} customers; answers come back in the same order.`,
    },
  },
} as const;

/**
 * POST /predict body: `{"customers": [...]}` or a single customer object. `if/then/else` (not `oneOf`) so that a
 * bad field is reported once, precisely, instead of as a failure of every alternative.
 */
export const predictBodySchema = {
  type: 'object',
  description: `Either {"customers": [customer, ...]} (1-${MAX_BATCH}) or one customer object.`,
  if: { type: 'object', required: ['customers'] },
  then: { $ref: 'CustomerBatch#' },
  else: { $ref: 'Customer#' },
} as const;

/** One answer of POST /predict. */
export const predictionSchema = {
  $id: 'Prediction',
  type: 'object',
  required: ['cluster', 'label', 'distance', 'outlier'],
  properties: {
    id: { type: ['string', 'number'], description: "The customer's id, when the request gave the table's id column." },
    cluster: { type: 'integer', description: 'Segment id, 0..k-1.' },
    label: { type: 'string', description: 'The segment label.' },
    distance: { type: 'number', description: 'Euclidean distance to the segment centre, in standardized units.' },
    outlier: { type: 'boolean', description: 'True when farther from every centre than 99% of the training customers.' },
    warnings: {
      type: 'array',
      items: { type: 'string' },
      description: 'Present when something about the record is worth knowing: an unknown category (scored as none of the known ones), a missing number imputed with the training median, fields the model ignored.',
    },
  },
} as const;

/** Body of error answers (every 4xx and 5xx). */
export const errorSchema = {
  $id: 'ApiError',
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string', description: 'HTTP reason phrase.' },
    code: { type: 'string', description: 'Machine-readable cause, e.g. FST_ERR_VALIDATION.' },
    field: { type: 'string', description: 'The offending field, e.g. "customers[3].age", or "body".' },
    problem: { type: 'string', description: 'What is wrong with it.' },
    message: { type: 'string', description: '"<field>: <problem>" or a sentence.' },
  },
} as const;

const numbersOf = (keys: readonly string[], description: string) => ({
  type: 'object',
  description,
  properties: Object.fromEntries(keys.map((k) => [k, { type: 'number' }])),
});

/** The key of a clustering column in a cluster view's centroid: apiKey of its column, "=<category>" for one-hot. */
export function centroidKey(schema: TableSchema, encoded: { source: string; kind: string; category?: string }): string {
  const key = apiKey(field(schema, encoded.source));
  return encoded.kind === 'onehot' ? `${key}=${encoded.category}` : key;
}

/** Categorical columns that also appear at the top of a cluster view under their apiName (Mall: gender). */
export function aliasedCategories(schema: TableSchema): SchemaField[] {
  return categoricalColumns(schema)
    .map((c) => field(schema, c))
    .filter((f) => f.apiName !== undefined && !CLUSTER_VIEW_KEYS.includes(f.apiName));
}

/** The GET /clusters answer's schema: centroid, means and categories keyed by the model's columns. */
function clustersSchema(model: SegmentModel): Record<string, unknown> {
  const { schema } = model;
  const shares = (column: string) => {
    const f = field(schema, column);
    return {
      type: 'object',
      description: `Share of each value of ${titled(f)} in the segment, 0..1.`,
      additionalProperties: { type: 'number' },
    };
  };
  const categorical = categoricalColumns(schema);
  return {
    type: 'object',
    required: ['k', 'clusters'],
    properties: {
      k: { type: 'integer' },
      reason: { type: 'string', description: 'Why this k, in one sentence (models saved before it was recorded have none).' },
      clusters: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'label', 'size', 'share', 'centroid', 'means', 'categories'],
          properties: {
            id: { type: 'integer' },
            label: { type: 'string' },
            size: { type: 'integer', description: 'Training customers in the segment.' },
            share: { type: 'number', description: 'size / training customers, 0..1.' },
            centroid: numbersOf(
              model.encoding.map((c) => centroidKey(schema, c)),
              'Segment centre in raw units, per clustering column ("<column>=<value>": share of that category).',
            ),
            means: numbersOf(
              numericColumns(schema).map((c) => apiKey(field(schema, c))),
              'Mean of each numeric column over the segment, raw units.',
            ),
            categories: {
              type: 'object',
              description: 'Per categorical column, the share of each value in the segment.',
              properties: Object.fromEntries(categorical.map((c) => [apiKey(field(schema, c)), shares(c)])),
            },
            ...Object.fromEntries(aliasedCategories(schema).map((f) => [f.apiName as string, { ...shares(f.name), description: `Same as categories.${f.apiName}.` }])),
          },
        },
      },
    },
  };
}

const errorResponses = {
  400: { description: 'Invalid request: the body names the field and the problem.', $ref: 'ApiError#' },
  413: { description: 'Body larger than the size limit.', $ref: 'ApiError#' },
  415: { description: 'Content-Type is not application/json.', $ref: 'ApiError#' },
} as const;

/** The API's schemas for one model: shared ones (registered with `app.addSchema`) and one per route. */
export interface ApiSchemas {
  /** Customer, CustomerBatch, Prediction, ApiError: the components of the OpenAPI document. */
  shared: Record<string, unknown>[];
  routes: { health: Record<string, unknown>; clusters: Record<string, unknown>; predict: Record<string, unknown> };
}

/** Builds the request and response schemas of the API from the model's table schema. */
export function apiSchemas(model: SegmentModel): ApiSchemas {
  return {
    shared: [customerSchema(model), batchSchema, predictionSchema, errorSchema],
    routes: {
      health: {
        summary: 'Service and model status',
        tags: ['model'],
        response: {
          200: {
            type: 'object',
            required: ['status', 'modelVersion', 'k', 'dataHash', 'schema'],
            properties: {
              status: { type: 'string', enum: ['ok'] },
              modelVersion: { type: 'integer', description: 'Layout version of the model artifact.' },
              generatedBy: { type: 'string' },
              k: { type: 'integer', description: 'Number of segments.' },
              nTrain: { type: 'integer', description: 'Number of training customers.' },
              dataHash: { type: 'string', description: '"sha256:<hex>" of the training CSV.' },
              schema: { type: 'string', description: 'Name of the table schema the model was trained on, e.g. "mall".' },
            },
          },
        },
      },
      clusters: { summary: 'The segments of the model', tags: ['model'], response: { 200: clustersSchema(model) } },
      predict: {
        summary: 'Assign customers to segments',
        description: `Body: {"customers": [...]} with 1-${MAX_BATCH} customers, or one customer object, keyed by the columns of table "${model.schema.name ?? 'custom'}" (see the Customer schema). Answers in input order; the id is echoed when given.`,
        tags: ['predict'],
        body: predictBodySchema,
        response: {
          200: {
            type: 'object',
            required: ['predictions'],
            properties: { predictions: { type: 'array', items: { $ref: 'Prediction#' } } },
          },
          ...errorResponses,
        },
      },
    },
  };
}

/** A validated POST /predict body: column (or apiName) -> value. */
export type PredictBody = Record<string, unknown> | { customers: Record<string, unknown>[] };
