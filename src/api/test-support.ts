import { cleanCustomers, type Customers } from '../data/clean';
import { dataHash } from '../data/hash';
import { parseCustomersCsv } from '../data/parse';
import { MALL_SCHEMA, type TableSchema } from '../data/schema';
import { featureColumns } from '../features/encode';
import { featureMatrix, fitScaler, scaleMatrix, toRawUnits } from '../features/scale';
import { assignNearest, buildModel, type SegmentModel } from '../segmentation/artifact';
import { profileSegments } from '../segmentation/profile';
import { createRng } from '../util/random';
import { fitSegments, preprocess } from '../segmentation/pipeline';

/**
 * Test support for the API tests (not used by the server).
 *
 * The hand model: six Mall customers in two obvious groups, young big spenders (ids 1-3) and older low spenders
 * (ids 4-6); centroids are the group means.
 */
export const HAND_CSV = `CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)
1,Female,20,20,80
2,Female,22,24,90
3,Male,24,22,85
4,Male,60,80,10
5,Male,62,90,20
6,Female,64,85,15
`;

/** The hand model's customers, column-wise (Mall schema). */
export function handCustomers(): Customers {
  return cleanCustomers(parseCustomersCsv(HAND_CSV, { source: 'hand' })).data;
}

/** The hand-made two-segment Mall model (k = 2; segment 0 = ids 1-3, segment 1 = ids 4-6). */
export function handModel(): SegmentModel {
  const data = handCustomers();
  const encoding = featureColumns(data);
  const raw = featureMatrix(data, encoding);
  const scaler = fitScaler(raw, encoding);
  const scaled = scaleMatrix(raw, scaler);
  const d = scaled.cols;
  // group means in scaled units: rows 0-2 and 3-5
  const centroids = [0, 3].map((start) =>
    Array.from({ length: d }, (_, j) => (scaled.data[start * d + j] + scaled.data[(start + 1) * d + j] + scaled.data[(start + 2) * d + j]) / 3),
  );
  const { labels, distances } = assignNearest(scaled, centroids);
  const rawCentroids = centroids.map((c) => toRawUnits(c, scaler, encoding));
  const profiles = profileSegments(data, labels, { k: 2, centroids: rawCentroids, centroidColumns: scaler.features });
  return buildModel({
    schema: MALL_SCHEMA,
    encoding,
    scaler,
    centroids,
    trainDistances: distances,
    profiles,
    seed: 0,
    dataHash: 'sha256:' + '0'.repeat(64),
    metrics: { silhouette: { '2': 0.9 }, inertia: { '2': 1 }, rule: 'fixed k=2 (hand-made test model)' },
  });
}

/**
 * A non-Mall table: string ids, five numeric clustering features (names with spaces, parentheses and a slash; one
 * log1p, one without any upper bound), a categorical clustering feature (Channel, one-hot, with an enum), a
 * categorical column that is only profiled (Region, no enum) and a numeric column that is only profiled (Age).
 */
export const RETAIL_SCHEMA: TableSchema = {
  name: 'retail',
  title: 'Retail test table',
  primaryKey: 'Customer Code',
  features: ['Visits (per month)', 'Basket (EUR)', 'Tenure (years)', 'Online share (%)', 'Returns/yr', 'Channel'],
  categorical: ['Region', 'Channel'],
  fields: [
    { name: 'Customer Code', type: 'string' },
    { name: 'Region', type: 'string' },
    { name: 'Channel', type: 'string', constraints: { required: true, enum: ['Store', 'Online', 'Both'] } },
    { name: 'Visits (per month)', type: 'number', title: 'Visits', unit: 'per month', constraints: { minimum: 0, maximum: 100 } },
    { name: 'Basket (EUR)', type: 'number', title: 'Basket', unit: 'EUR', transform: 'log1p', constraints: { minimum: 0 }, apiMaximum: 100_000 },
    { name: 'Tenure (years)', type: 'number', title: 'Tenure', unit: 'years', constraints: { minimum: 0, maximum: 60 } },
    { name: 'Online share (%)', type: 'number', title: 'Online share', unit: '%', constraints: { minimum: 0, maximum: 100 } },
    { name: 'Returns/yr', type: 'integer', title: 'Returns', constraints: { minimum: 0 } },
    { name: 'Age', type: 'number', constraints: { minimum: 16, maximum: 100 } },
  ],
};

/** Three groups of the retail table: per numeric feature [mean, sd], and the channel. */
const RETAIL_GROUPS = [
  { visits: [2, 0.5], basket: [30, 5], tenure: [1, 0.5], online: [85, 6], returns: [1, 1], channel: 'Online' },
  { visits: [12, 1.5], basket: [120, 15], tenure: [8, 2], online: [15, 6], returns: [3, 1], channel: 'Store' },
  { visits: [5, 1], basket: [400, 50], tenure: [20, 3], online: [50, 6], returns: [9, 2], channel: 'Both' },
] as const;

/** CSV text of the retail table: `perGroup` customers in each of three well separated groups, seeded. */
export function retailCsv(perGroup = 30, seed = 11): string {
  const rng = createRng(seed);
  const normal = ([mean, sd]: readonly [number, number]) => mean + sd * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const clip = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const regions = ['North', 'South', 'East', 'West'];
  const lines = ['Customer Code,Region,Channel,Visits (per month),Basket (EUR),Tenure (years),Online share (%),Returns/yr,Age'];
  let id = 0;
  for (let i = 0; i < perGroup; i++)
    for (const g of RETAIL_GROUPS) {
      id++;
      const cells = [
        `C-${String(id).padStart(4, '0')}`,
        regions[rng.nextInt(regions.length)],
        g.channel,
        clip(normal(g.visits), 0, 100).toFixed(1),
        clip(normal(g.basket), 0, 1e5).toFixed(2),
        clip(normal(g.tenure), 0, 60).toFixed(1),
        clip(normal(g.online), 0, 100).toFixed(1),
        String(Math.round(clip(normal(g.returns), 0, 1e3))),
        String(18 + rng.nextInt(60)),
      ];
      lines.push(cells.map((c) => (/[",]/.test(c) ? `"${c}"` : c)).join(','));
    }
  return lines.join('\n') + '\n';
}

/** The retail table fitted by the library's pipeline (k = 3), with what the pipeline assigned. */
export interface RetailFixture {
  csv: string;
  model: SegmentModel;
  /** The clean training customers. */
  data: Customers;
  /** The pipeline's segment of each training customer (row i of `data`). */
  labels: Int32Array;
}

/** Parses, cleans and fits the retail table with the library's pipeline, as `npm run report` does. */
export async function retailFixture(): Promise<RetailFixture> {
  const csv = retailCsv();
  const prep = preprocess(parseCustomersCsv(csv, { source: 'retail.csv', schema: { schema: RETAIL_SCHEMA } }));
  const seg = await fitSegments(prep, dataHash(csv), { k: 3, nInit: 4, seed: 3 });
  return { csv, model: seg.model, data: prep.data, labels: seg.labels };
}
