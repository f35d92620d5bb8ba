/**
 * npm run report -- [--data PATH] [--features A,B] [--id COL] [--categorical X] [--schema F] [--out DIR] [--k K] [--k-min A --k-max B] [--seed S] [--backend auto|native|wasm|cpu] [--no-png]
 * npm run report -- --transactions --data orders.csv --customer COL --date COL --amount COL [--order COL] [--quantity COL] [--as-of DATE] [--date-format FMT]
 * Regenerates every report from the raw CSV without a notebook kernel (an orders table is aggregated per customer first).
 */
import { isUserError, OptionsError } from '../src/errors';
import { REPORT_RENDERER, startRenderer } from '../src/figures/render';
import type { BackendName } from '../src/model/backend';
import { ProgressDisplay } from '../src/io/progress';
import { intOption, cliMain, listOption, parseFlags } from './cli';

const HELP = `Usage: npm run report -- [--data PATH] [--features A,B,C] [--id COL] [--categorical X,Y] [--schema FILE.json]
       [--plot-x COL --plot-y COL] [--out DIR] [--k K] [--k-min A] [--k-max B] [--seed S] [--backend auto|native|wasm|cpu] [--no-png]
  Column names exactly as in the CSV header; a flag wins over the schema file. Without --features/--schema the file
  must have the Mall columns (CustomerID, Gender, Age, Annual Income (k$), Spending Score (1-100)).
       npm run report -- --transactions --data orders.csv|.parquet --customer COL --date COL --amount COL [--order COL]
       [--quantity COL] [--as-of YYYY-MM-DD] [--date-format FMT] [--db FILE.duckdb --table NAME | --sql "SELECT ..."]
  An orders table: aggregated per customer (recency_days, frequency, monetary, ...) into
  data/processed/customer_features.csv, clustered on recency_days, frequency, monetary (log1p on the last two), with
  RFM scores and segments beside the k-means segments (see docs/transactions.md).`;

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
  const txFlags = (['customer', 'date', 'amount', 'order', 'quantity', 'as-of', 'date-format', 'db', 'table', 'sql'] as const).filter((f) => values[f] !== undefined);
  if (!values.transactions && txFlags.length > 0) throw new OptionsError(`--${txFlags[0]} is for orders tables: add --transactions`, `--${txFlags[0]}`);
  if (values.transactions) for (const f of ['customer', 'date', 'amount'] as const) if (values[f] === undefined) throw new OptionsError(`--transactions needs --${f} COLUMN (and --customer, --date, --amount)`, `--${f}`);
  // Chromium launches and parses plotly.js while the model code (TensorFlow.js, wasm) loads and the data work runs.
  const renderer = values['no-png'] ? undefined : startRenderer(REPORT_RENDERER);
  // require, not import(): scripts run under tsx's CommonJS hook only (node --require tsx/cjs, ~0.25 s less start-up
  // than --import tsx), which does not serve dynamic import() of TypeScript files.
  const { runReport } = require('../src/report/run') as typeof import('../src/report/run');
  const display = new ProgressDisplay();
  const { summary, files } = await runReport({
    renderer,
    // This process exits right after: Chromium may finish closing on its own (~0.3 s).
    detachBrowser: true,
    data: values.data,
    schemaFile: values.schema,
    columns: { features: listOption(values.features), id: values.id, categorical: listOption(values.categorical) },
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
    png: !values['no-png'],
    backend: values.backend as BackendName | 'auto' | undefined,
    onProgress: (event) => display.update(event),
    onMessage: (m) => display.message(m.startsWith('WARNING') ? `${'!'.repeat(78)}\n${m}\n${'!'.repeat(78)}` : m),
  });
  display.end();
  const sil = summary.silhouette[String(summary.k.selected)];
  console.log(
    `k=${summary.k.selected} (${summary.k.rule}), silhouette ${sil == null ? 'n/a' : sil.toFixed(4)}, ` +
      `${summary.rows.used}/${summary.rows.read} rows used, backend ${summary.backend.name}, ${summary.timings.total}s`,
  );
  for (const c of summary.clusters) console.log(`  segment ${c.id}: ${c.label} (${c.size} customers)`);
  if (summary.data.synthetic) console.log('NOTE: these results come from built-in SYNTHETIC data (see README to get the real dataset).');
  console.log(`wrote ${files.length} files; see reports/summary.txt`);
}, isUserError);
