/**
 * npm run report -- [--data PATH] [--features A,B] [--id COL] [--categorical X] [--schema F] [--impute drop|median] [--unknown-category ignore|error] [--out DIR] [--k K] [--k-min A --k-max B]
 *   [--k-rule stable-silhouette|silhouette] [--min-segment-share F] [--transform auto|COL=log1p,...] [--seed S] [--backend auto|native|wasm|cpu] [--no-png] [--no-csv-guard] [--threads N]
 * npm run report -- --transactions --data orders.csv --customer COL --date COL --amount COL [--order COL] [--quantity COL] [--as-of DATE] [--date-format FMT]
 * Regenerates every report from the raw CSV without a notebook kernel (an orders table is aggregated per customer first).
 */
import {
  REPORT_RENDERER,
  startRenderer,
  type BackendName,
  OUTPUTS,
  type KRule,
  parseTransformFlag,
  ProgressDisplay,
  isUserError,
  OptionsError,
  MISSING_POLICIES,
  UNKNOWN_CATEGORY_POLICIES,
  parseThreads,
  resolveThreads,
  runReport,
} from '../src';
import { join } from 'node:path';
import { intOption, cliMain, listOption, parseFlags } from './cli';

/** A flag that takes one of `choices`; undefined when absent. */
function choiceOption<T extends string>(value: string | undefined, flag: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new OptionsError(`${flag} ${JSON.stringify(value)} is not one of ${choices.join(', ')}`, flag);
  return value as T;
}

const HELP = `Usage: npm run report -- [--data PATH] [--features A,B,C] [--id COL] [--categorical X,Y] [--schema FILE.json]
       [--impute drop|median] [--unknown-category ignore|error] [--plot-x COL --plot-y COL] [--out DIR] [--k K] [--k-min A] [--k-max B] [--seed S]
       [--backend auto|native|wasm|cpu] [--no-png] [--no-csv-guard] [--k-rule stable-silhouette|silhouette] [--min-segment-share F]
       [--transform auto|COL=log1p[,COL2=log1p]] [--threads N]
  Column names exactly as in the CSV header; a flag wins over the schema file. Without --features/--schema the file
  must have the Mall columns (CustomerID, Gender, Age, Annual Income (k$), Spending Score (1-100)).
       npm run report -- --transactions --data orders.csv|.parquet --customer COL --date COL --amount COL [--order COL]
       [--quantity COL] [--as-of YYYY-MM-DD] [--date-format FMT] [--db FILE.duckdb --table NAME | --sql "SELECT ..."]
  An orders table: aggregated per customer (recency_days, frequency, monetary, ...) into
  data/processed/customer_features.csv, clustered on recency_days, frequency, monetary (log1p on the last two), with
  RFM scores and segments beside the k-means segments (see docs/transactions.md).
  --impute: a missing number drops the row (drop, default) or takes the training median (median), stored in the model
  and obeyed by score, predict, the API and the exported SQL. --unknown-category: when scoring, a category not seen in
  training is scored as none of the known ones and flagged (ignore, default) or refused (error). See docs/rows.md.
  --k-rule: stable-silhouette (default: the best silhouette among ks whose segments all hold >= --min-segment-share
  of customers, default 0.02, and whose stability is >= 0.8) or silhouette (the best silhouette alone).
  --transform: log1p on the named numeric features, or auto: on every feature whose skewness exceeds 1.
  See docs/analysis.md.
  --threads: most threads for k-means and silhouette (default: env SEGMENTATION_THREADS, else every core; 1 = one
  thread). The outputs are the same for every count. See docs/backends.md.`;

cliMain(async () => {
  const values = parseFlags(
    {
      data: { type: 'string' },
      features: { type: 'string' },
      id: { type: 'string' },
      categorical: { type: 'string' },
      schema: { type: 'string' },
      'plot-x': { type: 'string' },
      'plot-y': { type: 'string' },
      out: { type: 'string' },
      k: { type: 'string' },
      'k-min': { type: 'string' },
      'k-max': { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      'no-png': { type: 'boolean' },
      'no-csv-guard': { type: 'boolean' },
      'k-rule': { type: 'string' },
      'min-segment-share': { type: 'string' },
      transform: { type: 'string' },
      impute: { type: 'string' },
      'unknown-category': { type: 'string' },
      threads: { type: 'string' },
      transactions: { type: 'boolean' },
      customer: { type: 'string' },
      date: { type: 'string' },
      amount: { type: 'string' },
      order: { type: 'string' },
      quantity: { type: 'string' },
      'as-of': { type: 'string' },
      'date-format': { type: 'string' },
      db: { type: 'string' },
      table: { type: 'string' },
      sql: { type: 'string' },
    },
    HELP,
  );
  if (values === null) return;
  // Checked before any work (a bad SEGMENTATION_THREADS too), so the mistake costs no loading time.
  const threads = values.threads === undefined ? resolveThreads() : parseThreads(values.threads, '--threads');
  const txFlags = (['customer', 'date', 'amount', 'order', 'quantity', 'as-of', 'date-format', 'db', 'table', 'sql'] as const).filter((f) => values[f] !== undefined);
  if (!values.transactions && txFlags.length > 0) throw new OptionsError(`--${txFlags[0]} is for orders tables: add --transactions`, `--${txFlags[0]}`);
  if (values.transactions) for (const f of ['customer', 'date', 'amount'] as const) if (values[f] === undefined) throw new OptionsError(`--transactions needs --${f} COLUMN (and --customer, --date, --amount)`, `--${f}`);
  // Chromium launches and parses plotly.js while the model code (TensorFlow.js, wasm) loads and the data work runs.
  const renderer = values['no-png'] ? undefined : startRenderer(REPORT_RENDERER);
  const display = new ProgressDisplay();
  const { summary, files } = await runReport({
    renderer,
    // This process exits right after: Chromium may finish closing on its own (~0.3 s).
    detachBrowser: true,
    data: values.data,
    schemaFile: values.schema,
    columns: {
      features: listOption(values.features),
      id: values.id,
      categorical: listOption(values.categorical),
      missing: choiceOption(values.impute, '--impute', MISSING_POLICIES),
      unknownCategory: choiceOption(values['unknown-category'], '--unknown-category', UNKNOWN_CATEGORY_POLICIES),
    },
    transactions: values.transactions
      ? {
          customer: values.customer!,
          date: values.date!,
          amount: values.amount!,
          order: values.order,
          quantity: values.quantity,
          asOf: values['as-of'],
          dateFormat: values['date-format'],
          db: values.db,
          table: values.table,
          sql: values.sql,
        }
      : undefined,
    plot: values['plot-x'] || values['plot-y'] ? { x: values['plot-x'], y: values['plot-y'] } : undefined,
    out: values.out,
    k: intOption(values.k, '--k'),
    kMin: intOption(values['k-min'], '--k-min'),
    kMax: intOption(values['k-max'], '--k-max'),
    seed: intOption(values.seed, '--seed'),
    kRule: values['k-rule'] as KRule | undefined,
    transform: values.transform === undefined ? undefined : parseTransformFlag(values.transform),
    minSegmentShare: values['min-segment-share'] === undefined ? undefined : Number(values['min-segment-share']),
    png: !values['no-png'],
    csvGuard: !values['no-csv-guard'],
    backend: values.backend as BackendName | 'auto' | undefined,
    threads,
    onProgress: (event) => display.update(event),
    onMessage: (m) => display.message(m.startsWith('WARNING') ? `${'!'.repeat(78)}\n${m}\n${'!'.repeat(78)}` : m),
  });
  display.end();
  const sil = summary.silhouette[String(summary.k.selected)];
  console.log(
    `k=${summary.k.selected} (${summary.k.rule}), silhouette ${sil == null ? 'n/a' : sil.toFixed(4)}, ` +
      `${summary.rows.used}/${summary.rows.read} rows used, backend ${summary.backend.name}, ${summary.timings.total}s`,
  );
  console.log(`why: ${summary.k.reason}`);
  for (const c of summary.clusters) console.log(`  segment ${c.id}: ${c.label} (${c.size} customers)`);
  if (summary.data.synthetic) console.log('NOTE: these results come from built-in SYNTHETIC data (see README to get the real dataset).');
  console.log(`wrote ${files.length} files; see ${join(values.out ?? '', OUTPUTS.summaryText)}`);
}, isUserError);
