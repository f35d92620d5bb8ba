import { OptionsError } from '../errors';
import { field } from '../data/schema';
import { MISSING_CATEGORY } from '../data/clean';
import { GENERATED_BY, type SegmentModel } from './artifact';

/** Options of {@link exportSql}. */
export interface ExportSqlOptions {
  /** The table (or view, or subquery in parentheses) to score; columns named as in the model's schema. Required. */
  table: string;
  /**
   * Type names for the target engine. 'standard' (default): DOUBLE PRECISION and VARCHAR, which PostgreSQL, DuckDB,
   * SQLite, Snowflake and Trino accept; 'bigquery': FLOAT64 and STRING; 'spark': DOUBLE and STRING.
   */
  dialect?: 'standard' | 'bigquery' | 'spark';
}

const TYPES = {
  standard: { float: 'DOUBLE PRECISION', text: 'VARCHAR', quote: '"' },
  bigquery: { float: 'FLOAT64', text: 'STRING', quote: '`' },
  spark: { float: 'DOUBLE', text: 'STRING', quote: '`' },
} as const;

/**
 * One SQL `SELECT` that scores every row of `options.table` as {@link predict} does: it returns the id column (or
 * nothing when the schema has none), `cluster` and `distance`, using only arithmetic, CASE, TRIM, COALESCE, NULLIF,
 * CAST and SQRT (LN for log1p columns), so it runs unchanged in PostgreSQL, DuckDB, SQLite and warehouse engines.
 *
 * Exactness: every constant is written as the shortest text that reads back to the model's float64 value and cast
 * from text (read correctly rounded by PostgreSQL and DuckDB; a plain decimal literal would be NUMERIC/DECIMAL
 * there), and the arithmetic is the same sequence of IEEE operations as `predict`, so distances are bit-identical and
 * ties go to the lower cluster id as in `predict`. Exception: `log1p` columns use LN(1 + x), which can differ from
 * Math.log1p in the last bit. Rows `predict` would refuse (a missing or non-numeric feature) get NULL distances in
 * SQL; filter them before relying on `cluster`.
 *
 * @example exportSql(model, { table: 'customers' })
 */
export function exportSql(model: SegmentModel, options: ExportSqlOptions): string {
  const { table, dialect = 'standard' } = options;
  if (typeof table !== 'string' || table.trim() === '') throw new OptionsError('table is required: the name of the table to score (--table NAME)', 'table');
  const t = TYPES[dialect];
  if (t === undefined) throw new OptionsError(`dialect ${JSON.stringify(dialect)} is not one of standard, bigquery, spark`, 'dialect');
  const ident = (name: string) => `${t.quote}${name.split(t.quote).join(t.quote + t.quote)}${t.quote}`;
  const str = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const num = (x: number) => `CAST('${String(x)}' AS ${t.float})`;
  const { schema, encoding, scaler, centroids } = model;

  const z = encoding.map((c, j) => {
    const f = field(schema, c.source);
    let raw: string;
    if (c.kind === 'onehot') {
      const value = `COALESCE(NULLIF(TRIM(CAST(${ident(f.name)} AS ${t.text})), ''), ${str(MISSING_CATEGORY)})`;
      raw = `CASE WHEN ${value} = ${str(c.category as string)} THEN ${num(1)} ELSE ${num(0)} END`;
    } else {
      const x = `CAST(${ident(f.name)} AS ${t.float})`;
      raw = c.transform === 'log1p' ? `LN(${num(1)} + ${x})` : x;
    }
    return `    (${raw} - ${num(scaler.mean[j])}) / ${num(scaler.scale[j])} AS z${j}`;
  });
  const idSelect = schema.primaryKey === undefined ? [] : [`    ${ident(schema.primaryKey)} AS ${ident(schema.primaryKey)}`];
  const idPass = schema.primaryKey === undefined ? '' : `${ident(schema.primaryKey)}, `;
  const d = centroids.map((c, k) => `    ${c.map((v, j) => `(z${j} - ${num(v)}) * (z${j} - ${num(v)})`).join(' + ')} AS d${k}`);
  const K = centroids.length;
  const whens = (value: (k: number) => string) =>
    Array.from({ length: K - 1 }, (_, k) => {
      const later = Array.from({ length: K - 1 - k }, (_, i) => `d${k} <= d${k + 1 + i}`).join(' AND ');
      return `WHEN ${later} THEN ${value(k)}`;
    }).join(' ');
  const pick = (value: (k: number) => string) => (K === 1 ? value(0) : `CASE ${whens(value)} ELSE ${value(K - 1)} END`);
  const header = [
    `-- Customer segmentation model (${GENERATED_BY}, model ${model.generatedBy}; data ${model.dataHash}; k=${K}; seed ${model.seed})`,
    `-- Scores every row of ${table}: ${schema.primaryKey ? `${schema.primaryKey}, ` : ''}cluster (0..${K - 1}) and distance (scaled units) to its centre, as predict.`,
    `-- Columns read: ${[...new Set(encoding.map((c) => c.source))].join(', ')}.`,
  ];
  return [
    ...header,
    'WITH scaled AS (',
    '  SELECT',
    [...idSelect, ...z].join(',\n'),
    `  FROM ${table}`,
    '), distances AS (',
    `  SELECT ${idPass}`,
    d.join(',\n'),
    '  FROM scaled',
    ')',
    `SELECT ${idPass}`,
    `  ${pick((k) => String(k))} AS cluster,`,
    `  SQRT(${pick((k) => `d${k}`)}) AS distance`,
    'FROM distances;',
    '',
  ].join('\n');
}
