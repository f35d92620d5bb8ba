import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../util/errors';
import { fixtureModel, rows } from './__fixtures__/fourCustomers';
import { buildModel, parseModel, predict, serializeModel } from './artifact';

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
