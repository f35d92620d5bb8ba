import { OptionsError } from '../errors';
import { field } from '../data/schema';
import { MISSING_CATEGORY } from '../data/clean';
import { GENERATED_BY, type SegmentModel } from './artifact';

/** Options of {@link exportSql}. */
export interface ExportSqlOptions {
  /** The table (or view, or subquery in parentheses) to score; columns named as in the model's schema. Required. */
  table: string;
  /**
   * Type names (and constant text) for the target engine. 'standard' (default): DOUBLE PRECISION and VARCHAR, for
   * PostgreSQL and DuckDB (run by the tests), Snowflake and Trino (parsed by sqlglot only); 'bigquery': FLOAT64 and
   * STRING (parsed by sqlglot only); 'spark': DOUBLE and STRING (run in local Spark 4.3 by scripts/check-sql.ts);
   * 'sqlite': REAL and TEXT, and constants SQLite would misread in their shortest text written to 17 significant
   * digits (SQLite 3.40 reads about 1 in 10,000 shortest texts one ulp off; see {@link sqliteNumber}).
   */
  dialect?: SqlDialect;
}

/** The engines {@link exportSql} writes for; see {@link ExportSqlOptions.dialect}. */
export type SqlDialect = 'standard' | 'bigquery' | 'spark' | 'sqlite';

const TYPES: Record<SqlDialect, { float: string; text: string; quote: string; constant: (x: number) => string }> = {
  standard: { float: 'DOUBLE PRECISION', text: 'VARCHAR', quote: '"', constant: String },
  bigquery: { float: 'FLOAT64', text: 'STRING', quote: '`', constant: String },
  spark: { float: 'DOUBLE', text: 'STRING', quote: '`', constant: String },
  sqlite: { float: 'REAL', text: 'TEXT', quote: '"', constant: sqliteNumber },
};

/**
 * Text for `x` that SQLite 3.40 reads back to exactly `x`: the shortest text (as the other dialects write) when it lies
 * at least 1/20 of a gap away from the midpoints between `x` and its neighbours, else `x` to 17 significant digits,
 * trailing zeros dropped. Both read back to `x` under correct rounding; SQLite's text-to-REAL conversion does not
 * round correctly near a midpoint, and a 17-digit text is always within 0.4504 ulp of `x` (0.5 * 10^-16 relative
 * against an ulp of at least 2^-53 relative). Measured on SQLite 3.40.1: the shortest text of 3 to 17 in 100,000
 * random doubles between 1e-6 and 1e5 read one ulp off (eight samples); none of 240,000 doubles sampled 400 a decade
 * from 1e-291 to 1e308 was misread from its 17-digit text (below 1e-291 some are; a model constant that small would
 * need a feature in such units).
 * E.g. 38.85 stays '38.85'; 25001.95089680817 becomes '25001.950896808168'.
 */
export function sqliteNumber(x: number): string {
  const shortest = String(x);
  if (!Number.isFinite(x) || x === 0 || midpointMargin(shortest, x) >= 0.05) return shortest;
  const [mantissa, exponent] = x.toPrecision(17).split('e');
  const m = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return exponent === undefined ? m : `${m}e${exponent}`;
}

/**
 * How far the decimal `text` lies from the midpoint between `x` (finite, non-zero) and its neighbour on text's side, in
 * units of the gap to that neighbour: 0.5 when text is exactly x, 0 on the midpoint, negative past it. Exact (BigInt
 * rationals); `text` is a decimal such as String(x) writes.
 */
export function midpointMargin(text: string, x: number): number {
  const match = /^-?(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(text);
  if (match === null) throw new OptionsError(`${JSON.stringify(text)} is not a decimal number (digits, optional fraction and exponent)`, 'text');
  const [, whole, fraction = '', exp = '0'] = match;
  const digits = BigInt(whole + fraction); // |text| = digits * 10^k
  const k = Number(exp) - fraction.length;
  const bits = new DataView(new Float64Array([x]).buffer).getBigUint64(0, true);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fractionBits = bits & ((1n << 52n) - 1n);
  const m = biased === 0 ? fractionBits : fractionBits | (1n << 52n); // |x| = m * 2^e, one ulp above |x| = 2^e
  const e = (biased === 0 ? 1 : biased) - 1075;
  // (|text| - |x|) / 2^e = (digits * 10^k * 2^-e - m) = (digits * num - m * den) / den
  const num = 10n ** BigInt(Math.max(k, 0)) * 2n ** BigInt(Math.max(-e, 0));
  const den = 10n ** BigInt(Math.max(-k, 0)) * 2n ** BigInt(Math.max(e, 0));
  const diff = digits * num - m * den;
  // below a power of two the gap to the next smaller double is half an ulp
  const halfGapBelow = diff < 0n && fractionBits === 0n && biased > 1;
  const ulps = Number(((diff < 0n ? -diff : diff) * 1_000_000n) / den) / 1_000_000;
  return 0.5 - (halfGapBelow ? 2 * ulps : ulps);
}

/**
 * One SQL `SELECT` that scores every row of `options.table` as {@link predict} does: it returns the id column (or
 * nothing when the schema has none), `cluster` and `distance`, using only arithmetic, CASE, TRIM, COALESCE, NULLIF,
 * CAST and SQRT (LN for log1p columns), all common SQL; the dialect changes only type names, identifier quotes and
 * (sqlite) the text of some constants.
 *
 * Exactness: every constant is written as the shortest text that reads back to the model's float64 value and cast
 * from text (read correctly rounded by PostgreSQL and DuckDB; a plain decimal literal would be NUMERIC/DECIMAL
 * there; the 'sqlite' dialect writes 17 significant digits where SQLite would misread that, see
 * {@link sqliteNumber}), and the arithmetic is the
 * same sequence of IEEE operations as `predict`, so distances are bit-identical and ties go to the lower cluster id
 * as in `predict`. Exception: `log1p` columns use LN(1 + x), which can differ from Math.log1p in the last bit. Rows
 * `predict` would refuse (a missing or non-numeric feature) get NULL distances in SQL when the value is NULL; a
 * non-numeric text value is an error in PostgreSQL and DuckDB, and in SQLite its CAST is its numeric prefix or 0
 * (so '' scores as 0): load missing values as NULL and filter refused rows before relying on `cluster`.
 *
 * @example exportSql(model, { table: 'customers' })
 */
export function exportSql(model: SegmentModel, options: ExportSqlOptions): string {
  const { table, dialect = 'standard' } = options;
  if (typeof table !== 'string' || table.trim() === '') throw new OptionsError('table is required: the name of the table to score (--table NAME)', 'table');
  if (!Object.hasOwn(TYPES, dialect)) throw new OptionsError(`dialect ${JSON.stringify(dialect)} is not one of ${Object.keys(TYPES).join(', ')} (--dialect)`, 'dialect');
  const t = TYPES[dialect];
  const ident = (name: string) => `${t.quote}${name.split(t.quote).join(t.quote + t.quote)}${t.quote}`;
  const str = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const num = (x: number) => `CAST('${t.constant(x)}' AS ${t.float})`;
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
