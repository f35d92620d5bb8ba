import { describe, expect, it } from 'vitest';
import { COLUMNS, NUMERIC_FEATURES, type Customer } from '../data/schema';
import { featureMatrix, fitScaler, scaleMatrix } from '../features/scale';
import { ModelError } from '../errors';
import { assignNearest, buildModel, parseModel, predict, serializeModel } from './artifact';
import { profileSegments } from './profile';

const customers: Customer[] = [
  { id: 1, gender: 'Female', age: 20, income: 100, spending: 90 },
  { id: 2, gender: 'Male', age: 22, income: 110, spending: 95 },
  { id: 3, gender: 'Female', age: 60, income: 10, spending: 10 },
  { id: 4, gender: 'Male', age: 62, income: 14, spending: 6 },
];

function fixtureModel() {
  const scaler = fitScaler(customers, NUMERIC_FEATURES);
  const scaled = scaleMatrix(featureMatrix(customers, NUMERIC_FEATURES), scaler);
  const centroids = [0, 1].map((g) => [0, 1, 2].map((j) => (scaled.data[(2 * g) * 3 + j] + scaled.data[(2 * g + 1) * 3 + j]) / 2));
  const { labels, distances } = assignNearest(scaled, centroids);
  const profiles = profileSegments(customers, labels, { k: 2 });
  const model = buildModel({
    features: NUMERIC_FEATURES, scaler, centroids, trainDistances: distances, profiles, seed: 7, dataHash: 'sha256:abc',
    metrics: { silhouette: { '2': 0.8 }, inertia: { '2': 0.1 }, rule: 'fixed k=2' },
  });
  return { model, labels, distances };
}

describe('model artifact', () => {
  it('builds from 300,000 training distances (large files): max and p99 without spreading them', () => {
    const { model } = fixtureModel();
    const scaler = fitScaler(customers, NUMERIC_FEATURES);
    const trainDistances = Float64Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 300_000);
    const big = buildModel({
      features: NUMERIC_FEATURES, scaler, centroids: model.centroids, trainDistances, profiles: model.profiles, seed: 7,
      dataHash: 'sha256:abc', metrics: model.metrics,
    });
    expect(big.nTrain).toBe(300_000);
    expect(big.distance.max).toBe(299_999);
    expect(big.distance.p99).toBeGreaterThan(296_000);
  });

  it('assigns each training row to its nearest centre', () => {
    const { labels, distances } = fixtureModel();
    expect(Array.from(labels)).toEqual([0, 0, 1, 1]);
    expect(distances.every((d) => d > 0)).toBe(true);
  });

  it('round-trips through JSON byte for byte and predicts the same', () => {
    const { model } = fixtureModel();
    const text = serializeModel(model);
    const back = parseModel(text, { source: 'm.json' });
    expect(serializeModel(back)).toBe(text);
    expect(back.format).toBe('mall-segmentation-model');
    expect(back.version).toBe(1);
    const inputs = customers.map((c) => ({ age: c.age, income: c.income, spending: c.spending }));
    expect(predict(back, inputs)).toEqual(predict(model, inputs));
  });

  it('predicts training customers into their own clusters, far customers as outliers', () => {
    const { model, labels } = fixtureModel();
    const p = predict(model, customers.map((c) => ({ age: c.age, income: c.income, spending: c.spending })));
    expect(p.map((x) => x.cluster)).toEqual(Array.from(labels));
    expect(p[0].label).toBe(model.profiles[0].label);
    expect(p.every((x) => !x.outlier || x.distance > model.distance.p99)).toBe(true);
    const far = predict(model, [{ age: 120, income: 1000, spending: 1 }])[0];
    expect(far.outlier).toBe(true);
    expect(far.distance).toBeGreaterThan(model.distance.max);
  });

  it('refuses unusable model files with a one-line reason', () => {
    const { model } = fixtureModel();
    const bad = (patch: object) => JSON.stringify({ ...model, ...patch });
    expect(() => parseModel('{nope', { source: 'x.json' })).toThrow(/x.json is not usable: not JSON/);
    expect(() => parseModel(bad({ version: 99 }))).toThrow(/version 99 is not supported/);
    expect(() => parseModel(bad({ format: 'other' }))).toThrow(/format is "other"/);
    expect(() => parseModel(bad({ centroids: [[1, 2, 3]] }))).toThrow(/centroids must be 2 rows of 3/);
    expect(() => parseModel(bad({ features: [COLUMNS.age, 'Height'] }))).toThrow(/features must be/);
    expect(() => parseModel(bad({ scaler: { mean: [0, 0, 0], scale: [1, 0, 1] } }))).toThrow(ModelError);
    for (const f of [() => parseModel('[]')]) expect(f).toThrow(/not a JSON object/);
  });
});
