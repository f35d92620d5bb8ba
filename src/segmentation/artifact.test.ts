import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mallCustomers } from '../data/__fixtures__/customers';
import { featureColumns } from '../features/encode';
import { featureMatrix, fitScaler, scaleMatrix } from '../features/scale';
import { ModelError } from '../util/errors';
import { assignNearest, buildModel, parseModel, predict, RecordError, serializeModel } from './artifact';
import { profileSegments } from './profile';

const customers = mallCustomers([
  { id: 1, gender: 'Female', age: 20, income: 100, spending: 90 },
  { id: 2, gender: 'Male', age: 22, income: 110, spending: 95 },
  { id: 3, gender: 'Female', age: 60, income: 10, spending: 10 },
  { id: 4, gender: 'Male', age: 62, income: 14, spending: 6 },
]);
const rows = [
  { Age: 20, 'Annual Income (k$)': 100, 'Spending Score (1-100)': 90 },
  { Age: 22, 'Annual Income (k$)': 110, 'Spending Score (1-100)': 95 },
  { Age: 60, 'Annual Income (k$)': 10, 'Spending Score (1-100)': 10 },
  { Age: 62, 'Annual Income (k$)': 14, 'Spending Score (1-100)': 6 },
];

function fixtureModel() {
  const encoding = featureColumns(customers);
  const raw = featureMatrix(customers, encoding);
  const scaler = fitScaler(raw, encoding);
  const scaled = scaleMatrix(raw, scaler);
  const centroids = [0, 1].map((g) => [0, 1, 2].map((j) => (scaled.data[(2 * g) * 3 + j] + scaled.data[(2 * g + 1) * 3 + j]) / 2));
  const { labels, distances } = assignNearest(scaled, centroids);
  const profiles = profileSegments(customers, labels, { k: 2 });
  const model = buildModel({
    schema: customers.schema, encoding, scaler, centroids, trainDistances: distances, profiles, seed: 7, dataHash: 'sha256:abc',
    metrics: { silhouette: { '2': 0.8 }, inertia: { '2': 0.1 }, rule: 'fixed k=2' },
  });
  return { model, labels, distances, scaled };
}

function recordError(fn: () => unknown): RecordError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RecordError) return e;
    throw e;
  }
  throw new Error('expected a RecordError');
}

describe('model artifact', () => {
  it('builds from 300,000 training distances (large files): max and p99 without spreading them', () => {
    const { model } = fixtureModel();
    const trainDistances = Float64Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 300_000);
    const big = buildModel({
      schema: model.schema, encoding: model.encoding, scaler: { features: model.features, ...model.scaler }, centroids: model.centroids,
      trainDistances, profiles: model.profiles, seed: 7, dataHash: 'sha256:abc', metrics: model.metrics,
    });
    expect(big.nTrain).toBe(300_000);
    expect(big.distance.max).toBe(299_999);
    // numpy's linear quantile of 0..299,999 at 0.99: 0.99 * 299,999
    expect(big.distance.p99).toBeCloseTo(0.99 * 299_999, 6);
  });

  it('assigns each training row to its nearest centre', () => {
    const { labels, distances } = fixtureModel();
    expect(Array.from(labels)).toEqual([0, 0, 1, 1]);
    expect(distances.every((d) => d > 0)).toBe(true);
  });

  it('round-trips through JSON byte for byte (schema and encoding included) and predicts the same', () => {
    const { model } = fixtureModel();
    const text = serializeModel(model);
    const back = parseModel(text, { source: 'm.json' });
    expect(serializeModel(back)).toBe(text);
    expect(back.version).toBe(2);
    expect(back.schema.name).toBe('mall');
    expect(back.encoding.map((c) => c.name)).toEqual(['Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
    expect(predict(back, rows)).toEqual(predict(model, rows));
  });

  it('predicts by column name or by the Mall camelCase names, training customers into their own clusters', () => {
    const { model, labels, scaled } = fixtureModel();
    const p = predict(model, rows);
    expect(p.map((x) => x.cluster)).toEqual(Array.from(labels));
    // distance worked out independently: Euclidean distance of the scaled row to its centre
    const c0 = model.centroids[0];
    const d0 = Math.hypot(...[0, 1, 2].map((j) => scaled.data[j] - c0[j]));
    expect(p[0].distance).toBeCloseTo(d0, 12);
    const camel = predict(model, [{ gender: 'Female', age: 20, annualIncome: 100, spendingScore: 90 }]);
    expect(camel[0]).toEqual(p[0]);
    // numbers as CSV text are read too, and the id comes back
    expect(predict(model, [{ CustomerID: 17, Age: '20', 'Annual Income (k$)': '100', 'Spending Score (1-100)': '90' }])[0]).toEqual({ id: 17, ...p[0] });
  });

  it('flags outliers above the 99th percentile of training distances', () => {
    const { model, distances } = fixtureModel();
    // 4 training distances: numpy's p99 = d[2] + 0.97 (d[3] - d[2]) of the sorted values
    const d = Array.from(distances).sort((a, b) => a - b);
    expect(model.distance.p99).toBeCloseTo(d[2] + 0.97 * (d[3] - d[2]), 12);
    const far = predict(model, [{ Age: 120, 'Annual Income (k$)': 1000, 'Spending Score (1-100)': 1 }])[0];
    expect(far.outlier).toBe(true);
    expect(far.distance).toBeGreaterThan(model.distance.max);
    const centre = predict(model, [{ Age: 21, 'Annual Income (k$)': 105, 'Spending Score (1-100)': 92.5 }])[0];
    expect(centre.distance).toBeCloseTo(0, 9);
    expect(centre.outlier).toBe(false);
  });

  it('refuses a record it cannot score, naming the column', () => {
    const { model } = fixtureModel();
    expect(recordError(() => predict(model, [{ age: 23 }])).field).toBe('customers[0].Annual Income (k$)');
    const e = recordError(() => predict(model, [rows[0], { ...rows[1], Age: 'old' }]));
    expect(e.field).toBe('customers[1].Age');
    expect(e.message).toBe('customers[1].Age: must be a finite number (got "old")');
    expect(recordError(() => predict(model, [{ ...rows[0], Age: 130 }])).problem).toBe('must be <= 120 (got 130)');
    // an extra field is ignored and listed; the answer is the one without it
    const [extra] = predict(model, [{ ...rows[0], visits: 3 }]);
    expect(extra.warnings).toEqual(['ignored field not in the model: "visits"']);
    expect({ ...extra, warnings: undefined }).toEqual({ ...predict(model, [rows[0]])[0], warnings: undefined });
    // cells read as the CSV cleaning reads them: padding, numeric text, missing tokens
    expect(predict(model, [{ ...rows[0], Age: ' 19 ' }])[0].distance).toBe(predict(model, [{ ...rows[0], Age: 19 }])[0].distance);
    expect(recordError(() => predict(model, [{ ...rows[0], Age: 'NA' }])).problem).toBe('is required (a number)');
    // a profiled-only category: other spellings and aliases read as the value; an unknown value is flagged only
    expect(predict(model, [{ ...rows[0], Gender: ' f ' }])[0].warnings).toBeUndefined();
    const [odd] = predict(model, [{ ...rows[0], Gender: 'x' }]);
    expect(odd.warnings).toEqual(['Gender: unknown category "x" (not clustered; known: Female, Male)']);
    expect(odd.cluster).toBe(predict(model, [rows[0]])[0].cluster);
    expect(recordError(() => predict(model, [{ ...rows[0], Gender: 'x', Age: null }])).problem).toBe('is required (a number)');
  });

  it('still reads a version-1 Mall model and predicts with it', () => {
    const text = readFileSync(join(__dirname, '__fixtures__', 'mall_model_v1.json'), 'utf8');
    expect(JSON.parse(text).version).toBe(1);
    const v1 = parseModel(text, { source: 'v1.json' });
    expect(v1.version).toBe(2);
    expect(v1.schema.primaryKey).toBe('CustomerID');
    expect(v1.profiles[0].categories.Gender).toEqual(v1.profiles[0].gender);
    // the clustered_data.csv written with that model: CustomerID 1 (Male, 19, 15, 39) and 2 in segment 3, 3 in segment 0
    const p = predict(v1, [
      { gender: 'Male', age: 19, annualIncome: 15, spendingScore: 39 },
      { Gender: 'Male', Age: 21, 'Annual Income (k$)': 15, 'Spending Score (1-100)': 81 },
      { gender: 'Female', age: 20, annualIncome: 16, spendingScore: 6 },
    ]);
    expect(p.map((x) => x.cluster)).toEqual([3, 3, 0]);
    expect(p[0].label).toBe('Young, low income, high spending');
  });

  it('reads a version-2 model saved under the old format name "mall-segmentation-model" as the same model', () => {
    const { model } = fixtureModel();
    const saved = serializeModel(model);
    expect(JSON.parse(saved).format).toBe('customer-segmentation-model');
    const old = parseModel(saved.replace('"customer-segmentation-model"', '"mall-segmentation-model"'), { source: 'old.json' });
    expect(old.format).toBe('customer-segmentation-model');
    expect(serializeModel(old)).toBe(saved);
    expect(predict(old, rows)).toEqual(predict(model, rows));
    expect(() => parseModel(saved.replace('"customer-segmentation-model"', '"other-model"'))).toThrow(/format is "other-model", expected "customer-segmentation-model"/);
  });

  it('refuses unusable model files with a one-line reason', () => {
    const { model } = fixtureModel();
    const bad = (patch: object) => JSON.stringify({ ...model, ...patch });
    expect(() => parseModel('{nope', { source: 'x.json' })).toThrow(/x.json is not usable: not JSON/);
    expect(() => parseModel(bad({ version: 99 }))).toThrow(/version 99 is not supported/);
    expect(() => parseModel(bad({ format: 'other' }))).toThrow(/format is "other"/);
    expect(() => parseModel(bad({ centroids: [[1, 2, 3]] }))).toThrow(/centroids must be 2 rows of 3/);
    expect(() => parseModel(bad({ features: ['Age', 'Height'] }))).toThrow(/encoding must describe each feature/);
    expect(() => parseModel(bad({ scaler: { mean: [0, 0, 0], scale: [1, 0, 1] } }))).toThrow(ModelError);
    expect(() => parseModel(bad({ schema: { fields: 3 } }))).toThrow(/fields must be a list/);
    for (const f of [() => parseModel('[]')]) expect(f).toThrow(/not a JSON object/);
  });
});
