import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { field } from '../data/schema';
import { MODEL_VERSION, predict } from '../segmentation/artifact';
import { buildApp, clusterViews } from './app';
import { MAX_BATCH } from './schemas';
import { handCustomers, handModel } from './test-support';

// Real HTTP on a free loopback port (not inject()).
const model = handModel();
const MAX_API_INCOME = field(model.schema, 'Annual Income (k$)').apiMaximum as number;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = buildApp({ model });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

async function post(body: string | undefined, contentType: string | null = 'application/json') {
  const res = await fetch(`${base}/predict`, {
    method: 'POST',
    headers: contentType === null ? {} : { 'content-type': contentType },
    body,
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: JSON.parse(text) as Record<string, any> };
}
const customer = (over: Record<string, unknown> = {}) => ({ gender: 'Female', age: 23, annualIncome: 16, spendingScore: 77, ...over });

describe('GET /health', () => {
  it('reports status, model version, k and data hash', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', modelVersion: MODEL_VERSION, k: 2, nTrain: 6, dataHash: 'sha256:' + '0'.repeat(64), schema: 'mall' });
  });
});

describe('GET /clusters', () => {
  it('describes each segment with raw-unit centroid, means, size, share and gender mix (worked out by hand)', async () => {
    const res = await fetch(`${base}/clusters`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.k).toBe(2);
    const [young, older] = body.clusters;
    // group 1-3: ages 20,22,24; incomes 20,24,22; spending 80,90,85; 2 of 3 female
    expect(young).toMatchObject({ id: 0, size: 3, share: 0.5, label: model.profiles[0].label });
    expect(young.centroid.age).toBeCloseTo(22, 9);
    expect(young.centroid.annualIncome).toBeCloseTo(22, 9);
    expect(young.centroid.spendingScore).toBeCloseTo(85, 9);
    expect(young.means).toEqual({ age: 22, annualIncome: 22, spendingScore: 85 });
    expect(young.gender.Female).toBeCloseTo(2 / 3, 12);
    expect(young.gender.Male).toBeCloseTo(1 / 3, 12);
    // group 4-6: ages 60,62,64; incomes 80,90,85; spending 10,20,15; 1 of 3 female
    expect(older).toMatchObject({ id: 1, size: 3, share: 0.5 });
    expect(older.centroid.age).toBeCloseTo(62, 9);
    expect(older.centroid.annualIncome).toBeCloseTo(85, 9);
    expect(older.centroid.spendingScore).toBeCloseTo(15, 9);
    expect(older.gender.Female).toBeCloseTo(1 / 3, 12);
  });

  it('unscales model.centroids with the scaler when a profile has no recorded centroid', () => {
    const bare = { ...model, profiles: model.profiles.map((p) => ({ ...p, centroid: {} })) };
    const views = clusterViews(bare);
    expect(views[0].centroid.age).toBeCloseTo(22, 9);
    expect(views[1].centroid.annualIncome).toBeCloseTo(85, 9);
    expect(views[1].centroid.spendingScore).toBeCloseTo(15, 9);
  });
});

describe('POST /predict', () => {
  it('answers a batch in input order, each with cluster, label, distance and outlier', async () => {
    const customers = [customer(), customer({ gender: 'Male', age: 61, annualIncome: 85, spendingScore: 12 }), customer({ age: 30 })];
    const res = await post(JSON.stringify({ customers }));
    expect(res.status).toBe(200);
    const p = res.json.predictions;
    expect(p.map((x: { cluster: number }) => x.cluster)).toEqual([0, 1, 0]);
    expect(p[1].label).toBe(model.profiles[1].label);
    // distance to the group centre in standardized units, computed from the raw group means (22, 22, 85)
    const [sAge, sInc, sSpend] = model.scaler.scale;
    const expected = Math.hypot((23 - 22) / sAge, (16 - 22) / sInc, (77 - 85) / sSpend);
    expect(p[0].distance).toBeCloseTo(expected, 12);
    expect(typeof p[0].outlier).toBe('boolean');
  });

  it('gives the same answer as the library predict, for the training customers and others', async () => {
    const hand = handCustomers();
    const customers = [
      ...hand.ids.map((_, i) => ({
        gender: hand.categorical.Gender[i],
        age: hand.numeric.Age[i],
        annualIncome: hand.numeric['Annual Income (k$)'][i],
        spendingScore: hand.numeric['Spending Score (1-100)'][i],
      })),
      customer({ age: 45, annualIncome: 55, spendingScore: 50 }),
      customer({ age: 0, annualIncome: 0, spendingScore: 1 }),
      customer({ age: 120, annualIncome: 1000, spendingScore: 100 }),
      customer({ age: 120, annualIncome: MAX_API_INCOME, spendingScore: 100 }),
    ];
    const res = await post(JSON.stringify({ customers }));
    expect(res.status).toBe(200);
    const library = predict(model, customers);
    expect(res.json.predictions).toEqual(library);
    expect(res.json.predictions.every((p: { distance: number }) => Number.isFinite(p.distance))).toBe(true);
    expect(res.json.predictions.slice(0, 6).map((x: { cluster: number }) => x.cluster)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('accepts a single customer object, without gender too', async () => {
    const one = await post(JSON.stringify(customer()));
    const batch = await post(JSON.stringify({ customers: [customer()] }));
    expect(one.status).toBe(200);
    expect(one.json.predictions).toEqual(batch.json.predictions);
    const noGender = await post(JSON.stringify({ age: 23, annualIncome: 16, spendingScore: 77 }));
    expect(noGender.json.predictions).toEqual(batch.json.predictions);
  });

  it(`accepts a full batch of ${MAX_BATCH}`, async () => {
    const res = await post(JSON.stringify({ customers: Array.from({ length: MAX_BATCH }, (_, i) => customer({ age: i % 100 })) }));
    expect(res.status).toBe(200);
    expect(res.json.predictions).toHaveLength(MAX_BATCH);
  });
});

describe('bad input: 4xx with a JSON body naming the field and the problem', () => {
  const big = (n: number) => JSON.stringify({ customers: Array.from({ length: n }, () => customer()) });
  // [name, body, content-type, status, field, problem substring]
  const cases: [string, string | undefined, string | null, number, string, string][] = [
    ['malformed JSON', '{"customers": [{"age": 3,', 'application/json', 400, 'body', 'not valid JSON'],
    ['empty body', '', 'application/json', 400, 'body', 'empty'],
    ['no body, no content type', undefined, null, 400, 'body', 'must be a JSON object'],
    ['wrong content type (text/plain)', JSON.stringify(customer()), 'text/plain', 415, 'content-type', 'application/json'],
    ['wrong content type (form)', 'age=3', 'application/x-www-form-urlencoded', 415, 'content-type', 'not supported'],
    ['body is an array', '[1, 2]', 'application/json', 400, 'body', 'must be a JSON object (got an array of 2)'],
    ['body is null', 'null', 'application/json', 400, 'body', 'must be a JSON object (got null)'],
    ['customers not an array', '{"customers": "x"}', 'application/json', 400, 'customers', 'must be an array'],
    ['customer not an object', '{"customers": [1]}', 'application/json', 400, 'customers[0]', 'must be a JSON object (got 1)'],
    ['missing field', JSON.stringify({ customers: [customer(), { age: 3, spendingScore: 5 }] }), 'application/json', 400, 'customers[1].annualIncome', 'is required'],
    ['missing field, single object', JSON.stringify({ age: 3, annualIncome: 5 }), 'application/json', 400, 'spendingScore', 'is required'],
    ['text that is not a number', JSON.stringify({ customers: [customer({ age: 'old' })] }), 'application/json', 400, 'customers[0].age', 'must be a finite number (got "old")'],
    ['"NaN" string (a missing-value token)', JSON.stringify({ customers: [customer({ spendingScore: 'NaN' })] }), 'application/json', 400, 'customers[0].spendingScore', 'is required (a number)'],
    ['null value', JSON.stringify({ customers: [customer({ age: null })] }), 'application/json', 400, 'customers[0].age', 'must be a number or a string (got null)'],
    ['non-finite number 1e999', '{"customers": [{"age": 1e999, "annualIncome": 16, "spendingScore": 77}]}', 'application/json', 400, 'customers[0].age', 'must be a finite number (got Infinity)'],
    ['non-finite income -1e999', '{"age": 30, "annualIncome": -1e999, "spendingScore": 77}', 'application/json', 400, 'annualIncome', 'must be a finite number (got -Infinity)'],
    ['age above 120', JSON.stringify({ customers: [customer({ age: 121 })] }), 'application/json', 400, 'customers[0].age', 'must be <= 120 (got 121)'],
    ['age below 0', JSON.stringify({ customers: [customer({ age: -1 })] }), 'application/json', 400, 'customers[0].age', 'must be >= 0 (got -1)'],
    ['spending below 1', JSON.stringify({ customers: [customer({ spendingScore: 0.5 })] }), 'application/json', 400, 'customers[0].spendingScore', 'must be >= 1 (got 0.5)'],
    ['spending above 100', JSON.stringify({ customers: [customer({ spendingScore: 101 })] }), 'application/json', 400, 'customers[0].spendingScore', 'must be <= 100 (got 101)'],
    ['income too large to compare (1e308)', '{"age": 30, "annualIncome": 1e308, "spendingScore": 77}', 'application/json', 400, 'annualIncome', 'must be <= 1000000 (got 1e+308)'],
    ['negative income', JSON.stringify({ customers: [customer({ annualIncome: -5 })] }), 'application/json', 400, 'customers[0].annualIncome', 'must be >= 0 (got -5)'],
    ['empty list', '{"customers": []}', 'application/json', 400, 'customers', 'at least 1 customer (got 0)'],
    [`batch over ${MAX_BATCH}`, big(MAX_BATCH + 1), 'application/json', 400, 'customers', `at most ${MAX_BATCH} customers (got ${MAX_BATCH + 1})`],
    ['body over the size limit', big(40_000), 'application/json', 413, 'body', 'larger than the limit of 2097152 bytes'],
    ['prototype poisoning', '{"__proto__": {"x": 1}, "age": 1, "annualIncome": 1, "spendingScore": 1}', 'application/json', 400, 'body', '(prototype pollution)'],
  ];

  it.each(cases)('%s', async (_name, body, type, status, field, problem) => {
    const res = await post(body, type);
    expect(res.status).toBe(status);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.json.statusCode).toBe(status);
    expect(res.json.field).toBe(field);
    expect(res.json.problem).toContain(problem);
    expect(res.json.message).toBe(`${field}: ${res.json.problem}`);
  });

  it('unknown route: 404 with a JSON body', async () => {
    const res = await fetch(`${base}/predictions`);
    expect(res.status).toBe(404);
    expect((await res.json()).message).toContain('GET /predictions');
  });

  it('the server stays healthy after every bad input, and still predicts correctly', async () => {
    const all = await Promise.all(cases.map(([, body, type]) => post(body, type)));
    expect(all.every((r) => r.status >= 400 && r.status < 500)).toBe(true);
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    const res = await post(JSON.stringify({ customers: [customer()] }));
    expect(res.status).toBe(200);
    expect(res.json.predictions[0].cluster).toBe(0);
  });
});

describe('GET /docs', () => {
  it('is the OpenAPI document generated from the validation schemas', async () => {
    for (const path of ['/docs', '/docs/openapi.json']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      const doc = await res.json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/predict', '/clusters', '/health', '/']));
      expect(doc.paths['/predict'].post.requestBody.content['application/json'].schema.then.$ref).toBe('#/components/schemas/CustomerBatch');
      expect(doc.paths['/predict'].post.responses['200']).toBeDefined();
      expect(doc.paths['/predict'].post.responses['400']).toBeDefined();
      expect(doc.paths['/clusters'].get.responses['200']).toBeDefined();
      // the same ranges that validation enforces
      const age = doc.components.schemas.Customer.properties.age;
      expect([age.minimum, age.maximum]).toEqual([0, 120]);
      expect(doc.components.schemas.Customer.properties.spendingScore.minimum).toBe(1);
      expect(doc.components.schemas.Customer.properties.annualIncome).toMatchObject({ minimum: 0, maximum: MAX_API_INCOME });
      expect(doc.components.schemas.CustomerBatch.properties.customers.maxItems).toBe(MAX_BATCH);
    }
  });
});

describe('GET /', () => {
  it('serves an HTML page with the form, the segment table and the figure data', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const id of ['customer-form', 'age', 'annualIncome', 'spendingScore', 'gender', 'result', 'chart']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain(model.profiles[1].label);
    expect(html).not.toMatch(/<script[^>]+src=/); // nothing from a CDN
  });
});

describe('server faults', () => {
  it('a bug in a handler is a 500 with a generic JSON body (no internals leaked), and the server keeps serving', async () => {
    const faulty = buildApp({ model });
    faulty.get('/boom', async () => {
      throw new Error('secret internal detail');
    });
    const url = await faulty.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`${url}/boom`);
      expect(res.status).toBe(500);
      const body = await res.json();
      expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal error; see the server log' });
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      await faulty.close();
    }
  });
});

describe('body size limit option', () => {
  it('answers 413 above a custom limit and 200 below it', async () => {
    const small = buildApp({ model, bodyLimit: 200 });
    const url = await small.listen({ port: 0, host: '127.0.0.1' });
    try {
      const send = (n: number) =>
        fetch(`${url}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ customers: Array.from({ length: n }, () => customer()) }),
        });
      expect((await send(1)).status).toBe(200);
      const tooBig = await send(5);
      expect(tooBig.status).toBe(413);
      expect((await tooBig.json()).problem).toContain('limit of 200 bytes');
    } finally {
      await small.close();
    }
  });
});
