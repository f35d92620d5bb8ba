import type { Customer } from '../data/schema';
import { DEFAULT_FEATURES } from '../data/schema';
import { featureMatrix, fitScaler, scaleMatrix } from '../features/scale';
import { assignNearest, buildModel, type SegmentModel } from '../model/artifact';
import { profileSegments } from '../model/profile';

/**
 * Test support for the API tests (not used by the server): a small model built by hand from six customers in two
 * obvious groups, young big spenders (ids 1-3) and older low spenders (ids 4-6); centroids are the group means.
 */
export const HAND_CUSTOMERS: Customer[] = [
  { id: 1, gender: 'Female', age: 20, income: 20, spending: 80 },
  { id: 2, gender: 'Female', age: 22, income: 24, spending: 90 },
  { id: 3, gender: 'Male', age: 24, income: 22, spending: 85 },
  { id: 4, gender: 'Male', age: 60, income: 80, spending: 10 },
  { id: 5, gender: 'Male', age: 62, income: 90, spending: 20 },
  { id: 6, gender: 'Female', age: 64, income: 85, spending: 15 },
];

/** The hand-made two-segment model (k = 2; segment 0 = ids 1-3, segment 1 = ids 4-6). */
export function handModel(): SegmentModel {
  const features = DEFAULT_FEATURES;
  const scaler = fitScaler(HAND_CUSTOMERS, features);
  const scaled = scaleMatrix(featureMatrix(HAND_CUSTOMERS, features), scaler);
  // group means in scaled units: rows 0-2 and 3-5
  const centroids = [0, 3].map((start) =>
    features.map((_, j) => (scaled.data[start * 3 + j] + scaled.data[(start + 1) * 3 + j] + scaled.data[(start + 2) * 3 + j]) / 3),
  );
  const { labels, distances } = assignNearest(scaled, centroids);
  const rawCentroids = centroids.map((c) => c.map((v, j) => v * scaler.scale[j] + scaler.mean[j]));
  const profiles = profileSegments(HAND_CUSTOMERS, labels, { k: 2, centroids: rawCentroids, features });
  return buildModel({
    features,
    scaler,
    centroids,
    trainDistances: distances,
    profiles,
    seed: 0,
    dataHash: 'sha256:' + '0'.repeat(64),
    metrics: { silhouette: { '2': 0.9 }, inertia: { '2': 1 }, rule: 'fixed k=2 (hand-made test model)' },
  });
}
