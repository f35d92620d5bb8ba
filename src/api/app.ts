import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { COLUMNS, type FeatureName } from '../data/schema';
import { predict, type PredictInput, type SegmentModel } from '../model/artifact';
import { renderPage, type PageTraining } from './page';
import { API_FIELD, MAX_BATCH, routeSchemas, sharedSchemas, type ApiCustomer, type PredictBody } from './schemas';

/** Options of {@link buildApp}. */
export interface AppOptions {
  /** The fitted model to serve (from loadModel). Required. */
  model: SegmentModel;
  /**
   * Training customers and their segments, drawn on the page's 2D chart (e.g. read from clustered_data.csv).
   * Default: none, the chart shows the segment centres only.
   */
  training?: PageTraining;
  /** plotly.js source inlined into the page at GET / (plotlyScript()). Default: '' (the page answers without a chart). */
  plotlyJs?: string;
  /** Largest accepted request body, bytes. Default: 2 MiB (a full batch of 10,000 customers is ~0.7 MB). */
  bodyLimit?: number;
  /** Fastify logger setting. Default: false (no request logs; errors of the server itself still reach stderr). */
  logger?: boolean;
}

/** A segment as GET /clusters describes it. */
export interface ClusterView {
  id: number;
  label: string;
  size: number;
  share: number;
  centroid: Partial<Record<(typeof API_FIELD)[FeatureName], number>>;
  means: Record<(typeof API_FIELD)[FeatureName], number>;
  gender: { Female: number; Male: number };
}

/** Maps an API customer to the library's predict input. */
export function toPredictInput(c: ApiCustomer): PredictInput {
  return { age: c.age, income: c.annualIncome, spending: c.spendingScore, gender: c.gender };
}

/**
 * Segments of a model in API shape. Centroids in raw units: the profile's centroid where recorded, otherwise the
 * scaled centroid transformed back with the model's scaler. Only clustering features have a centroid.
 */
export function clusterViews(model: SegmentModel): ClusterView[] {
  return model.profiles.map((p) => {
    const centroid: ClusterView['centroid'] = {};
    model.features.forEach((f, j) => {
      const recorded = p.centroid?.[f];
      centroid[API_FIELD[f]] =
        typeof recorded === 'number' ? recorded : model.centroids[p.id][j] * model.scaler.scale[j] + model.scaler.mean[j];
    });
    return {
      id: p.id,
      label: p.label,
      size: p.size,
      share: p.share,
      centroid,
      means: {
        age: p.means[COLUMNS.age],
        annualIncome: p.means[COLUMNS.income],
        spendingScore: p.means[COLUMNS.spending],
      },
      gender: { Female: p.gender.Female, Male: p.gender.Male },
    };
  });
}

/** How a value is shown in an error message (JSON.stringify would print Infinity as null). */
function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** An Ajv error as Fastify passes it (verbose: true adds data and parentSchema). */
interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
  data?: unknown;
  parentSchema?: { properties?: Record<string, unknown> };
}

/** "/customers/3/age" -> "customers[3].age"; "" -> "body". */
function fieldName(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || 'body';
}

const TYPE_WORDS: Record<string, string> = { object: 'a JSON object', array: 'an array', number: 'a number', integer: 'an integer', string: 'a string', boolean: 'true or false' };

/** One Ajv error as {field, problem}, in words a client can act on. */
export function describeValidationError(e: AjvError): { field: string; problem: string } {
  const got = 'data' in e ? ` (got ${show(e.data)})` : '';
  switch (e.keyword) {
    case 'required':
      return { field: fieldName(e.instancePath, String(e.params.missingProperty)), problem: 'is required' };
    case 'additionalProperties': {
      const allowed = Object.keys(e.parentSchema?.properties ?? {});
      return {
        field: fieldName(e.instancePath, String(e.params.additionalProperty)),
        problem: `is not a known field${allowed.length ? ` (expected: ${allowed.join(', ')})` : ''}`,
      };
    }
    case 'type':
      if (e.params.type === 'number' && typeof e.data === 'number')
        return { field: fieldName(e.instancePath), problem: `must be a finite number${got}` };
      return { field: fieldName(e.instancePath), problem: `must be ${TYPE_WORDS[String(e.params.type)] ?? `of type ${e.params.type}`}${got}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { field: fieldName(e.instancePath), problem: `must be ${e.params.comparison} ${e.params.limit}${got}` };
    case 'enum':
      return {
        field: fieldName(e.instancePath),
        problem: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${got}`,
      };
    case 'minItems':
    case 'maxItems': {
      const n = Array.isArray(e.data) ? ` (got ${e.data.length})` : '';
      return {
        field: fieldName(e.instancePath),
        problem: `must hold ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${e.params.limit} customer${e.params.limit === 1 ? '' : 's'}${n}`,
      };
    }
    default:
      return { field: fieldName(e.instancePath), problem: `${e.message ?? 'is invalid'}${got}` };
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The JSON body of an error answer: field and problem when known. */
function errorBody(error: FastifyError, bodyLimit: number, contentType: string | undefined) {
  const statusCode = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  const base = { statusCode, error: REASONS[statusCode] ?? (statusCode < 500 ? 'Client Error' : 'Server Error'), code: error.code };
  if (error.validation) {
    const first = (error.validation as unknown as AjvError[]).find((e) => e.keyword !== 'if') ?? (error.validation[0] as unknown as AjvError);
    const { field, problem } = describeValidationError(first);
    return { ...base, field, problem, message: `${field}: ${problem}` };
  }
  let problem: string;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      problem = `${contentType ? JSON.stringify(contentType) : '(none)'} is not supported; send application/json`;
      break;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      problem = `is larger than the limit of ${bodyLimit} bytes; send at most ${MAX_BATCH} customers per request`;
      break;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      problem = 'is empty; send a JSON object';
      break;
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      problem = 'is not valid JSON';
      break;
    default:
      if (error instanceof SyntaxError) problem = `is not valid JSON (${error.message})`;
      else if (statusCode >= 500) return { ...base, message: 'Internal error; see the server log' };
      else problem = error.message;
  }
  const field = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'content-type' : 'body';
  return { ...base, field, problem, message: `${field}: ${problem}` };
}

/**
 * Builds the prediction API as a Fastify instance (not listening; the caller calls `listen` and `close`). Routes:
 * GET / (page with a form), GET /health, GET /clusters, POST /predict, GET /docs and GET /docs/openapi.json (OpenAPI
 * 3.1 generated from src/api/schemas.ts, the schemas that also validate requests). Every client mistake is a 4xx
 * with a JSON body `{statusCode, error, code, field, problem, message}`; predictions go through the library's
 * `predict`, the single prediction code path.
 *
 * @example
 * const app = buildApp({ model: await loadModel('data/models/clustering_model.json') });
 * await app.listen({ port: 8000, host: '127.0.0.1' });
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const { model, training, plotlyJs = '', bodyLimit = 2 * 1024 * 1024, logger = false } = options;
  const app = Fastify({
    logger,
    bodyLimit,
    ajv: {
      customOptions: {
        coerceTypes: false, // "23" is a wrong-typed field, not 23
        removeAdditional: false, // unknown fields are reported, not silently dropped
        useDefaults: false,
        strictNumbers: true, // NaN / Infinity (e.g. 1e999) fail `type: number`
        allErrors: false,
        verbose: true, // errors carry the offending value, for the message
      },
    },
  });
  // Only JSON bodies: without this, text/plain would be parsed to a string and fail as a wrong type, not 415.
  app.removeContentTypeParser('text/plain');
  for (const s of sharedSchemas) app.addSchema(s);

  // While closing, answer in-flight requests with `Connection: close`, so that their keep-alive sockets end with the
  // answer instead of holding close() open until the keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const body = errorBody(error, bodyLimit, request.headers['content-type']);
    if (body.statusCode >= 500) request.log.error(error);
    void reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      statusCode: 404,
      error: 'Not Found',
      field: 'url',
      problem: `no route ${request.method} ${request.url.split('?')[0]}`,
      message: `Route ${request.method} ${request.url.split('?')[0]} not found; see GET /docs`,
    });
  });

  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Mall customer segmentation API',
        version: String(model.version),
        description: `Assigns customers to the ${model.k} segments of a k-means model (data ${model.dataHash}).`,
      },
      tags: [{ name: 'predict' }, { name: 'model' }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });

  void app.register(async (api) => {
    const clusters = { k: model.k, clusters: clusterViews(model) };
    const health = {
      status: 'ok',
      modelVersion: model.version,
      generatedBy: model.generatedBy,
      k: model.k,
      nTrain: model.nTrain,
      dataHash: model.dataHash,
    };
    let page: string | undefined; // rendered on first request: inlining plotly.js is a few MB of string work

    api.get('/health', { schema: routeSchemas.health }, async () => health);
    api.get('/clusters', { schema: routeSchemas.clusters }, async () => clusters);
    api.post('/predict', { schema: routeSchemas.predict }, async (request) => {
      const body = request.body as PredictBody;
      const customers = 'customers' in body ? body.customers : [body];
      return { predictions: predict(model, customers.map(toPredictInput)) };
    });
    api.get('/', { schema: { summary: 'Web page: a form that calls /predict and a 2D chart', tags: ['page'], produces: ['text/html'] } }, async (_request, reply) => {
      page ??= renderPage({ model, clusters: clusters.clusters, training, plotlyJs });
      return reply.type('text/html; charset=utf-8').send(page);
    });
    const docs = async () => app.swagger();
    api.get('/docs', { schema: { hide: true } }, docs);
    api.get('/docs/openapi.json', { schema: { hide: true } }, docs);
  });

  return app;
}
