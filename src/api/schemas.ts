import { COLUMNS, VALID_RANGES } from '../data/schema';

/**
 * JSON schemas of the prediction API: the single source for request validation (Fastify's Ajv), response
 * serialization and the OpenAPI document served at /docs. Ranges come from src/data/schema.ts VALID_RANGES, the same
 * ranges the CSV cleaning uses.
 */

/** Largest number of customers accepted in one POST /predict. */
export const MAX_BATCH = 10_000;

/**
 * Upper bound of annualIncome at the API (k$, i.e. $1 billion a year). VALID_RANGES leaves income unbounded, but a
 * value near 1e155 or more overflows the squared distance to Infinity, and every segment would tie; a bound far above
 * any real customer keeps every answer a finite number.
 */
export const MAX_API_INCOME = 1_000_000;

/** Range keywords of a feature from VALID_RANGES; an infinite upper bound becomes `fallbackMax`. */
function range(feature: keyof typeof VALID_RANGES, fallbackMax?: number): { minimum: number; maximum?: number } {
  const { min, max } = VALID_RANGES[feature];
  const maximum = Number.isFinite(max) ? max : fallbackMax;
  return maximum === undefined ? { minimum: min } : { minimum: min, maximum };
}

/** One customer as the API reads it (raw units). */
export const customerSchema = {
  $id: 'Customer',
  type: 'object',
  description: 'A customer to assign to a segment, in raw units.',
  required: ['age', 'annualIncome', 'spendingScore'],
  additionalProperties: false,
  properties: {
    gender: { type: 'string', enum: ['Female', 'Male'], description: 'Recorded; not a clustering feature of the default model.' },
    age: { type: 'number', ...range(COLUMNS.age), description: 'Age in years.', examples: [23] },
    annualIncome: { type: 'number', ...range(COLUMNS.income, MAX_API_INCOME), description: 'Annual income in thousands of dollars (k$).', examples: [16] },
    spendingScore: { type: 'number', ...range(COLUMNS.spending), description: 'Spending score, 1-100.', examples: [77] },
  },
} as const;

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
    cluster: { type: 'integer', description: 'Segment id, 0..k-1.' },
    label: { type: 'string', description: 'The segment label.' },
    distance: { type: 'number', description: 'Euclidean distance to the segment centre, in standardized units.' },
    outlier: { type: 'boolean', description: 'True when farther from every centre than 99% of the training customers.' },
  },
} as const;

const featureTriple = (description: string) =>
  ({
    type: 'object',
    description,
    properties: { age: { type: 'number' }, annualIncome: { type: 'number' }, spendingScore: { type: 'number' } },
  }) as const;

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

/** Shared schemas, registered with `app.addSchema` (they are the components of the OpenAPI document). */
export const sharedSchemas = [customerSchema, batchSchema, predictionSchema, errorSchema] as const;

const errorResponses = {
  400: { description: 'Invalid request: the body names the field and the problem.', $ref: 'ApiError#' },
  413: { description: 'Body larger than the size limit.', $ref: 'ApiError#' },
  415: { description: 'Content-Type is not application/json.', $ref: 'ApiError#' },
} as const;

/** Route schemas, keyed by route. */
export const routeSchemas = {
  health: {
    summary: 'Service and model status',
    tags: ['model'],
    response: {
      200: {
        type: 'object',
        required: ['status', 'modelVersion', 'k', 'dataHash'],
        properties: {
          status: { type: 'string', enum: ['ok'] },
          modelVersion: { type: 'integer', description: 'Layout version of the model artifact.' },
          generatedBy: { type: 'string' },
          k: { type: 'integer', description: 'Number of segments.' },
          nTrain: { type: 'integer', description: 'Number of training customers.' },
          dataHash: { type: 'string', description: '"sha256:<hex>" of the training CSV.' },
        },
      },
    },
  },
  clusters: {
    summary: 'The segments of the model',
    tags: ['model'],
    response: {
      200: {
        type: 'object',
        required: ['k', 'clusters'],
        properties: {
          k: { type: 'integer' },
          clusters: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'label', 'size', 'share', 'centroid', 'means', 'gender'],
              properties: {
                id: { type: 'integer' },
                label: { type: 'string' },
                size: { type: 'integer', description: 'Training customers in the segment.' },
                share: { type: 'number', description: 'size / training customers, 0..1.' },
                centroid: featureTriple('Segment centre in raw units (clustering features only).'),
                means: featureTriple('Mean of each feature over the segment, raw units.'),
                gender: {
                  type: 'object',
                  description: 'Share of each gender in the segment, 0..1.',
                  properties: { Female: { type: 'number' }, Male: { type: 'number' } },
                },
              },
            },
          },
        },
      },
    },
  },
  predict: {
    summary: 'Assign customers to segments',
    description: `Body: {"customers": [...]} with 1-${MAX_BATCH} customers, or one customer object. Answers in input order.`,
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
} as const;

/** Fields of an API customer, mapped from the model's feature names. */
export const API_FIELD = {
  [COLUMNS.age]: 'age',
  [COLUMNS.income]: 'annualIncome',
  [COLUMNS.spending]: 'spendingScore',
} as const;

/** A customer as posted to /predict. */
export interface ApiCustomer {
  gender?: 'Female' | 'Male';
  age: number;
  annualIncome: number;
  spendingScore: number;
}

/** A validated POST /predict body. */
export type PredictBody = ApiCustomer | { customers: ApiCustomer[] };
