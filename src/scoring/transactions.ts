/**
 * Scoring new orders with a model trained on orders (`npm run score -- --transactions`): the orders are aggregated
 * by the model's columns and rules, each customer gets `predict`'s segment and the RFM scores from the training
 * quintile edges (so a score means the same as in training).
 */
import { ModelError } from '../util/errors';
import { predict, type SegmentModel } from '../segmentation/artifact';
import { aggregateTransactions, type AggregationChecks, type OrdersSource } from '../data/transactions/aggregate';
import { scoreRfm } from '../segmentation/rfm';
import { csvCell } from '../util/csv';

/** Options of {@link scoreTransactions}. */
export interface ScoreTransactionsOptions {
  /** The new orders: a CSV or Parquet file, or a DuckDB database table. Required. */
  source: OrdersSource;
  /** The as-of date, YYYY-MM-DD. Default: the day after the last date in the new orders. */
  asOf?: string;
  /** Write text cells starting with = + - @ tab or CR with a leading ' (spreadsheet formula guard, see csvCell). Default true. */
  csvGuard?: boolean;
}

/** What {@link scoreTransactions} returns. */
export interface ScoredTransactions {
  /** CSV: the id, the features, cluster, label, distance, outlier, R, F, M, RFM, rfm_segment; one customer a line. */
  csv: string;
  customers: number;
  /** Customers left out because a feature is outside the model's range (monetary below 0), as the report does. */
  leftOut: string[];
  checks: AggregationChecks;
  warnings: string[];
}

/**
 * Aggregates and scores new orders.
 * @throws ModelError for a model not trained on orders; DataError / OptionsError as aggregateTransactions.
 */
export async function scoreTransactions(model: SegmentModel, options: ScoreTransactionsOptions): Promise<ScoredTransactions> {
  const cell = (v: string | number | boolean) => csvCell(v, options.csvGuard ?? true);
  const tx = model.transactions;
  if (tx === undefined) throw new ModelError('this model was not trained on orders; score a customer table without --transactions, or train with npm run report -- --transactions');
  const { table, checks, warnings } = await aggregateTransactions({ spec: { ...tx.columns, dateFormat: tx.dateFormat, asOf: options.asOf }, source: options.source });
  const ranges = model.schema.fields.filter((f) => table.names.includes(f.name) && f.constraints && (f.constraints.minimum !== undefined || f.constraints.maximum !== undefined));
  const lines = [[table.idColumn, ...table.names, 'cluster', 'label', 'distance', 'outlier', 'R', 'F', 'M', 'RFM', 'rfm_segment'].map(cell).join(',')];
  const leftOut: string[] = [];
  for (let i = 0; i < table.ids.length; i++) {
    const record: Record<string, string | number> = { [table.idColumn]: table.ids[i] };
    for (const n of table.names) record[n] = table.columns[n][i];
    const outside = ranges.some((f) => {
      const v = record[f.name] as number;
      return (f.constraints!.minimum !== undefined && v < f.constraints!.minimum) || (f.constraints!.maximum !== undefined && v > f.constraints!.maximum);
    });
    if (outside) {
      leftOut.push(table.ids[i]);
      continue;
    }
    const [p] = predict(model, [record]);
    const s = scoreRfm(tx.rfm, record.recency_days as number, record.frequency as number, record.monetary as number);
    lines.push([table.ids[i], ...table.names.map((n) => record[n]), p.cluster, p.label, p.distance, p.outlier, s.R, s.F, s.M, s.RFM, s.segment].map(cell).join(','));
  }
  if (leftOut.length > 0) warnings.push(`${leftOut.length} customer(s) left out: a feature outside the model's range (e.g. monetary below 0), first ${leftOut.slice(0, 5).join(', ')}`);
  return { csv: lines.join('\n') + '\n', customers: lines.length - 1, leftOut, checks, warnings };
}
