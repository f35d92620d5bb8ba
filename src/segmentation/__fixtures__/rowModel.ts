import { toRecords } from '../../data/clean';
import { parseCustomersCsv } from '../../data/parse';
import type { SchemaChoice } from '../../data/schema';
import { preprocess } from '../pipeline';
import { assignNearest, buildModel, type SegmentModel } from '../artifact';
import { profileSegments } from '../profile';

/**
 * A model on a CSV whose centres are k of its own standardized rows (every `step`-th; k-means is not the point of the
 * tests that use it), optionally with centre 1 a copy of centre 0 (ties). No backend needed.
 */
export function rowCentreModel(
  csv: string,
  schema: SchemaChoice,
  k: number,
  options: { step?: number; repeatCentre?: boolean } = {},
): { model: SegmentModel; records: Record<string, string | number>[]; idColumn: string } {
  const prep = preprocess(parseCustomersCsv(csv, { source: 't.csv', schema }));
  const { cols } = prep.scaled;
  const step = options.step ?? Math.floor(prep.scaled.rows / k);
  const centroids = Array.from({ length: k }, (_, c) => Array.from(prep.scaled.data.subarray(c * step * cols, (c * step + 1) * cols)));
  if (options.repeatCentre) centroids[1] = [...centroids[0]];
  const { labels, distances } = assignNearest(prep.scaled, centroids);
  const model = buildModel({
    schema: prep.data.schema, encoding: prep.encoding, scaler: prep.scaler, centroids, trainDistances: distances,
    profiles: profileSegments(prep.data, labels, { k }), seed: 1, dataHash: 'sha256:test', metrics: { silhouette: {}, inertia: {}, rule: 'test' },
  });
  return { model, records: toRecords(prep.data), idColumn: prep.data.schema.primaryKey ?? 'row' };
}
