/**
 * The aggregation of an orders table into one row of RFM features per customer, as SQL text for DuckDB, PostgreSQL
 * or SQLite. One generator serves the report (run in embedded DuckDB or in the user's database) and
 * `export-sql --transactions` (the same text as the source of the scoring query), so the three engines compute the
 * same features by the same rules.
 */
import { OptionsError } from '../../util/errors';
import { MISSING_TOKENS } from '../schema';
import type { TransactionsSpec } from './spec';

export type { TransactionColumns, TransactionsSpec } from './spec';

/** The SQL engines the aggregation is written for. */
export type AggregationDialect = 'duckdb' | 'postgres' | 'sqlite';

/** The per-customer feature columns, in output order (after the id); `items` only with a quantity column. */
export const TRANSACTION_FEATURES = ['recency_days', 'frequency', 'monetary', 'avg_order_value', 'tenure_days'] as const;

/** Why a line is left out of the aggregation, in the order they are checked (a line counts under its first reason). */
export const TRANSACTION_DROP_REASONS = {
  customer: 'missing customer',
  date: 'unreadable date',
  amount: 'missing amount',
  order: 'missing order',
  quantity: 'missing quantity',
} as const;

/** Options of {@link aggregationSql}. */
export interface AggregationSqlOptions {
  spec: TransactionsSpec;
  /** The relation the orders are read from: a table name, or a table function / subquery (in parentheses, with alias). Required. */
  source: string;
  /** Target engine. Default 'duckdb'. */
  dialect?: AggregationDialect;
}

/** The queries {@link aggregationSql} writes. */
export interface AggregationSql {
  /** WITH ... per-customer CTEs, without the final SELECT (for embedding; ends after the `features` CTE). */
  ctes: string;
  /** One row per customer who bought something: the id column (named as `spec.customer`), the features, ordered by id. */
  features: string;
  /** One row of counts: lines read, dropped per reason, customers without a purchase, customers at or below 0, first/last/as-of dates. */
  checks: string;
  /** Output columns of `features`, in order. */
  columns: string[];
}

const ISO_DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T].*)?$';
const ISO_DAY = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
const YMD = '^[0-9]{8}([.]0+)?$';
const NUMBER = '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$';

/** An identifier in double quotes (the three engines' standard quoting). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function str(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The date expressions of one engine, from a trimmed text `t`. */
function dialectParts(dialect: AggregationDialect) {
  const text = dialect === 'sqlite' ? 'TEXT' : 'VARCHAR';
  // 'postgres' uses SIMILAR TO (a full match in both engines) so that its text also runs in DuckDB (export-sql's
  // 'standard' dialect); the patterns avoid '.', '_' and '%', which SIMILAR TO reads differently in the two.
  const matches = (t: string, re: string) =>
    dialect === 'duckdb' ? `regexp_matches(${t}, ${str(re)})` : `${t} SIMILAR TO ${str(re.replace(/^\^/, '').replace(/\$$/, ''))}`;
  // Y, M, D as text pieces -> a date, NULL when not a calendar date.
  const ymd = (y: string, m: string, d: string): string => {
    if (dialect === 'sqlite') {
      const iso = `${y} || '-' || ${m} || '-' || ${d}`;
      return `CASE WHEN ${y} <> '0000' AND date(${iso}, '+0 days') = ${iso} THEN date(${iso}) END`;
    }
    // year 0 does not exist in PostgreSQL (nor in pandas): refused everywhere
    if (dialect === 'duckdb') return `CASE WHEN ${y} <> '0000' THEN TRY_CAST(${y} || '-' || ${m} || '-' || ${d} AS DATE) END`;
    // PostgreSQL has no TRY_CAST: check the calendar before make_date (CASE evaluates its branches lazily).
    const [Y, M, D] = [y, m, d].map((p) => `CAST(${p} AS INTEGER)`);
    return `CASE WHEN ${Y} >= 1 AND ${M} BETWEEN 1 AND 12 AND ${D} >= 1 AND ${D} <= EXTRACT(DAY FROM make_date(${Y}, ${M}, 1) + INTERVAL '1 month' - INTERVAL '1 day') THEN make_date(${Y}, ${M}, ${D}) END`;
  };
  const day = (t: string, format: string | undefined): string => {
    if (format !== undefined) {
      if (dialect !== 'duckdb') throw new OptionsError(`--date-format works on CSV, Parquet and DuckDB sources; in ${dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} convert the date column to ISO text or a date in --sql`, 'dateFormat');
      return `CAST(TRY_STRPTIME(${t}, ${str(format)}) AS DATE)`;
    }
    const sub = (from: number, len: number) => `substr(${t}, ${from}, ${len})`;
    const isoParts = ymd(sub(1, 4), sub(6, 2), sub(9, 2));
    const ymdParts = ymd(sub(1, 4), sub(5, 2), sub(7, 2));
    if (dialect === 'sqlite')
      return `CASE WHEN ${t} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' OR ${t} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][ T]*' THEN ${isoParts} WHEN ${t} GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' OR ${t} GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9].0*' THEN ${ymdParts} END`;
    const iso =
      dialect === 'duckdb'
        ? matches(t, ISO_DATE)
        : `${matches(sub(1, 10), ISO_DAY)} AND (LENGTH(${t}) = 10 OR ${sub(11, 1)} IN (' ', 'T'))`;
    return `CASE WHEN ${iso} THEN ${isoParts} WHEN ${matches(t, YMD)} THEN ${ymdParts} END`;
  };
  const number = (t: string): string => {
    const cast = dialect === 'sqlite' ? 'REAL' : 'DOUBLE PRECISION';
    if (dialect === 'sqlite')
      return `CASE WHEN ${t} <> '' AND ${t} GLOB '*[0-9]*' AND ${t} NOT GLOB '*[^0-9eE.+-]*' THEN CAST(${t} AS ${cast}) END`;
    return `CASE WHEN ${matches(t, NUMBER)} THEN CAST(${t} AS ${cast}) END`;
  };
  const days = (later: string, earlier: string) =>
    dialect === 'sqlite' ? `CAST(julianday(${later}) - julianday(${earlier}) AS INTEGER)` : `CAST(${later} - ${earlier} AS INTEGER)`;
  const dayAfter = (d: string) => (dialect === 'sqlite' ? `date(${d}, '+1 day')` : `${d} + 1`);
  const dateLiteral = (iso: string) => (dialect === 'sqlite' ? `date(${str(iso)})` : `DATE ${str(iso)}`);
  const dateText = (d: string) => (dialect === 'sqlite' ? d : `CAST(${d} AS VARCHAR)`);
  // A sum of doubles depends on the order of the additions, which parallel engines do not fix: DuckDB and PostgreSQL
  // add in DECIMAL (exact, to 8 decimals) and round once, so every run and both engines give the same double.
  // SQLite has no DECIMAL and adds in scan order.
  const exactSum = (x: string) => (dialect === 'sqlite' ? `SUM(${x})` : `CAST(SUM(CAST(${x} AS DECIMAL(38, 8))) AS DOUBLE PRECISION)`);
  return { text, day, number, days, dayAfter, dateLiteral, dateText, exactSum };
}

/** Checks an as-of date: YYYY-MM-DD and a calendar date. */
export function checkAsOf(asOf: string): string {
  const t = Date.parse(`${asOf}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== asOf)
    throw new OptionsError(`--as-of must be a date YYYY-MM-DD (got "${asOf}")`, 'asOf');
  return asOf;
}

/** The per-line typing shared by {@link aggregationSql} and {@link onePassAggregationSql}, after checking the options. */
function typedLines(spec: TransactionsSpec, source: string, dialect: AggregationDialect) {
  if (typeof source !== 'string' || source.trim() === '') throw new OptionsError('the orders source is required (--table NAME, --sql QUERY or --data FILE)', 'source');
  for (const key of ['customer', 'date', 'amount'] as const)
    if (typeof spec[key] !== 'string' || spec[key].trim() === '') throw new OptionsError(`--${key} COLUMN is required with --transactions`, key);
  const asOf = spec.asOf === undefined ? undefined : checkAsOf(spec.asOf);
  const p = dialectParts(dialect);
  const cell = (col: string) => `TRIM(CAST(${quoteIdent(col)} AS ${p.text}))`;
  // DuckDB plans an IN list of this length as a hash join against the list, one per column, each with its own
  // memory; list_contains is a plain function of the line
  const isMissing = (t: string) =>
    dialect === 'duckdb' ? `list_contains([${MISSING_TOKENS.map(str).join(', ')}], LOWER(${t}))` : `LOWER(${t}) IN (${MISSING_TOKENS.map(str).join(', ')})`;
  const idExpr = `CASE WHEN ${cell(spec.customer)} = '' OR ${isMissing(cell(spec.customer))} THEN NULL ELSE ${cell(spec.customer)} END`;
  const orderExpr =
    spec.order === undefined ? null : `CASE WHEN ${cell(spec.order)} = '' OR ${isMissing(cell(spec.order))} THEN NULL ELSE ${cell(spec.order)} END`;
  const typed = [
    `${idExpr} AS c_id`,
    `${p.day(cell(spec.date), spec.dateFormat)} AS c_day`,
    `${p.number(cell(spec.amount))} AS c_amount`,
    ...(orderExpr ? [`${orderExpr} AS c_order`] : []),
    ...(spec.quantity ? [`${p.number(cell(spec.quantity))} AS c_qty`] : []),
  ];
  const required = ['c_id', 'c_day', 'c_amount', ...(orderExpr ? ['c_order'] : []), ...(spec.quantity ? ['c_qty'] : [])];
  const purchaseKey = orderExpr ? 'c_order' : 'c_day';
  return { p, typed, required, purchaseKey, idOut: quoteIdent(spec.customer), asOf };
}

/** The queries of {@link onePassAggregationSql}. */
export interface OnePassAggregationSql {
  /**
   * One row per customer id, and one for the lines without an id (`c_id` NULL): the lines read, dropped by reason,
   * kept, and the customer's aggregates over the kept lines. To be stored as a table (`CREATE TEMP TABLE g AS ...`).
   */
  grouped: string;
  /**
   * `grouped` for one of `count` parts of the customers (by a hash of the id; DuckDB only): the parts' rows together
   * are `grouped`'s rows, each customer in one part, so a table can be filled part by part in less memory.
   */
  groupedPart: (count: number, index: number) => string;
  /** {@link AggregationSql.features} computed from the stored `grouped` table named `table`. */
  features: (table: string) => string;
  /** {@link AggregationSql.checks} computed from the stored `grouped` table named `table`. */
  checks: (table: string) => string;
  /** The number of rows `features(table)` returns (column `n`), to size arrays before reading them. */
  count: (table: string) => string;
  /** Output columns of `features`, in order. */
  columns: string[];
}

/**
 * The same aggregation as {@link aggregationSql}, the same rules and results, reading the orders once: the lines are
 * grouped by customer with their drop reasons counted in the same pass, and the features and the checks are both
 * computed from that one-row-per-customer table. For engines with `FILTER` on aggregates (DuckDB, PostgreSQL).
 * @example const q = onePassAggregationSql({ spec, source: 'orders' }); run(`CREATE TEMP TABLE g AS ${q.grouped}`); run(q.features('g'));
 */
export function onePassAggregationSql(options: AggregationSqlOptions): OnePassAggregationSql {
  const { spec, source, dialect = 'duckdb' } = options;
  if (dialect === 'sqlite') throw new OptionsError('the one-pass aggregation is written for DuckDB and PostgreSQL; use aggregationSql for SQLite', 'dialect');
  const { p, typed, required, purchaseKey, idOut, asOf } = typedLines(spec, source, dialect);
  const valid = required.map((c) => `${c} IS NOT NULL`).join(' AND ');
  const reasons = required.map((c, i) => `    SUM(CASE WHEN ${required.slice(0, i).map((b) => `${b} IS NOT NULL AND `).join('')}${c} IS NULL THEN 1 ELSE 0 END) AS dropped_${c.slice(2)},`);
  // Two GROUP BYs instead of COUNT(DISTINCT): DuckDB's grouped distinct aggregates keep their input in memory and do
  // not spill, where a plain hash aggregation does. The first groups the lines by customer and purchase key (the key
  // NULL for lines that are no purchase), the second counts a customer's purchase groups. Money is summed in DECIMAL
  // in both (exact), so the result is the same double as one sum over the lines.
  const sum = (x: string) => `SUM(CAST(${x} AS DECIMAL(38, 8)))`;
  const groupedText = (where: string) => [
    'WITH typed AS (',
    `  SELECT ${typed.join(',\n    ')}`,
    `  FROM ${source}`,
    '), per_purchase AS (',
    `  SELECT c_id, CASE WHEN ${valid} AND c_amount > 0 THEN ${purchaseKey} END AS purchase,`,
    '    COUNT(*) AS lines_read,',
    ...reasons.map((r) => `  ${r}`),
    `    COUNT(*) FILTER (WHERE ${valid}) AS lines_kept,`,
    `    MIN(c_day) FILTER (WHERE ${valid}) AS first_kept_day,`,
    `    MAX(c_day) FILTER (WHERE ${valid}) AS last_kept_day,`,
    `    ${sum(`CASE WHEN ${valid} THEN c_amount END`)} AS monetary${spec.quantity ? `,\n    ${sum(`CASE WHEN ${valid} THEN c_qty END`)} AS items` : ''}`,
    `  FROM typed${where} GROUP BY c_id, purchase`,
    ')',
    'SELECT c_id,',
    '    SUM(lines_read) AS lines_read,',
    ...required.map((c) => `    SUM(dropped_${c.slice(2)}) AS dropped_${c.slice(2)},`),
    '    SUM(lines_kept) AS lines_kept,',
    '    MIN(first_kept_day) AS first_kept_day,',
    '    MAX(last_kept_day) AS last_kept_day,',
    // a purchase group's days are its purchase lines' days (all kept, amount > 0)
    '    MAX(last_kept_day) FILTER (WHERE purchase IS NOT NULL) AS last_day,',
    '    MIN(first_kept_day) FILTER (WHERE purchase IS NOT NULL) AS first_day,',
    '    COUNT(purchase) AS frequency,',
    `    CAST(SUM(monetary) AS DOUBLE PRECISION) AS monetary${spec.quantity ? ',\n    CAST(SUM(items) AS DOUBLE PRECISION) AS items' : ''}`,
    'FROM per_purchase GROUP BY c_id',
  ].join('\n');
  const grouped = groupedText('');
  const groupedPart = (count: number, index: number) => {
    if (dialect !== 'duckdb') throw new OptionsError('the aggregation in parts is written for DuckDB', 'dialect');
    if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index) || index < 0 || index >= count)
      throw new OptionsError(`a part is an index 0..count-1 of count >= 1 parts (got ${index} of ${count})`, 'part');
    return count === 1 ? grouped : groupedText(` WHERE hash(c_id) % ${count} = ${index}`);
  };
  const asOfExpr = (table: string) => (asOf ? p.dateLiteral(asOf) : `(SELECT ${p.dayAfter('MAX(last_kept_day)')} FROM ${table})`);
  // a customer of the two-pass query: an id with a kept line (per_customer), and a purchase among them (features)
  const customer = 'c_id IS NOT NULL AND lines_kept > 0';
  const features = (table: string) =>
    [
      `SELECT c_id AS ${idOut},`,
      `    ${p.days('as_of', 'last_day')} AS recency_days,`,
      '    frequency,',
      '    monetary,',
      '    monetary / frequency AS avg_order_value,',
      `    ${p.days('as_of', 'first_day')} AS tenure_days${spec.quantity ? ',\n    items' : ''}`,
      `FROM ${table} CROSS JOIN (SELECT ${asOfExpr(table)} AS as_of) AS a`,
      `WHERE ${customer} AND frequency > 0`,
      `ORDER BY ${idOut}`,
    ].join('\n');
  const checks = (table: string) =>
    [
      'SELECT',
      `  (SELECT SUM(lines_read) FROM ${table}) AS lines_read,`,
      ...required.map((c) => `  (SELECT SUM(dropped_${c.slice(2)}) FROM ${table}) AS dropped_${c.slice(2)},`),
      `  (SELECT COUNT(*) FROM ${table} WHERE ${customer} AND frequency = 0) AS customers_without_purchase,`,
      `  (SELECT COUNT(*) FROM ${table} WHERE ${customer} AND frequency > 0 AND monetary <= 0) AS customers_at_or_below_zero,`,
      `  (SELECT ${p.dateText('MIN(first_kept_day)')} FROM ${table}) AS first_date,`,
      `  (SELECT ${p.dateText('MAX(last_kept_day)')} FROM ${table}) AS last_date,`,
      `  (SELECT ${p.dateText(asOfExpr(table))}) AS as_of`,
    ].join('\n');
  const count = (table: string) => `SELECT COUNT(*) AS n FROM ${table} WHERE ${customer} AND frequency > 0`;
  return { grouped, groupedPart, features, checks, count, columns: [spec.customer, ...TRANSACTION_FEATURES, ...(spec.quantity ? ['items'] : [])] };
}

/**
 * The aggregation, by these rules (docs/transactions.md):
 * - each line's cells are read as text and trimmed; an empty id or a missing token ("NA", "null", ...) is missing;
 * - a line is dropped, counted under its first reason, for a missing customer, an unreadable date, a missing or
 *   non-numeric amount, and (when given) a missing order id or quantity; identical lines are all kept;
 * - a purchase is a line with amount > 0; `recency_days` = as-of minus the last purchase day, `tenure_days` = as-of
 *   minus the first purchase day, `frequency` = distinct orders (or days) with a purchase, `monetary` = the sum of
 *   all amounts (returns subtract), `avg_order_value` = monetary / frequency, `items` = the sum of quantities;
 * - a customer with no purchase (only returns or zero amounts) has no row, and is counted in `checks`;
 * - the as-of date is `spec.asOf`, else the day after the last date of a kept line.
 * @example aggregationSql({ spec: { customer: 'customer_id', date: 'day', amount: 'amount' }, source: 'orders' }).features
 */
export function aggregationSql(options: AggregationSqlOptions): AggregationSql {
  const { spec, source, dialect = 'duckdb' } = options;
  const { p, typed, required, purchaseKey, idOut, asOf } = typedLines(spec, source, dialect);
  const asOfExpr = asOf ? p.dateLiteral(asOf) : `(SELECT ${p.dayAfter('MAX(c_day)')} FROM valid)`;
  const ctes = [
    'WITH typed AS (',
    `  SELECT ${typed.join(',\n    ')}`,
    `  FROM ${source}`,
    '), valid AS (',
    `  SELECT * FROM typed WHERE ${required.map((c) => `${c} IS NOT NULL`).join(' AND ')}`,
    '), as_of AS (',
    `  SELECT ${asOfExpr} AS as_of`,
    '), per_customer AS (',
    '  SELECT c_id,',
    '    MAX(CASE WHEN c_amount > 0 THEN c_day END) AS last_day,',
    '    MIN(CASE WHEN c_amount > 0 THEN c_day END) AS first_day,',
    `    COUNT(DISTINCT CASE WHEN c_amount > 0 THEN ${purchaseKey} END) AS frequency,`,
    `    ${p.exactSum('c_amount')} AS monetary${spec.quantity ? `,\n    ${p.exactSum('c_qty')} AS items` : ''}`,
    '  FROM valid GROUP BY c_id',
    '), features AS (',
    `  SELECT c_id AS ${idOut},`,
    `    ${p.days('as_of', 'last_day')} AS recency_days,`,
    '    frequency,',
    '    monetary,',
    '    monetary / frequency AS avg_order_value,',
    `    ${p.days('as_of', 'first_day')} AS tenure_days${spec.quantity ? ',\n    items' : ''}`,
    '  FROM per_customer CROSS JOIN as_of',
    '  WHERE frequency > 0',
    ')',
  ].join('\n');
  const features = `${ctes}\nSELECT * FROM features ORDER BY ${idOut}`;
  const reasons = required.map((c, i) => {
    const before = required.slice(0, i).map((b) => `${b} IS NOT NULL AND `).join('');
    return `  SUM(CASE WHEN ${before}${c} IS NULL THEN 1 ELSE 0 END) AS dropped_${c.slice(2)}`;
  });
  const checks = [
    ctes,
    'SELECT',
    '  (SELECT COUNT(*) FROM typed) AS lines_read,',
    ...reasons.map((r) => `${r.replace(/^  /, '  (SELECT ').replace(/ AS (dropped_\w+)$/, ' FROM typed) AS $1')},`),
    '  (SELECT COUNT(*) FROM per_customer WHERE frequency = 0) AS customers_without_purchase,',
    '  (SELECT COUNT(*) FROM features WHERE monetary <= 0) AS customers_at_or_below_zero,',
    `  (SELECT ${p.dateText('MIN(c_day)')} FROM valid) AS first_date,`,
    `  (SELECT ${p.dateText('MAX(c_day)')} FROM valid) AS last_date,`,
    `  (SELECT ${p.dateText('as_of')} FROM as_of) AS as_of`,
  ].join('\n');
  return { ctes, features, checks, columns: [spec.customer, ...TRANSACTION_FEATURES, ...(spec.quantity ? ['items'] : [])] };
}
