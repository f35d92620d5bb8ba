import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { predict } from '../segmentation/artifact';
import { buildApp } from './app';
import { RETAIL_SCHEMA, retailFixture, type RetailFixture } from './test-support';

// A non-Mall table (string ids, five numeric features with spaces/parentheses/a slash in their names, a one-hot
// categorical feature, a profiled-only category and number) fitted by the library's pipeline, served over real HTTP.
let fx: RetailFixture;
let app: FastifyInstance;
let base: string;
/** The CSV's rows as a client would post them: numbers as JSON numbers, the rest as text. */
let rows: Record<string, string | number>[];

beforeAll(async () => {
  fx = await retailFixture();
  const [header, ...lines] = fx.csv.trim().split('\n');
  const names = header.split(',');
  const numeric = new Set(RETAIL_SCHEMA.fields.filter((f) => f.type !== 'string').map((f) => f.name));
  rows = lines.map((line) => Object.fromEntries(line.split(',').map((cell, j) => [names[j], numeric.has(names[j]) ? Number(cell) : cell])));
  app = buildApp({ model: fx.model });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
});

async function post(body: unknown) {
  const res = await fetch(`${base}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}
const row = (over: Record<string, unknown> = {}, without: string[] = []) => {
  const r: Record<string, unknown> = { ...rows[0], ...over };
  for (const w of without) delete r[w];
  return r;
};

describe('a non-Mall model over HTTP', () => {
  it('POST /predict: every training row, posted whole with its id, comes back in the cluster the pipeline assigned', async () => {
    expect(rows).toHaveLength(fx.data.n); // the generated table is clean: no row dropped
    const { status, json } = await post({ customers: rows });
    expect(status).toBe(200);
    const predictions = json.predictions as { id: string; cluster: number; label: string }[];
    expect(predictions.map((p) => p.id)).toEqual(fx.data.ids);
    expect(predictions.map((p) => p.cluster)).toEqual(Array.from(fx.labels));
    expect(new Set(predictions.map((p) => p.cluster)).size).toBe(3);
    expect(predictions).toEqual(predict(fx.model, rows));
  });

  it('accepts only the clustering features, and one customer object, answering without an id then', async () => {
    const features = Object.fromEntries(RETAIL_SCHEMA.features.map((f) => [f, rows[1][f]]));
    const { status, json } = await post(features);
    expect(status).toBe(200);
    expect(json.predictions).toEqual([{ cluster: fx.labels[1], label: fx.model.profiles[fx.labels[1]].label, distance: expect.any(Number), outlier: expect.any(Boolean) }]);
  });

  it('accepts extra fields and other spellings, and flags an unknown category, as predict does', async () => {
    const base = (await post({ customers: [row()] })).json.predictions[0];
    const { status, json } = await post({
      customers: [row({ visits: 3, note: 'x' }), row({ Channel: ` ${String(rows[0].Channel).toUpperCase()} ` }), row({ Channel: 'Phone' }), row({ Age: ' 40 ' })],
    });
    expect(status).toBe(200);
    const [extra, respelled, unknown] = json.predictions;
    expect(extra.warnings).toEqual(['ignored fields not in the model: "visits", "note"']);
    expect({ ...extra, warnings: undefined }).toEqual({ ...base, warnings: undefined });
    expect(respelled).toEqual(base);
    expect(unknown.warnings).toEqual(['Channel: unknown category "Phone", scored as none of Store, Online, Both']);
    expect(json.predictions).toEqual(predict(fx.model, [row({ visits: 3, note: 'x' }), row({ Channel: ` ${String(rows[0].Channel).toUpperCase()} ` }), row({ Channel: 'Phone' }), row({ Age: ' 40 ' })]));
  });

  // [name, body, field, problem substring]
  const cases: [string, () => unknown, string, string][] = [
    ['missing feature', () => ({ customers: [row(), row({}, ['Tenure (years)'])] }), 'customers[1].Tenure (years)', 'is required'],
    ['missing feature, single object', () => row({}, ['Basket (EUR)']), 'Basket (EUR)', 'is required'],
    ['non-numeric feature', () => ({ customers: [row({ 'Basket (EUR)': '12,50' })] }), 'customers[0].Basket (EUR)', 'must be a finite number (got "12,50")'],
    ['out of range (maximum)', () => ({ customers: [row({ 'Online share (%)': 101 })] }), 'customers[0].Online share (%)', 'must be <= 100 (got 101)'],
    ['out of range (minimum), a name with a slash', () => ({ customers: [row({ 'Returns/yr': -1 })] }), 'customers[0].Returns/yr', 'must be >= 0 (got -1)'],
    ['apiMaximum when the schema has no maximum', () => ({ customers: [row({ 'Basket (EUR)': 100_001 })] }), 'customers[0].Basket (EUR)', 'must be <= 100000'],
    ['missing categorical feature', () => ({ customers: [row({}, ['Channel'])] }), 'customers[0].Channel', 'is required'],
    ['profiled-only number out of range', () => ({ customers: [row({ Age: 7 })] }), 'customers[0].Age', 'must be >= 16 (got 7)'],
    ['id of the wrong type', () => ({ customers: [row({ 'Customer Code': true })] }), 'customers[0].Customer Code', 'must be a string or a number'],
    // no maximum and no apiMaximum: the squared distance overflows; the answer would be meaningless
    ['a value too large to compare', () => ({ customers: [row(), row({ 'Returns/yr': 1e300 })] }), 'customers[1]', 'too large to compare'],
  ];
  it.each(cases)('400 naming the column: %s', async (_name, body, field, problem) => {
    const { status, json } = await post(body());
    expect(status).toBe(400);
    expect(json.field).toBe(field);
    expect(json.problem).toContain(problem);
    expect(json.message).toBe(`${field}: ${json.problem}`);
  });

  it('GET /clusters: centroid per clustering column (one-hot as "Channel=<value>"), means per numeric column, category shares; recomputed from the training rows', async () => {
    const body = (await (await fetch(`${base}/clusters`)).json()) as { k: number; clusters: Record<string, any>[] };
    expect(body.k).toBe(3);
    const numeric = ['Visits (per month)', 'Basket (EUR)', 'Tenure (years)', 'Online share (%)', 'Returns/yr', 'Age'];
    for (const c of body.clusters) {
      expect(Object.keys(c.centroid)).toEqual([...numeric.slice(0, 5), 'Channel=Store', 'Channel=Online', 'Channel=Both']);
      expect(Object.keys(c.means)).toEqual(numeric);
      expect(Object.keys(c.categories)).toEqual(['Region', 'Channel']);
      const members = rows.filter((_, i) => fx.labels[i] === c.id);
      expect(c.size).toBe(members.length);
      expect(c.share).toBeCloseTo(members.length / rows.length, 12);
      for (const col of numeric) expect(c.means[col]).toBeCloseTo(members.reduce((a, r) => a + (r[col] as number), 0) / members.length, 9);
      for (const value of ['Store', 'Online', 'Both'])
        expect(c.categories.Channel[value]).toBeCloseTo(members.filter((r) => r.Channel === value).length / members.length, 12);
      // the centre of a one-hot column is the category's share (the groups are pure: one channel each)
      const channel = members[0].Channel as string;
      expect(c.centroid[`Channel=${channel}`]).toBeCloseTo(1, 9);
      expect(c.categories.Region).toBeDefined();
      expect(c.gender).toBeUndefined(); // no Mall-only keys on another table
    }
  });

  it('GET /docs: the Customer schema lists the columns, requires the features, carries the ranges; predictions may carry the id', async () => {
    const doc = await (await fetch(`${base}/docs`)).json();
    const customer = doc.components.schemas.Customer;
    expect(Object.keys(customer.properties)).toEqual(RETAIL_SCHEMA.fields.map((f) => f.name));
    expect([...customer.required].sort()).toEqual([...RETAIL_SCHEMA.features].sort());
    expect(customer.additionalProperties).toBeUndefined();
    expect(customer.properties['Online share (%)']).toMatchObject({ type: ['number', 'string'], minimum: 0, maximum: 100 });
    expect(customer.properties['Basket (EUR)']).toMatchObject({ minimum: 0, maximum: 100_000 });
    expect(customer.properties['Returns/yr'].maximum).toBeUndefined();
    expect(customer.properties.Channel).toMatchObject({ type: 'string' });
    expect(customer.properties.Channel.description).toMatch(/Values: Store, Online, Both \(compared ignoring case and spaces\)/);
    expect(customer.properties.Region.description).toMatch(/Values: East, North, South, West/);
    expect(doc.components.schemas.Prediction.properties.id).toBeDefined();
    const clusters = doc.paths['/clusters'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(clusters.properties.clusters.items.properties.means.properties)).toContain('Returns/yr');
    expect(doc.info.title).toContain('Retail test table');
  });

  it('GET /health names the schema', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toMatchObject({ status: 'ok', k: 3, nTrain: rows.length, schema: 'retail' });
  });
});
