/**
 * The report's transactions step: aggregate the orders, describe the customer table it gives (the default clustering
 * features recency_days, frequency and monetary, log1p on frequency and monetary), and after clustering the RFM scores
 * beside the k-means segments. The report (src/report/run.ts) calls these; they hold no I/O besides the aggregation.
 */
import type { TableSchema } from '../data/schema';
import { html, joinHtml, type Html } from '../util/html';
import { RFM_HEATMAP_TITLE, rfmHeatmapFigure } from '../figures/rfmHeatmap';
import { figureFileName, type NamedFigure } from '../figures/common';
import type { AggregationChecks } from '../data/transactions/aggregate';
import { fitRfm, rfmCrosstab, rfmSegmentTable, scoreAll, type RfmEdges, type RfmScore } from '../segmentation/rfm';
import type { TransactionColumns, TransactionsSpec } from '../data/transactions/sql';
import type { TransactionsModel } from '../segmentation/artifact';

/** Default clustering features of a transactions run. */
export const DEFAULT_TRANSACTION_FEATURES = ['recency_days', 'frequency', 'monetary'] as const;

/**
 * The customer table of a transactions run: the id (the orders' customer column, text), the features and the other
 * per-customer columns profiled. frequency and monetary are clustered after log1p (both skewed); a customer whose
 * monetary is below 0 (returns larger than purchases) is outside monetary's range and left out of the clustering.
 */
export function transactionsSchema(spec: TransactionsSpec, options: { features?: readonly string[] } = {}): TableSchema {
  return {
    name: 'transactions',
    title: 'Customers from orders',
    primaryKey: spec.customer,
    features: [...(options.features ?? DEFAULT_TRANSACTION_FEATURES)],
    categorical: [],
    fields: [
      { name: spec.customer, type: 'string' },
      { name: 'recency_days', type: 'number', title: 'Recency', unit: 'days', constraints: { minimum: 0 }, words: ['recent buyers', 'mid recency', 'lapsed buyers'], comparatives: ['more recent', 'less recent'] },
      { name: 'frequency', type: 'number', title: 'Frequency', unit: 'orders', transform: 'log1p', constraints: { minimum: 0 }, words: ['rare buyers', 'occasional buyers', 'frequent buyers'] },
      { name: 'monetary', type: 'number', title: 'Monetary', transform: 'log1p', constraints: { minimum: 0 }, words: ['low spend', 'mid spend', 'high spend'] },
      { name: 'avg_order_value', type: 'number', title: 'Average order value' },
      { name: 'tenure_days', type: 'number', title: 'Tenure', unit: 'days', constraints: { minimum: 0 } },
      ...(spec.quantity ? [{ name: 'items', type: 'number' as const, title: 'Items' }] : []),
    ],
  };
}

/** The RFM results of a run, for the outputs. */
export interface RfmResult {
  edges: RfmEdges;
  scores: RfmScore[];
  segments: ReturnType<typeof rfmSegmentTable>;
  crosstab: ReturnType<typeof rfmCrosstab>;
}

/** RFM scores of the clustered customers (edges learned on them), segment sizes and revenue, crosstab with k-means. */
export function rfmForCustomers(numeric: Record<string, ArrayLike<number>>, labels: ArrayLike<number>, k: number): RfmResult {
  const features = { recency_days: numeric.recency_days, frequency: numeric.frequency, monetary: numeric.monetary };
  const edges = fitRfm(features);
  const scores = scoreAll(edges, features);
  return { edges, scores, segments: rfmSegmentTable(scores, features.monetary), crosstab: rfmCrosstab(scores, labels, k) };
}

/** clustered_data.csv's RFM columns, written before `Cluster`: R, F, M, RFM, rfm_segment. */
export function rfmColumns(rfm: RfmResult): { name: string; value: (row: number) => string | number }[] {
  return [
    { name: 'R', value: (i) => rfm.scores[i].R },
    { name: 'F', value: (i) => rfm.scores[i].F },
    { name: 'M', value: (i) => rfm.scores[i].M },
    { name: 'RFM', value: (i) => rfm.scores[i].RFM },
    { name: 'rfm_segment', value: (i) => rfm.scores[i].segment },
  ];
}

/** The model's transactions part: the orders' columns, the as-of date and the RFM edges of the training customers. */
export function transactionsModel(spec: TransactionsSpec, checks: AggregationChecks, rfm: RfmResult): TransactionsModel {
  const columns: TransactionColumns = { customer: spec.customer, date: spec.date, amount: spec.amount };
  if (spec.order !== undefined) columns.order = spec.order;
  if (spec.quantity !== undefined) columns.quantity = spec.quantity;
  return { columns, ...(spec.dateFormat ? { dateFormat: spec.dateFormat } : {}), asOf: checks.asOf, rfm: rfm.edges };
}

/** summary.json's `transactions` block. */
export interface TransactionsSummary {
  columns: Omit<TransactionsSpec, 'asOf'>;
  checks: AggregationChecks;
  /** How the clustering features were transformed, e.g. "log1p on frequency, monetary". */
  transforms: string;
  rfm: { edges: RfmEdges; segments: RfmResult['segments']; crosstab: RfmResult['crosstab'] };
}

/** The transactions block of the summary. */
export function transactionsSummary(spec: TransactionsSpec, checks: AggregationChecks, schema: TableSchema, rfm: RfmResult): TransactionsSummary {
  const columns: Omit<TransactionsSpec, 'asOf'> = { customer: spec.customer, date: spec.date, amount: spec.amount };
  if (spec.order !== undefined) columns.order = spec.order;
  if (spec.quantity !== undefined) columns.quantity = spec.quantity;
  if (spec.dateFormat !== undefined) columns.dateFormat = spec.dateFormat;
  const logged = schema.fields.filter((f) => f.transform === 'log1p' && schema.features.includes(f.name)).map((f) => f.name);
  return {
    columns,
    checks,
    transforms: logged.length ? `log1p on ${logged.join(', ')} before standardization` : 'none (standardization only)',
    rfm: { edges: rfm.edges, segments: rfm.segments, crosstab: rfm.crosstab },
  };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** summary.txt lines of the transactions block. */
export function transactionsText(t: TransactionsSummary): string[] {
  const c = t.checks;
  const lines = [
    '',
    'Orders',
    `  ${c.linesRead} order lines read, ${c.linesUsed} used; dates ${c.firstDate} to ${c.lastDate}`,
    `  as-of date ${c.asOf}${c.asOfDefault ? ' (the day after the last date; set it with --as-of)' : ' (given)'}`,
    ...Object.entries(c.droppedBy).map(([r, n]) => `  dropped, ${r}: ${n}`),
    `  customers without a purchase (left out): ${c.customersWithoutPurchase}; customers with monetary at or below 0: ${c.customersAtOrBelowZero}`,
    `  clustering features transformed: ${t.transforms}`,
    '',
    'RFM segments (R, F, M scores 1-5 by quintiles; see docs/transactions.md)',
    `  ${'segment'.padEnd(20)} customers  revenue share`,
    ...t.rfm.segments.map((s) => `  ${s.segment.padEnd(20)} ${String(s.customers).padStart(9)}  ${pct(s.revenueShare).padStart(13)}`),
    '',
    'RFM segment x k-means segment (customers)',
    `  ${''.padEnd(20)} ${t.rfm.crosstab[0].counts.map((_, k) => `seg ${k}`.padStart(7)).join('')}`,
    ...t.rfm.crosstab.map((r) => `  ${r.segment.padEnd(20)} ${r.counts.map((n) => String(n).padStart(7)).join('')}`),
  ];
  return lines;
}

/** The recency-by-frequency heatmap as a report figure. */
export function rfmHeatmap(rfm: RfmResult, monetary: ArrayLike<number>): NamedFigure {
  return { id: 'rfm-heatmap', name: figureFileName(RFM_HEATMAP_TITLE), title: RFM_HEATMAP_TITLE, figure: rfmHeatmapFigure(rfm.scores, monetary) };
}

/** The page's section on orders and RFM (tables; the heatmap's chart is passed in as HTML). */
export function transactionsSection(t: TransactionsSummary, chart: Html | ''): Html {
  const c = t.checks;
  const rows = t.rfm.segments.map((s) => html`<tr><td>${s.segment}</td><td class="num">${s.customers}</td><td class="num">${pct(s.revenueShare)}</td></tr>`);
  const k = t.rfm.crosstab[0]?.counts.length ?? 0;
  const head = Array.from({ length: k }, (_, i) => html`<th>Segment ${i}</th>`);
  const cross = t.rfm.crosstab.map((r) => html`<tr><td>${r.segment}</td>${r.counts.map((n) => html`<td class="num">${n}</td>`)}</tr>`);
  const droppedBy = Object.entries(c.droppedBy);
  const dropped = droppedBy.length ? joinHtml(droppedBy.map(([r, n]) => html`${r} ${n}`), ', ') : 'none';
  return html`<h2 id="orders">Orders and RFM</h2>
<p>${c.linesRead} order lines read, ${c.linesUsed} used (dropped: ${dropped}); dates ${c.firstDate} to ${c.lastDate};
as-of date ${c.asOf}${c.asOfDefault ? ' (the day after the last date)' : ''}. Customers without a purchase: ${c.customersWithoutPurchase};
with monetary at or below 0: ${c.customersAtOrBelowZero}. Clustering features: ${t.transforms}.</p>
<h3>RFM segments</h3>
<table><thead><tr><th>RFM segment</th><th>Customers</th><th>Revenue share</th></tr></thead><tbody>${rows}</tbody></table>
<h3>RFM segment x k-means segment</h3>
<table><thead><tr><th>RFM segment</th>${head}</tr></thead><tbody>${cross}</tbody></table>
${chart}`;
}
