import type { ClusterView } from './views';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import { categoricalColumns, field, numericColumns } from '../data/schema';
import { toRawUnits } from '../features/scale';
import { predict, RecordError, type PredictInput, type Prediction, type SegmentModel } from '../segmentation/artifact';
import { renderPage, type PageTraining } from './page';
import { predictInSlices } from './slices';
import { aliasedCategories, apiKey, apiSchemas, centroidKey, MAX_BATCH, type PredictBody } from './schemas';
import { describeValidation, type AjvError } from './validationErrors';

/** Options of {@link buildApp}. */
export interface AppOptions {
  /** The fitted model to serve (from loadModel). Required. Its table schema shapes the requests, answers and page. */
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
  /**
   * A body over `bodyLimit` is read and discarded up to this many bytes before the 413 answer, so that clients
   * that send the whole body before reading (Python `requests`, `http.client`) read the 413 instead of a broken
   * pipe; the connection is then closed. Default: 64 MiB.
   */
  drainLimit?: number;
  /** Longest time spent discarding an oversized body before answering 413 anyway, ms. Default: 10,000. */
  drainTimeoutMs?: number;
  /** Fastify logger setting. Default: false (no request logs; errors of the server itself still reach stderr). */
  logger?: boolean;
  /** Most open connections; a connection beyond them is closed at once (Node's server.maxConnections). Default 256. */
  maxConnections?: number;
  /** Longest time to receive a whole request (headers and body), ms; then 408 (Fastify requestTimeout). Default 30,000. */
  requestTimeoutMs?: number;
  /** Longest time a connection may stay silent, ms; then it is closed (Fastify connectionTimeout). Default 60,000. */
  connectionTimeoutMs?: number;
}


/**
 * Segments of a model in API shape. Centroids in raw units: the profile's centroid where recorded, otherwise the
 * scaled centroid transformed back with the model's scaler.
 */
export type { ClusterView } from './views';

export function clusterViews(model: SegmentModel): ClusterView[] {
  const { schema } = model;
  const numeric = numericColumns(schema);
  const categorical = categoricalColumns(schema);
  const aliased = aliasedCategories(schema);
  return model.profiles.map((p) => {
    const unscaled = toRawUnits(model.centroids[p.id], model.scaler, model.encoding);
    const centroid: Record<string, number> = {};
    model.encoding.forEach((c, j) => {
      const recorded = p.centroid?.[c.name];
      centroid[centroidKey(schema, c)] = typeof recorded === 'number' ? recorded : unscaled[j];
    });
    const means: Record<string, number> = {};
    for (const c of numeric) means[apiKey(field(schema, c))] = p.means[c];
    const categories: Record<string, Record<string, number>> = {};
    for (const c of categorical) categories[apiKey(field(schema, c))] = { ...(p.categories?.[c] ?? {}) };
    const view: ClusterView = { id: p.id, label: p.label, size: p.size, share: p.share, centroid, means, categories };
    for (const f of aliased) view[f.apiName as string] = categories[f.apiName as string];
    return view;
  });
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A record the library's `predict` refused (or could not compare), as a 400 naming the field. */
class RecordRefused extends Error {
  readonly statusCode = 400;
  readonly code = 'FST_ERR_VALIDATION';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** The JSON body of an error answer: field and problem when known. */
function errorBody(error: FastifyError, bodyLimit: number, contentType: string | undefined) {
  const statusCode = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  const base = { statusCode, error: REASONS[statusCode] ?? (statusCode < 500 ? 'Client Error' : 'Server Error'), code: error.code };
  if (error instanceof RecordRefused) return { ...base, field: error.field, problem: error.problem, message: error.message };
  if (error.validation) {
    const { field, problem } = describeValidation(error.validation as unknown as AjvError[]);
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
 * Reads and discards the rest of a request body, up to `maxBytes` more bytes or `timeoutMs`, whichever comes first.
 * Resolves true when the body ended (the client has sent everything and will read the answer).
 */
function discardBody(request: FastifyRequest, maxBytes: number, timeoutMs: number): Promise<boolean> {
  const raw = request.raw;
  if (raw.complete || raw.readableEnded) return Promise.resolve(true);
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) return Promise.resolve(false); // not worth reading: the client gets a reset anyway
  return new Promise((resolve) => {
    let bytes = 0;
    const finish = (ended: boolean) => {
      clearTimeout(timer);
      raw.removeListener('data', onData);
      raw.removeListener('end', onEnd);
      raw.removeListener('error', onFail);
      raw.removeListener('close', onFail);
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onFail = () => finish(raw.complete);
    const timer = setTimeout(() => finish(false), timeoutMs);
    raw.on('data', onData);
    raw.once('end', onEnd);
    raw.once('error', onFail);
    raw.once('close', onFail);
    raw.resume();
  });
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
  const {
    model,
    training,
    plotlyJs = '',
    bodyLimit = 2 * 1024 * 1024,
    drainLimit = 64 * 1024 * 1024,
    drainTimeoutMs = 10_000,
    logger = false,
    maxConnections = 256,
    requestTimeoutMs = 30_000,
    connectionTimeoutMs = 60_000,
  } = options;
  const schemas = apiSchemas(model);
  const app = Fastify({
    logger,
    bodyLimit,
    requestTimeout: requestTimeoutMs,
    connectionTimeout: connectionTimeoutMs,
    // Node checks request timeouts on this period (its default, 30 s, would let a 1 s limit run 30 s)
    http: { connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(requestTimeoutMs / 4))) },
    ajv: {
      customOptions: {
        coerceTypes: false, // "23" is a wrong-typed field, not 23
        removeAdditional: false, // unknown fields are reported, not silently dropped
        useDefaults: false,
        strictNumbers: true, // NaN / Infinity (e.g. 1e999) fail `type: number`
        allErrors: false,
        verbose: true, // errors carry the offending value, for the message
        allowUnionTypes: true, // ids: ["string", "number"]
      },
    },
  });
  app.server.maxConnections = maxConnections;
  // Node swaps the two limits when headersTimeout > requestTimeout, and Fastify sets requestTimeout after the server
  // exists, leaving headersTimeout at its 60 s: a body that stalled after its headers got no 408 for 60 s.
  if (requestTimeoutMs > 0) app.server.headersTimeout = requestTimeoutMs;
  // JSON with a "__proto__" or "constructor.prototype" key is refused (prototype pollution), and said so: Fastify's
  // parser calls it "not valid JSON". Valid JSON costs one parse, as before.
  const secureParse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    secureParse(request, body as string, (error: Error | null, value?: unknown) => {
      if (error === null) return done(null, value);
      if ((error as FastifyError).code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        try {
          JSON.parse(body as string);
        } catch {
          return done(error, undefined);
        }
        const forbidden = Object.assign(new Error('has a "__proto__" or "constructor.prototype" key, which is refused (prototype pollution); remove it'), {
          statusCode: 400,
          code: 'FST_ERR_CTP_FORBIDDEN_KEY',
        });
        return done(forbidden, undefined);
      }
      done(error, undefined);
    });
  });
  // Only JSON bodies: without this, text/plain would be parsed to a string and fail as a wrong type, not 415.
  app.removeContentTypeParser('text/plain');
  for (const s of schemas.shared) app.addSchema(s);

  // While closing, answer in-flight requests with `Connection: close`, so that their keep-alive sockets end with the
  // answer instead of holding close() open until the keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const body = errorBody(error, bodyLimit, request.headers['content-type']);
    if (body.statusCode >= 500) request.log.error(error);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // Fastify answers before reading the body; a client still sending it would get a broken pipe, not the 413.
      await discardBody(request, drainLimit, drainTimeoutMs);
      void reply.header('connection', 'close');
    }
    return reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
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
        title: `Customer segmentation API: ${model.schema.title ?? model.schema.name ?? 'custom'} table`,
        version: String(model.version),
        description: `Assigns customers to the ${model.k} segments of a k-means model (table schema "${model.schema.name ?? 'custom'}", features ${model.schema.features.map((f) => JSON.stringify(f)).join(', ')}; data ${model.dataHash}).`,
      },
      tags: [{ name: 'predict' }, { name: 'model' }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });

  void app.register(async (api) => {
    const clusters = { k: model.k, ...(model.metrics.reason ? { reason: model.metrics.reason } : {}), clusters: clusterViews(model) };
    const health = {
      status: 'ok',
      modelVersion: model.version,
      generatedBy: model.generatedBy,
      k: model.k,
      nTrain: model.nTrain,
      dataHash: model.dataHash,
      schema: model.schema.name ?? 'custom',
    };
    let page: string | undefined; // rendered on first request: inlining plotly.js is a few MB of string work

    api.get('/health', { schema: schemas.routes.health }, async () => health);
    api.get('/clusters', { schema: schemas.routes.clusters }, async () => clusters);
    api.post('/predict', { schema: schemas.routes.predict }, async (request) => {
      const body = request.body as PredictBody;
      const batch = Array.isArray(body.customers);
      const customers = (batch ? body.customers : [body]) as PredictInput[];
      // Fields as Ajv names them: "customers[i].<column>" in a batch, "<column>" for a single object.
      const named = (where: string) => (batch ? where : where.replace(/^customers\[0\]\.?/, '') || 'body');
      let predictions: Prediction[];
      try {
        // The library's checks run too (the final word): the API never answers what `predict` would refuse.
        predictions = await predictInSlices(model, customers);
      } catch (e) {
        if (e instanceof RecordError) throw new RecordRefused(named(e.field), e.problem);
        throw e;
      }
      const far = predictions.findIndex((p) => !Number.isFinite(p.distance));
      if (far >= 0) throw new RecordRefused(named(`customers[${far}]`), 'has values too large to compare with the segment centres; check the units');
      return { predictions };
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
