/**
 * Looks at the figures without the whole pipeline: renders the report's charts (HTML + PNG) and the report page for
 * a labelled Mall Customers file, and prints the renderer's timings.
 *
 *   npx tsx scripts/render-figures-demo.ts LABELS.json [OUT_DIR] [DATA_CSV]
 *
 * LABELS.json: { sweep: { ks, silhouette, inertia, selected }, labels: number[], silhouetteSamples: number[] }
 * (one label and silhouette per customer, in file order), e.g. from scikit-learn. OUT_DIR defaults to
 * reports/demo, DATA_CSV to data/raw/Mall_Customers.csv.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import {
  cleanCustomers,
  loadCustomersCsv,
  categoricalColumns,
  numericColumns,
  startRenderer,
  reportFigures,
  profileSegments,
  writeFigureFiles,
  reportPage,
  type Summary,
} from '../src';

async function main(): Promise<void> {
  const t0 = performance.now();
  const [labelsPath, outDir = 'reports/demo', dataPath = 'data/raw/Mall_Customers.csv'] = process.argv.slice(2);
  if (!labelsPath) throw new Error('usage: npx tsx scripts/render-figures-demo.ts LABELS.json [OUT_DIR] [DATA_CSV]');
  const started = startRenderer();
  const input = JSON.parse(readFileSync(labelsPath, 'utf8')) as {
    sweep: { ks: number[]; silhouette: Record<string, number | null>; inertia: Record<string, number>; selected: number };
    labels: number[];
    silhouetteSamples: number[];
  };
  const { table } = await loadCustomersCsv(dataPath);
  const { data } = cleanCustomers(table);
  const k = input.sweep.selected;
  const profiles = profileSegments(data, input.labels, { k });
  const population: Record<string, number> = {};
  for (const f of numericColumns(data.schema)) population[f] = data.numeric[f]!.reduce((s, v) => s + v, 0) / data.n;
  const figures = reportFigures({
    sweep: input.sweep,
    points: { data, labels: input.labels, profiles },
    silhouetteSamples: input.silhouetteSamples,
    population,
  });
  const { renderer, reason } = await started;
  if (reason) console.log(reason);
  const tFiles = performance.now();
  const { files, warnings } = await writeFigureFiles(join(outDir, 'figures'), figures, renderer);
  const filesSeconds = (performance.now() - tFiles) / 1000;
  const summary: Summary = {
    format: 'customer-segmentation-summary',
    version: 1,
    generatedAt: new Date().toISOString(),
    data: { path: dataPath, synthetic: false, hash: 'demo' },
    rows: { read: table.rows.length, used: data.n, dropped: table.rows.length - data.n, droppedBy: {}, repaired: 0 },
    warnings: ['Demo summary: labels from ' + labelsPath],
    table: {
      schema: data.schema.name ?? 'custom',
      title: data.schema.title ?? null,
      id: data.schema.primaryKey ?? null,
      numeric: numericColumns(data.schema),
      categorical: categoricalColumns(data.schema),
    },
    features: [...data.schema.features],
    skew: {},
    k: { selected: k, rule: 'highest mean silhouette over k=2..10', range: [2, 10], fixed: null, original: 4, differsFromOriginal: k !== 4, reason: `k=${k}: read from ${labelsPath}`, criteria: {} },
    kmeansMethod: 'k-means++, 10 restarts per k on all rows',
    silhouette: input.sweep.silhouette,
    silhouetteMethod: { sampled: null },
    inertia: input.sweep.inertia,
    clusters: profiles,
    outliers: [],
    backend: { name: 'demo', reason: 'labels read from a file' },
    seed: 42,
    timings: { figures: filesSeconds },
    outputs: files,
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'index.html'), reportPage({ summary, figures, schema: data.schema }));
  console.log(JSON.stringify({ files, warnings, timings: renderer?.timings(), filesSeconds, totalSeconds: (performance.now() - t0) / 1000 }, null, 1));
  await renderer?.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
