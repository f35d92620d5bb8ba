import { OptionsError } from '../util/errors';
import { field } from '../data/schema';
import { MISSING_CATEGORY, foldCategory, missingTokenSet } from '../data/normalize';
import { GENERATED_BY, categoryReader, type SegmentModel } from './artifact';

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

/** Identifier and string-literal quoting of each dialect: the only way data-derived text (column names, categories)
 * reaches the SQL. */
const QUOTING: Record<SqlDialect, { ident: (name: string) => string; str: (s: string) => string }> = {
  // SQL standard: "" inside a quoted identifier, '' inside a literal; no backslash escapes (PostgreSQL with
  // standard_conforming_strings on, the default since 9.1; DuckDB; SQLite; Snowflake; Trino).
  standard: { ident: (n) => `"${n.replace(/"/g, '""')}"`, str: (s) => `'${s.replace(/'/g, "''")}'` },
  sqlite: { ident: (n) => `"${n.replace(/"/g, '""')}"`, str: (s) => `'${s.replace(/'/g, "''")}'` },
  // BigQuery: backslash escapes in quoted identifiers and literals (`\``, `\'`, `\\`).
  bigquery: { ident: (n) => `\`${backslashEscape(n, '`')}\``, str: (s) => `'${backslashEscape(s, "'")}'` },
  // Spark SQL: `` inside a backquoted identifier; literals take backslash escapes (spark.sql.parser.escapedStringLiterals
  // off, the default), and adjacent literals concatenate, so '' is not a quote there.
  spark: { ident: (n) => `\`${n.replace(/`/g, '``')}\``, str: (s) => `'${backslashEscape(s, "'")}'` },
};

/** `\` as `\\`, the quote as `\<quote>`, and line breaks and other control characters as escapes. */
function backslashEscape(text: string, quote: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out;
}

/** Text safe in a `--` comment: line breaks (any Unicode line terminator) and other control characters become spaces,
 * so that no data-derived text can end the comment and start a statement. */
export function commentText(text: string): string {
  return String(text).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u0085]/g, ' ');
}

/**
 * One SQL `SELECT` that scores every row of `options.table` as {@link predict} does: it returns the id column (or
 * nothing when the schema has none), `cluster`, `distance`, `reason` and `warnings`, using only arithmetic, CASE,
 * TRIM, UPPER, COALESCE, NULLIF, CAST and SQRT (LN for log1p columns), all common SQL; the dialect changes only type
 * names, identifier and string quoting and (sqlite) the text of some constants.
 *
 * Cells are read as `predict` reads them (src/data/normalize.ts): a category compares as `UPPER(TRIM(cell))` with the
 * upper-cased values learned at training and the schema's aliases; an empty category, a missing-value token or NULL is
 * missing. The model's policies are obeyed: a row `predict` refuses (a NULL number under `missing: "drop"`, a missing
 * category of a clustering feature, a number outside the schema's range, an unknown category under
 * `unknownCategory: "error"`) gets `cluster` and `distance` NULL, never a cluster, and its `reason`
 * ("<column>: is required (a number)", ...); under `missing: "median"` a NULL number is the stored training median
 * (COALESCE). An unknown category otherwise scores as all-zero one-hot, and `warnings` names it
 * ("<column>: unknown category"; NULL when none). Numbers must be loaded as numbers, missing ones as NULL (the sqlite
 * dialect also reads an empty text cell, as `.import` stores it, as NULL).
 *
 * Exactness: every constant is written as the shortest text that reads back to the model's float64 value and cast
 * from text (read correctly rounded by PostgreSQL and DuckDB; a plain decimal literal would be NUMERIC/DECIMAL
 * there; the 'sqlite' dialect writes 17 significant digits where SQLite would misread that, see
 * {@link sqliteNumber}), and the arithmetic is the
 * same sequence of IEEE operations as `predict`, so distances are bit-identical and ties go to the lower cluster id
 * as in `predict`. Exception: `log1p` columns use LN(1 + x), which can differ from Math.log1p in the last bit.
 * SQLite's UPPER folds ASCII letters only: categories that differ from the learned spelling in the case of other
 * letters are unknown there.
 *
 * Data-derived text (column names, categories, the model's fields) reaches the SQL only through the dialect's quoting
 * functions, and comments carry no line break.
 *
 * @example exportSql(model, { table: 'customers' })
 */
export function exportSql(model: SegmentModel, options: ExportSqlOptions): string {
  const { table, dialect = 'standard' } = options;
  if (typeof table !== 'string' || table.trim() === '') throw new OptionsError('table is required: the name of the table to score (--table NAME)', 'table');
  if (!Object.hasOwn(TYPES, dialect)) throw new OptionsError(`dialect ${JSON.stringify(dialect)} is not one of ${Object.keys(TYPES).join(', ')} (--dialect)`, 'dialect');
  const t = TYPES[dialect];
  const { ident, str } = QUOTING[dialect];
  const num = (x: number) => `CAST('${t.constant(x)}' AS ${t.float})`;
  const { schema, encoding, scaler, centroids } = model;
  const missingTokens = [...missingTokenSet(schema.missingValues)].map((m) => m.toUpperCase());
  const sources = [...new Set(encoding.map((c) => c.source))];

  /** Per source column: the SQL of its value and the conditions that refuse or flag the row. */
  const refusals: { when: string; reason: string }[] = [];
  const flags: { when: string; text: string }[] = [];
  const values = new Map<string, string>();
  for (const source of sources) {
    const f = field(schema, source);
    const col = ident(f.name);
    if (f.type === 'string') {
      const folded = `UPPER(TRIM(CAST(${col} AS ${t.text})))`;
      values.set(source, folded);
      const missing = [...new Set(['', MISSING_CATEGORY.toUpperCase(), ...missingTokens])].map(str).join(', ');
      refusals.push({ when: `${col} IS NULL OR ${folded} IN (${missing})`, reason: `${f.name}: is required` });
      const keys = [...categoryReader(model, source).keysByValue().values()].flat().map(str).join(', ');
      const unknown = `${folded} NOT IN (${keys})`;
      if (schema.unknownCategory === 'error') refusals.push({ when: unknown, reason: `${f.name}: unknown category` });
      else flags.push({ when: unknown, text: `${f.name}: unknown category` });
      continue;
    }
    const cell = dialect === 'sqlite' ? `NULLIF(${col}, '')` : col;
    let x = `CAST(${cell} AS ${t.float})`;
    const median = model.medians?.[source];
    if (schema.missing === 'median' && median !== undefined) x = `COALESCE(${x}, ${num(median)})`;
    else refusals.push({ when: `${x} IS NULL`, reason: `${f.name}: is required (a number)` });
    const { minimum, maximum } = f.constraints ?? {};
    if (minimum !== undefined) refusals.push({ when: `${x} < ${num(minimum)}`, reason: `${f.name}: must be >= ${minimum}` });
    if (maximum !== undefined) refusals.push({ when: `${x} > ${num(maximum)}`, reason: `${f.name}: must be <= ${maximum}` });
    values.set(source, x);
  }

  const z = encoding.map((c, j) => {
    const value = values.get(c.source) as string;
    let raw: string;
    if (c.kind === 'onehot') {
      const keys = categoryReader(model, c.source).keysByValue().get(c.category as string) ?? [foldCategory(c.category as string)];
      raw = `CASE WHEN ${value} IN (${keys.map(str).join(', ')}) THEN ${num(1)} ELSE ${num(0)} END`;
    } else raw = c.transform === 'log1p' ? `LN(${num(1)} + ${value})` : value;
    return `    (${raw} - ${num(scaler.mean[j])}) / ${num(scaler.scale[j])} AS z${j}`;
  });
  const reason = refusals.length === 0 ? `CAST(NULL AS ${t.text})` : `CASE ${refusals.map((r) => `WHEN ${r.when} THEN ${str(r.reason)}`).join(' ')} END`;
  const warning =
    flags.length === 0
      ? `CAST(NULL AS ${t.text})`
      : flags.length === 1
        ? `CASE WHEN ${flags[0].when} THEN ${str(flags[0].text)} END`
        : `NULLIF(${flags.map((f) => `CASE WHEN ${f.when} THEN ${str(`${f.text}; `)} ELSE '' END`).join(' || ')}, '')`;
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
    `-- Customer segmentation model (${commentText(GENERATED_BY)}, model ${commentText(model.generatedBy)}; data ${commentText(model.dataHash)}; k=${K}; seed ${Number(model.seed)})`,
    `-- Scores every row of the table below: ${schema.primaryKey ? 'its id, ' : ''}cluster (0..${K - 1}) and distance (scaled units) to its centre, as predict; reason (why a row is not scored, cluster NULL) and warnings.`,
    `-- Columns read: ${commentText(sources.join(', '))}. Missing numbers: ${schema.missing === 'median' ? 'the training median' : 'refused'}.`,
  ];
  return [
    ...header,
    'WITH scaled AS (',
    '  SELECT',
    [...idSelect, `    ${reason} AS reason`, `    ${warning} AS warnings`, ...z].join(',\n'),
    `  FROM ${table}`,
    '), distances AS (',
    `  SELECT ${idPass}reason, warnings,`,
    d.join(',\n'),
    '  FROM scaled',
    ')',
    `SELECT ${idPass}`,
    `  CASE WHEN reason IS NULL THEN ${pick((k) => String(k))} END AS cluster,`,
    `  CASE WHEN reason IS NULL THEN SQRT(${pick((k) => `d${k}`)}) END AS distance,`,
    '  reason,',
    '  CASE WHEN reason IS NULL THEN warnings END AS warnings',
    'FROM distances;',
    '',
  ].join('\n');
}
