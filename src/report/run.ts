import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { cleanCustomers, type CleanResult } from '../data/clean';
import { parseCustomersCsv } from '../data/parse';
import { loadCleanCustomers, loadSchema } from '../data/load';
import type { SchemaChoice } from '../data/schema';
import { syntheticCustomersCsv } from '../data/synthetic';
import { dataHash } from '../data/hash';
import { sameFile, StagedOutput } from '../io/atomic';
import type { ProgressEvent } from '../io/progress';
import { OUTPUTS } from '../io/layout';
import { parseModel, serializeModel } from '../segmentation/artifact';
import { initBackend, type BackendName } from '../model/backend';
import { DEFAULT_SEED } from '../util/random';
import type { KRule } from '../model/selectK';
import { applyTransforms, type TransformChoice } from '../features/transform';
import { fitSegments, prepareFeatures } from '../segmentation/pipeline';
import { bundleFor, plotlyScript } from '../figures/html';
import { REPORT_RENDERER, startRenderer, type Renderer } from '../browser/render';
import { reportFigures } from '../figures/specs';
import { writeFigureFiles } from './figureFiles';
import { reportPage } from './page';
import { buildSummary, summaryText } from './summary';
import { clusteredCsvChunks, preprocessedCsvChunks } from './tables';
import type { Summary } from './types';
import { aggregateTransactions, customerFeaturesCsv, type Aggregation, type OrdersSource } from '../data/transactions/aggregate';
import { rfmColumns, rfmForCustomers, rfmHeatmap, transactionsModel, transactionsSchema, transactionsSummary } from './transactions';
import type { TransactionsSpec } from '../data/transactions/sql';
import { DataError, OptionsError } from '../util/errors';
import { headerKey } from '../data/schema';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The project root: the folder above src/. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');
/** Where the report looks for data when --data is not given (relative to the working directory; npm runs scripts from the project root). */
export const DEFAULT_DATA = 'data/raw/Mall_Customers.csv';

/** Output layout under --out (defined in src/io/layout.ts; re-exported for callers of the report). */
export { OUTPUTS };

/** Options of {@link runReport}; the CLI flags map one to one. */
export interface ReportOptions {
  /** CSV to read. Default: data/raw/Mall_Customers.csv in the working directory; when absent there, built-in synthetic data. */
  data?: string;
  /** Schema JSON file describing the table (`--schema`). Default: none (the Mall schema for the Mall columns). */
  schemaFile?: string;
  /** Clustering features, id and categorical columns (`--features`, `--id`, `--categorical`); win over the file. */
  columns?: Omit<SchemaChoice, 'schema'>;
  /** Columns of the 2D chart (`--plot-x`, `--plot-y`). Default: the schema's `plot`, else the two features that
   * best separate the segments. */
  plot?: { x?: string; y?: string };
  /** Folder all outputs go under. Default: the project root. */
  out?: string;
  /** Fixed k (overrides the sweep). Default: none. */
  k?: number;
  /** Sweep range. Default 2..10. */
  kMin?: number;
  kMax?: number;
  /** Transforms of numeric features (`--transform`): 'auto' or per column, on top of the schema's. Default: the schema's. */
  transform?: TransformChoice;
  /** How k is chosen (`--k-rule`, see KRule). Default 'stable-silhouette'. */
  kRule?: KRule;
  /** Smallest share of customers every segment of the chosen k must hold (`--min-segment-share`). Default 0.02. */
  minSegmentShare?: number;
  /** Random seed for k-means++ and sampling. Default 42. */
  seed?: number;
  /** TensorFlow.js backend: 'auto', 'native', 'wasm' or 'cpu'. Default: env SEGMENTATION_BACKEND, else 'auto'. */
  backend?: BackendName | 'auto';
  /**
   * Most threads of the k-means and silhouette (`--threads`); 1 = in-process only. Default: env SEGMENTATION_THREADS,
   * else every core. The outputs are the same for every thread count (see SweepOptions.threads).
   */
  threads?: number;
  /** Write text cells starting with = + - @ tab or CR in the CSV outputs with a leading ' so spreadsheets show them as
   * text, not formulas (`--no-csv-guard` turns it off). Default true. */
  csvGuard?: boolean;
  /** Render PNG figures in headless Chromium (HTML figures are always written). Default true; without a browser the
   * report still finishes and says how to enable PNGs. */
  png?: boolean;
  /**
   * A renderer already being started (the CLI starts the browser before it loads the model code, to take it off the
   * critical path); runReport closes it when done. Default: started here with {@link REPORT_RENDERER} when `png`.
   */
  renderer?: Promise<{ renderer: Renderer | null; reason?: string }>;
  /**
   * Do not wait for the browser to exit after the outputs are written (for a command that exits right after;
   * see Renderer.close). Default false.
   */
  detachBrowser?: boolean;
  /**
   * The data file is an orders table (`--transactions --customer COL --date COL --amount COL [--order COL]
   * [--quantity COL] [--as-of DATE] [--date-format FMT]`): aggregated per customer in DuckDB first, then clustered on
   * recency_days, frequency and monetary (log1p on the last two), with RFM scores beside. `db` and `table`/`sql`
   * read the orders from a DuckDB database file instead of `data`. Default: the schema file's `transactions`, else none.
   */
  transactions?: TransactionsSpec & { db?: string; table?: string; sql?: string };
  /** Progress of each phase: work done, total and rows (the CLI draws it with ProgressDisplay). Default: none. */
  onProgress?: (event: ProgressEvent) => void;
  /** Notes and warnings as they come ("NOTE: ...", "WARNING: ..."; all are also in the summary). Default: none. */
  onMessage?: (text: string) => void;
}

/** What a finished run returns. */
export interface ReportResult {
  summary: Summary;
  /** Absolute paths of the files written. */
  files: string[];
}

/**
 * Regenerates every data artifact and summary from the raw CSV. Outputs are staged and moved into place only when
 * all were written, so a failed run leaves earlier outputs untouched.
 */
export async function runReport(options: ReportOptions = {}): Promise<ReportResult> {
  const { out = PROJECT_ROOT, k, kMin = 2, kMax = 10, seed = DEFAULT_SEED, backend, png = true, onProgress = () => {}, onMessage = () => {} } = options;
  const t0 = performance.now();
  const lap = (() => {
    let last = t0;
    return () => {
      const now = performance.now();
      const s = (now - last) / 1000;
      last = now;
      return Number(s.toFixed(3));
    };
  })();
  // Seconds from this process's start (Node, module loading) to here.
  const timings: Record<string, number> = { startup: Number((t0 / 1000).toFixed(3)) };

  // The browser launches and parses plotly.js in the background while the data work runs.
  const rendering = png
    ? (options.renderer ?? startRenderer(REPORT_RENDERER))
    : Promise.resolve({ renderer: null, reason: 'PNG figures not requested' });
  try {
    // inside the try: a refused folder still closes a renderer the caller started
    checkOutputFolder(out, options.data);
    const backendInfo = await initBackend({ backend });
    timings.backend = lap();

    onProgress({ phase: 'loading', done: 0, total: 1, unit: 'bytes' });
    const choice: SchemaChoice = { ...options.columns, schema: options.schemaFile ? await loadSchema(options.schemaFile) : undefined };
    // Files are read and cleaned as a stream: no text row is held (see loadCleanCustomers).
    const txOptions = options.transactions ?? (choice.schema?.transactions ? { ...choice.schema.transactions } : undefined);
    const orders = txOptions ? await readTransactions(options.data, txOptions, choice) : null;
    const { cleaning, hash, path, synthetic } = orders ?? (await readInput(options.data, choice, onProgress));
    timings.load = lap();
    const extraWarnings = synthetic
      ? [`SYNTHETIC DATA: no dataset at ${DEFAULT_DATA}; ran on ${cleaning.rows.read} built-in synthetic customers. Download Mall_Customers.csv into data/raw/ (see README) or pass --data PATH.`]
      : [];
    if (synthetic) onMessage(`WARNING: ${extraWarnings[0]}`);

    // Skewed features: the user's transforms applied, the rest warned about (see docs/analysis.md).
    const transformed = applyTransforms(cleaning, options.transform);
    for (const w of transformed.warnings) onMessage(`NOTE: ${w}`);
    const prep = prepareFeatures(transformed.cleaning);
    timings.clean = lap();

    // k-means work units (see batchWork) as the threads report them; fits as the ks finish.
    let work = { done: 0, total: 1 };
    let fitted = '';
    onProgress({ phase: 'k-means', done: 0, total: 1, unit: 'work units', rows: prep.data.n });
    const seg = await fitSegments(prep, hash, {
      k,
      kMin,
      kMax,
      seed,
      kRule: options.kRule,
      minSegmentShare: options.minSegmentShare,
      threads: options.threads,
      onProgress: (e) => {
        if (e.phase === 'silhouette') return onProgress({ phase: 'silhouette', done: e.done, total: e.total, unit: 'rows' });
        if (e.phase === 'profile') return onProgress({ phase: 'profiling', done: e.done, total: e.total, unit: 'steps', rows: prep.data.n });
        if (e.phase === 'kmeans-work') work = { done: e.done, total: e.total };
        else fitted = `${e.done}/${e.total} ks fitted`;
        onProgress({ phase: 'k-means', done: work.done, total: work.total, unit: 'work units', rows: prep.data.n, note: fitted || undefined });
      },
    });
    lap();
    timings.kmeans = Number(seg.timings.kmeans_s.toFixed(3));
    timings.silhouette = Number(seg.timings.silhouette_s.toFixed(3));
    timings.criteria = Number(seg.sweep.timings.criteria_s.toFixed(3));
    timings.profile = Number(seg.timings.profile_s.toFixed(3));

    onProgress({ phase: 'writing', done: 0, total: 2 * prep.data.n, unit: 'rows' });
    // reports/figures holds this run's figures only: a run without PNGs removes an earlier run's PNGs
    const staged = await StagedOutput.create(out, { exclusiveDirs: [OUTPUTS.figures] });
    const stagingNotes = staged.cleanup.removed.length
      ? [`removed ${staged.cleanup.removed.length} staging folder(s) left by a killed run: ${staged.cleanup.removed.map((d) => relativeOrAbsolute(d)).join(', ')}`]
      : [];
    for (const note of stagingNotes) onMessage(`NOTE: ${note}`);
    const { renderer, reason: noPngReason } = await rendering;
    try {
      const n = prep.data.n;
      const writing = (offset: number) => ({
        csvGuard: options.csvGuard ?? true,
        onRows: (done: number) => onProgress({ phase: 'writing', done: offset + done, total: 2 * n, unit: 'rows' }),
      });
      await staged.write(OUTPUTS.preprocessed, preprocessedCsvChunks(prep.data, prep.scaled, prep.features, writing(0)));
      const rfm = orders ? rfmForCustomers(prep.data.numeric, seg.labels, seg.sweep.selected) : null;
      if (orders) await staged.write(OUTPUTS.customerFeatures, customerFeaturesCsv(orders.aggregation.table, options.csvGuard ?? true));
      await staged.write(OUTPUTS.clustered, clusteredCsvChunks(prep.data, seg.labels, { ...writing(n), extra: rfm ? rfmColumns(rfm) : [] }));
      const model = orders && rfm ? { ...seg.model, transactions: transactionsModel(orders.spec, orders.aggregation.checks, rfm) } : seg.model;
      const modelText = serializeModel(model);
      // a run that succeeds writes a model its own loader accepts
      parseModel(modelText, { source: OUTPUTS.model });
      await staged.write(OUTPUTS.model, modelText);
      timings.write = lap();

      const figurePhase = renderer ? 'figures (PNG)' : 'figures (HTML only)';
      const figures = reportFigures({
        sweep: seg.sweep,
        points: { data: prep.data, labels: seg.labels, profiles: seg.profiles },
        scaled: prep.scaled,
        plot: options.plot,
        silhouetteSamples: seg.silhouetteSamples,
        // Large data: the silhouette diagram shows the sweep's sampled customers.
        silhouetteLabels: seg.silhouetteRows === null ? undefined : seg.silhouetteLabels,
        population: seg.population,
      });
      if (rfm) figures.push(rfmHeatmap(rfm, prep.data.numeric.monetary));
      const figureDir = join(staged.stagingDir, OUTPUTS.figures);
      onProgress({ phase: figurePhase, done: 0, total: figures.length, unit: 'figures' });
      const drawing = writeFigureFiles(figureDir, figures, renderer, {
        onProgress: (done, total) => onProgress({ phase: figurePhase, done, total, unit: 'figures' }),
      });
      // While the browser draws: read and escape the page's plotly.js bundle (~0.1 s for the full one), which
      // reportPage would otherwise do after the last PNG.
      plotlyScript({ bundle: bundleFor(figures.map((f) => f.figure)) });
      const written = await drawing;
      for (const f of written.files) staged.register(relative(staged.stagingDir, f));
      const figureWarnings = [...written.warnings];
      if (!renderer && png && noPngReason) figureWarnings.push(noPngReason);
      for (const w of figureWarnings) onMessage(`NOTE: ${w}`);
      timings.figures = lap();
      // The renderer's own clock starts with startRenderer: browser launch, plotly.js loads, each chart's draw time.
      for (const [name, s] of Object.entries(renderer?.timings() ?? {})) timings[`png.${name}`] = s;
      timings.total = Number(((performance.now() - t0) / 1000).toFixed(3));
      const summary = buildSummary({
        prep,
        seg,
        data: { path: synthetic ? '<built-in synthetic data>' : relativeOrAbsolute(path), synthetic, hash },
        backend: backendInfo,
        seed,
        fixedK: k ?? null,
        timings,
        transactions: orders && rfm ? transactionsSummary(orders.spec, orders.aggregation.checks, prep.data.schema, rfm) : undefined,
        outputs: [
          ...(orders ? [OUTPUTS.customerFeatures] : []),
          OUTPUTS.preprocessed,
          OUTPUTS.clustered,
          OUTPUTS.model,
          OUTPUTS.summaryText,
          OUTPUTS.summaryJson,
          OUTPUTS.page,
          ...written.files.map((f) => relative(staged.stagingDir, f)),
        ],
        warnings: [...extraWarnings, ...(orders?.aggregation.warnings ?? []), ...figureWarnings, ...stagingNotes],
      });
      await staged.write(OUTPUTS.summaryJson, JSON.stringify(summary, null, 2) + '\n');
      await staged.write(OUTPUTS.summaryText, summaryText(summary));
      await staged.write(OUTPUTS.page, reportPage({ summary, figures, schema: prep.data.schema }));
      const files = (await staged.commit()).map((f) => join(out, f));
      return { summary, files };
    } catch (e) {
      await staged.discard();
      throw e;
    }
  } finally {
    await (await rendering).renderer?.close({ wait: !options.detachBrowser });
  }
}

async function readInput(
  data: string | undefined,
  schema: SchemaChoice,
  onProgress: (event: ProgressEvent) => void,
): Promise<{ cleaning: CleanResult; hash: string; path: string; synthetic: boolean }> {
  if (data === undefined) {
    const path = resolve(DEFAULT_DATA);
    if (!existsSync(path)) {
      const text = syntheticCustomersCsv();
      return { cleaning: cleanCustomers(parseCustomersCsv(text, { source: '<synthetic>' })), hash: dataHash(text), path, synthetic: true };
    }
    data = path;
  }
  const { cleaning, hash, header } = await loadCleanCustomers(data, {
    source: relativeOrAbsolute(data),
    schema,
    onProgress: (p) =>
      onProgress(
        p.finishing
          ? { phase: 'cleaning', done: 0, total: 1, unit: 'steps', rows: p.rows }
          : { phase: 'loading', done: p.done, total: p.total, unit: p.unit, rows: p.unit === 'rows' ? undefined : p.rows },
      ),
  });
  refuseOrdersTable(cleaning, header, relativeOrAbsolute(data));
  return { cleaning, hash, path: data, synthetic: false };
}

/**
 * Refuses an output folder that is a file, and one whose outputs would replace the input file (same device and inode,
 * through any symbolic or hard link): checked before any work, so the input is never touched.
 */
function checkOutputFolder(out: string, data: string | undefined): void {
  try {
    if (!statSync(out).isDirectory()) throw new OptionsError(`--out ${out} is a file, not a folder; pass --out <a folder> (it is created when missing)`, 'out');
  } catch (e) {
    if (e instanceof OptionsError) throw e;
  }
  if (data === undefined) return;
  for (const rel of Object.values(OUTPUTS)) {
    const target = join(out, rel);
    if (sameFile(target, data)) {
      throw new OptionsError(`--data ${data} is the output file ${target} of --out ${out}; a run would replace its own input. Copy the input elsewhere or pass another --out`, 'out');
    }
  }
}

/** Column names that say "date or time": a customer table with such a column and repeated ids is an orders table. */
const DATE_LIKE = /date|time|stamp|(^|[_ ])(day|dt|ts)$/i;

/**
 * Stops a customer-table run on an orders table (ids repeat, a date-like column): clustering each customer's first
 * row would be wrong, aggregating per customer is what is meant.
 */
function refuseOrdersTable(cleaning: CleanResult, header: readonly string[], source: string): void {
  const id = cleaning.data.schema.primaryKey;
  if (id === undefined) return;
  const repeated = cleaning.rows.droppedBy[`repeated ${id}`] ?? 0;
  const dateColumn = header.find((h) => DATE_LIKE.test(h.trim()) && headerKey(h) !== headerKey(id));
  if (repeated === 0 || dateColumn === undefined || repeated < 0.05 * cleaning.rows.read) return;
  throw new DataError(
    `${source} looks like an orders table: ${repeated} of ${cleaning.rows.read} rows repeat a ${id} and it has a date column "${dateColumn}"; ` +
      `aggregate it per customer with --transactions --customer "${id}" --date "${dateColumn}" --amount COLUMN [--order COLUMN]`,
    source,
  );
}

/** Aggregates the orders into customers (DuckDB) and cleans the customer table it gives, as readInput does a file. */
async function readTransactions(
  data: string | undefined,
  spec: NonNullable<ReportOptions['transactions']>,
  choice: SchemaChoice,
): Promise<{ cleaning: CleanResult; hash: string; path: string; synthetic: false; spec: NonNullable<ReportOptions['transactions']>; aggregation: Aggregation; featuresCsv: string }> {
  let source: OrdersSource;
  let path: string;
  let hash: string;
  if (spec.db !== undefined) {
    if (data !== undefined) throw new OptionsError('--data and --db are two sources of orders: give one', 'db');
    const postgres = /^postgres(ql)?:\/\//i.test(spec.db);
    source = postgres ? { postgres: spec.db, table: spec.table, sql: spec.sql } : { duckdb: spec.db, table: spec.table, sql: spec.sql };
    // a PostgreSQL URL may hold a password: the summary names the engine and the table or query only
    path = `${postgres ? 'postgresql' : spec.db}:${spec.sql ?? spec.table ?? ''}`;
    hash = '';
  } else {
    if (data === undefined) throw new OptionsError('--transactions needs the orders: --data FILE (CSV or Parquet) or --db FILE.duckdb --table NAME', 'data');
    if (!existsSync(data)) throw new DataError(`${data} does not exist; give the orders file with --data PATH`, data);
    source = { file: data };
    path = data;
    const h = createHash('sha256');
    for await (const chunk of createReadStream(data)) h.update(chunk as Buffer);
    hash = `sha256:${h.digest('hex')}`;
  }
  const aggregation = await aggregateTransactions({ spec, source });
  const featuresCsv = customerFeaturesCsv(aggregation.table);
  // a database has no file to hash: the model records the hash of the per-customer table it was trained on
  if (hash === '') hash = `sha256:${createHash('sha256').update(featuresCsv).digest('hex')}`;
  const schema = transactionsSchema(spec, { features: choice.features ?? (choice.schema?.features.length ? choice.schema.features : undefined) });
  const cleaning = cleanCustomers(parseCustomersCsv(featuresCsv, { source: `${relativeOrAbsolute(path)} (per customer)`, schema: { schema } }));
  return { cleaning, hash, path, synthetic: false, spec, aggregation, featuresCsv };
}

function relativeOrAbsolute(p: string): string {
  const r = relative(process.cwd(), resolve(p));
  return r.startsWith('..') ? resolve(p) : r;
}
