/**
 * `export-sql --transactions`: one query that aggregates an orders table into the customer features
 * ({@link aggregationSql}) and scores them with the model's scoring query ({@link exportSql}) and RFM edges:
 * per customer the id, the features, `cluster`, `distance`, R, F, M, `RFM` and `rfm_segment`.
 */
import { ModelError, OptionsError } from '../util/errors';
import type { SegmentModel } from './artifact';
import { exportSql, sqliteNumber, type SqlDialect } from './sql';
import { RFM_SEGMENTS } from './rfm';
import { aggregationSql, quoteIdent, type AggregationDialect } from '../data/transactions/sql';

/** Options of {@link exportTransactionsSql}. */
export interface ExportTransactionsSqlOptions {
  /** The orders table (or a subquery in parentheses with an alias). Required. */
  table: string;
  /** 'standard' (PostgreSQL and DuckDB; default) or 'sqlite'. */
  dialect?: SqlDialect;
  /** The as-of date, YYYY-MM-DD. Default: the day after the last date in the table (as the report). */
  asOf?: string;
}

const AGGREGATION_DIALECT: Partial<Record<SqlDialect, AggregationDialect>> = { standard: 'postgres', sqlite: 'sqlite' };

/**
 * The query; equal to the report's clustered_data.csv customer by customer on the same orders (tested in DuckDB,
 * PostgreSQL and SQLite).
 * @throws ModelError for a model not trained on orders; OptionsError for a dialect the aggregation has no text for.
 */
export function exportTransactionsSql(model: SegmentModel, options: ExportTransactionsSqlOptions): string {
  const { table, dialect = 'standard', asOf } = options;
  const tx = model.transactions;
  if (tx === undefined) throw new ModelError('this model was not trained on orders (no "transactions" part); train it with npm run report -- --transactions ...');
  const aggDialect = AGGREGATION_DIALECT[dialect];
  if (aggDialect === undefined) throw new OptionsError(`--transactions has the dialects standard (PostgreSQL, DuckDB) and sqlite (got ${dialect})`, 'dialect');
  if (typeof table !== 'string' || table.trim() === '') throw new OptionsError('table is required: the orders table (--table NAME)', 'table');
  const agg = aggregationSql({ spec: { ...tx.columns, dateFormat: tx.dateFormat, asOf }, source: table, dialect: aggDialect });
  const scoring = exportSql(model, { table: 'kept', dialect })
    .split('\n')
    .filter((l) => !l.startsWith('--'))
    .join('\n')
    .trimEnd()
    .replace(/;$/, '');
  const float = dialect === 'sqlite' ? 'REAL' : 'DOUBLE PRECISION';
  const text = dialect === 'sqlite' ? 'TEXT' : 'VARCHAR';
  const num = (x: number) => `CAST('${dialect === 'sqlite' ? sqliteNumber(x) : String(x)}' AS ${float})`;
  const score = (column: string, edges: readonly number[]) => `1 + ${edges.map((e) => `CASE WHEN f.${column} > ${num(e)} THEN 1 ELSE 0 END`).join(' + ')}`;
  const id = quoteIdent(tx.columns.customer);
  const segment = RFM_SEGMENTS.flatMap((s) =>
    s.cells.map((c) => `WHEN R BETWEEN ${c.r[0]} AND ${c.r[1]} AND F + M BETWEEN ${2 * c.fm[0] - 1} AND ${2 * c.fm[1]} THEN '${s.name.replace(/'/g, "''")}'`),
  );
  const kept = model.schema.fields.flatMap((f) => {
    if (!agg.columns.slice(1).includes(f.name)) return [];
    const { minimum, maximum } = f.constraints ?? {};
    return [...(minimum !== undefined ? [`${quoteIdent(f.name)} >= ${num(minimum)}`] : []), ...(maximum !== undefined ? [`${quoteIdent(f.name)} <= ${num(maximum)}`] : [])];
  });
  const featureColumns = agg.columns.slice(1).map((c) => `f.${c}`).join(', ');
  return [
    `-- Customer segmentation from orders: aggregates ${table} per ${tx.columns.customer} and scores each customer as the report`,
    `-- (model data ${model.dataHash}; k=${model.k}). As-of date: ${asOf ?? 'the day after the last date in the table'}.`,
    agg.ctes + ',',
    // the report leaves out customers outside the schema's ranges (monetary below 0: returns larger than purchases)
    `kept AS (SELECT * FROM features${kept.length ? ` WHERE ${kept.join(' AND ')}` : ''}),`,
    'scored AS (',
    scoring,
    '), rfm AS (',
    `  SELECT f.${id}, ${featureColumns}, s.cluster, s.distance,`,
    `    6 - (${score('recency_days', tx.rfm.recency_days)}) AS R,`,
    `    ${score('frequency', tx.rfm.frequency)} AS F,`,
    `    ${score('monetary', tx.rfm.monetary)} AS M`,
    `  FROM kept f JOIN scored s ON s.${id} = f.${id}`,
    ')',
    `SELECT ${id}, ${agg.columns.slice(1).join(', ')}, cluster, distance, R, F, M,`,
    `  CAST(R AS ${text}) || CAST(F AS ${text}) || CAST(M AS ${text}) AS RFM,`,
    `  CASE ${segment.join(' ')} END AS rfm_segment`,
    'FROM rfm',
    `ORDER BY ${id};`,
    '',
  ].join('\n');
}
