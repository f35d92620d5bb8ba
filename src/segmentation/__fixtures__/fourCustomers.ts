import { mallCustomers } from '../../data/__fixtures__/customers';
import { featureColumns } from '../../features/encode';
import { featureMatrix, fitScaler, scaleMatrix } from '../../features/scale';
import { buildModel } from '../artifact';
import { assignNearest, RecordError } from '../predict';
import { profileSegments } from '../profile';

/** Four Mall customers in two clear pairs (young, rich, spending; older, poor, saving). */
export const customers = mallCustomers([
  { id: 1, gender: 'Female', age: 20, income: 100, spending: 90 },
  { id: 2, gender: 'Male', age: 22, income: 110, spending: 95 },
  { id: 3, gender: 'Female', age: 60, income: 10, spending: 10 },
  { id: 4, gender: 'Male', age: 62, income: 14, spending: 6 },
]);
/** The same customers as `predict` records. */
export const rows = [
  { Age: 20, 'Annual Income (k$)': 100, 'Spending Score (1-100)': 90 },
  { Age: 22, 'Annual Income (k$)': 110, 'Spending Score (1-100)': 95 },
  { Age: 60, 'Annual Income (k$)': 10, 'Spending Score (1-100)': 10 },
  { Age: 62, 'Annual Income (k$)': 14, 'Spending Score (1-100)': 6 },
];

/** A k = 2 model of the four customers, each centre the mean of one pair, with their labels and distances. */
export function fixtureModel() {
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

/** The RecordError `fn` throws (fails the test when it throws none). */
export function recordError(fn: () => unknown): RecordError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RecordError) return e;
    throw e;
  }
  throw new Error('expected a RecordError');
}
