// The report run's output phase: every file staged (tables, model, figures, summaries, page) and moved into place
// together at the end, or none.
import { open, rename } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Renderer } from '../browser/render';
import { guardFeaturesCsv } from '../data/transactions/aggregate';
import { bundleFor, plotlyScript } from '../figures/html';
import { reportFigures, type NamedFigure } from '../figures/specs';
import { StagedOutput } from '../io/atomic';
import { OUTPUTS } from '../io/layout';
import type { BackendInfo } from '../model/backend';
import { parseModel, serializeModel } from '../segmentation/artifact';
import type { Preprocessed, Segmentation } from '../segmentation/pipeline';
import { writeFigureFiles } from './figureFiles';
import type { OrdersInput, ReportInput } from './input';
import { relativeOrAbsolute, type ReportResult, type ReportSettings } from './options';
import { reportPage } from './page';
import { buildSummary, summaryText } from './summary';
import { clusteredCsvChunks, preprocessedCsvChunks } from './tables';
import { rfmColumns, rfmForCustomers, rfmHeatmap, transactionsModel, transactionsSummary, type RfmResult } from './transactions';
import type { Summary } from './types';

/** Seconds since the previous lap (`lap`) and since the run started (`total`), rounded to the millisecond. */
export interface PhaseClock {
  lap(): number;
  total(): number;
}

/** What the output phase writes from: the earlier phases' results. */
export interface ReportOutputsInput {
  settings: ReportSettings;
  input: ReportInput;
  prep: Preprocessed;
  seg: Segmentation;
  backend: BackendInfo;
  /** The renderer being started (null without PNGs, with the reason). */
  rendering: Promise<{ renderer: Renderer | null; reason?: string }>;
  clock: PhaseClock;
  /** The timings so far; the phase adds write, figures, the renderer's png.* and total. */
  timings: Record<string, number>;
}

/**
 * Writes every output into a staging folder under `settings.out` and moves them into place when all are written; on
 * any failure the staging folder is removed and the earlier outputs are untouched.
 */
export async function writeReportOutputs(w: ReportOutputsInput): Promise<ReportResult> {
  const { settings, prep, timings, clock } = w;
  settings.onProgress({ phase: 'writing', done: 0, total: 2 * prep.data.n, unit: 'rows' });
  // reports/figures holds this run's figures only: a run without PNGs removes an earlier run's PNGs
  const staged = await StagedOutput.create(settings.out, { exclusiveDirs: [OUTPUTS.figures] });
  // an orders run made its staging folder (for customer_features.csv) in the input phase, which cleaned up first
  const removed = [...(w.input.orders?.stage.cleanup.removed ?? []), ...staged.cleanup.removed];
  const stagingNotes = removed.length ? [`removed ${removed.length} staging folder(s) left by a killed run: ${removed.map((d) => relativeOrAbsolute(d)).join(', ')}`] : [];
  for (const note of stagingNotes) settings.onMessage(`NOTE: ${note}`);
  const { renderer, reason: noPngReason } = await w.rendering;
  try {
    const rfm = await writeTables(staged, w);
    timings.write = clock.lap();

    const figures = reportFigures({
      sweep: w.seg.sweep,
      points: { data: prep.data, labels: w.seg.labels, profiles: w.seg.profiles },
      scaled: prep.scaled,
      plot: settings.plot,
      silhouetteSamples: w.seg.silhouetteSamples,
      // Large data: the silhouette diagram shows the sweep's sampled customers.
      silhouetteLabels: w.seg.silhouetteRows === null ? undefined : w.seg.silhouetteLabels,
      population: w.seg.population,
    });
    if (rfm) figures.push(rfmHeatmap(rfm, prep.data.numeric.monetary));
    const drawn = await writeFigures(staged, figures, renderer, settings);
    if (!renderer && settings.png && noPngReason) drawn.warnings.push(noPngReason);
    for (const note of drawn.warnings) settings.onMessage(`NOTE: ${note}`);
    timings.figures = clock.lap();
    // The renderer's own clock starts with startRenderer: browser launch, plotly.js loads, each chart's draw time.
    for (const [name, s] of Object.entries(renderer?.timings() ?? {})) timings[`png.${name}`] = s;
    timings.total = clock.total();

    const summary = reportSummary(w, rfm, drawn.files, [...drawn.warnings, ...stagingNotes]);
    await staged.write(OUTPUTS.summaryJson, JSON.stringify(summary, null, 2) + '\n');
    await staged.write(OUTPUTS.summaryText, summaryText(summary));
    await staged.write(OUTPUTS.page, reportPage({ summary, figures, schema: prep.data.schema }));
    const files = (await staged.commit()).map((f) => join(settings.out, f));
    return { summary, files };
  } catch (e) {
    await staged.discard();
    throw e;
  }
}

/** The tables and the model (checked by its own loader first); returns the RFM scores of an orders run, else null. */
async function writeTables(staged: StagedOutput, { settings, input, prep, seg }: ReportOutputsInput): Promise<RfmResult | null> {
  const { orders } = input;
  const n = prep.data.n;
  const writing = (offset: number) => ({
    csvGuard: settings.csvGuard,
    onRows: (done: number) => settings.onProgress({ phase: 'writing', done: offset + done, total: 2 * n, unit: 'rows' }),
  });
  await staged.write(OUTPUTS.preprocessed, preprocessedCsvChunks(prep.data, prep.scaled, prep.features, writing(0)));
  const rfm = orders ? rfmForCustomers(prep.data.numeric, seg.labels, seg.sweep.selected) : null;
  if (orders) await placeCustomerFeatures(staged, orders, settings.csvGuard);
  await staged.write(OUTPUTS.clustered, clusteredCsvChunks(prep.data, seg.labels, { ...writing(n), extra: rfm ? rfmColumns(rfm) : [] }));
  const model = orders && rfm ? { ...seg.model, transactions: transactionsModel(orders.spec, orders.written.checks, rfm) } : seg.model;
  const modelText = serializeModel(model);
  // a run that succeeds writes a model its own loader accepts
  parseModel(modelText, { source: OUTPUTS.model });
  await staged.write(OUTPUTS.model, modelText);
  return rfm;
}

/**
 * Moves the input phase's customer_features.csv (written without the guard) into the staging folder: renamed when its
 * bytes are the same guarded or not, else (with `csvGuard` and formula-like ids) copied guarded as a stream. Then
 * removes the input phase's staging folder.
 */
async function placeCustomerFeatures(staged: StagedOutput, orders: OrdersInput, csvGuard: boolean): Promise<void> {
  const target = await staged.path(OUTPUTS.customerFeatures);
  if (csvGuard && orders.written.formulaLikeCells > 0) {
    const file = await open(target, 'w');
    try {
      await guardFeaturesCsv(orders.featuresFile, async (text) => void (await file.write(text)));
    } finally {
      await file.close();
    }
  } else {
    await rename(orders.featuresFile, target);
  }
  await orders.stage.discard();
}

/** The figures as HTML files, and PNGs when there is a renderer; returns the files (under the staging folder) and
 * the renderer's warnings. */
async function writeFigures(
  staged: StagedOutput,
  figures: NamedFigure[],
  renderer: Renderer | null,
  settings: ReportSettings,
): Promise<{ files: string[]; warnings: string[] }> {
  const figurePhase = renderer ? 'figures (PNG)' : 'figures (HTML only)';
  const figureDir = join(staged.stagingDir, OUTPUTS.figures);
  settings.onProgress({ phase: figurePhase, done: 0, total: figures.length, unit: 'figures' });
  const drawing = writeFigureFiles(figureDir, figures, renderer, {
    onProgress: (done, total) => settings.onProgress({ phase: figurePhase, done, total, unit: 'figures' }),
  });
  // While the browser draws: read and escape the page's plotly.js bundle (~0.1 s for the full one), which
  // reportPage would otherwise do after the last PNG.
  plotlyScript({ bundle: bundleFor(figures.map((f) => f.figure)) });
  const written = await drawing;
  const files = written.files.map((f) => relative(staged.stagingDir, f));
  for (const f of files) staged.register(f);
  return { files, warnings: [...written.warnings] };
}

/** The summary of the run: `figureFiles` relative to the output folder, `notes` the output phase's warnings. */
function reportSummary({ settings, input, prep, seg, backend, timings }: ReportOutputsInput, rfm: RfmResult | null, figureFiles: string[], notes: string[]): Summary {
  const { orders, synthetic } = input;
  return buildSummary({
    prep,
    seg,
    data: { path: synthetic ? '<built-in synthetic data>' : relativeOrAbsolute(input.path), synthetic, hash: input.hash },
    backend,
    seed: settings.seed,
    fixedK: settings.k ?? null,
    timings,
    transactions: orders && rfm ? transactionsSummary(orders.spec, orders.written.checks, prep.data.schema, rfm) : undefined,
    outputs: [
      ...(orders ? [OUTPUTS.customerFeatures] : []),
      OUTPUTS.preprocessed,
      OUTPUTS.clustered,
      OUTPUTS.model,
      OUTPUTS.summaryText,
      OUTPUTS.summaryJson,
      OUTPUTS.page,
      ...figureFiles,
    ],
    warnings: [...input.warnings, ...(orders?.written.warnings ?? []), ...notes],
  });
}
