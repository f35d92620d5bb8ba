/**
 * npm run export-sql -- --model PATH --table NAME [--dialect standard|bigquery|spark|sqlite]
 * Prints one SQL SELECT that scores every row of table NAME as `predict` does (id, cluster, distance, reason, warnings;
 * see docs/rows.md).
 */
import { isUserError, OptionsError, loadModel, exportSql, type SqlDialect, exportTransactionsSql } from '../src';
import { cliMain, parseFlags } from './cli';

const HELP = `Usage: npm run export-sql -- --model PATH --table NAME [--dialect standard|bigquery|spark|sqlite]
  --model PATH   the saved model (default data/models/clustering_model.json)
  --table NAME   the table to score, columns named as in the model's schema (quote it yourself if it needs quotes)
  --dialect D    type names: standard (DOUBLE PRECISION, VARCHAR: PostgreSQL, DuckDB, Snowflake, Trino; default),
                 bigquery (FLOAT64, STRING), spark (DOUBLE, STRING), sqlite (REAL, TEXT, constants to 17 digits,
                 which SQLite 3.40 reads exactly; it misreads about 1 in 10,000 shortest ones)
  --transactions   the model was trained on orders (report --transactions) and --table holds orders: one query
                   aggregates them per customer and scores each one (features, cluster, distance, R, F, M, RFM,
                   rfm_segment); dialects standard and sqlite
  --as-of DATE     with --transactions: the as-of date (default: the day after the last date in the table)`;

cliMain(async () => {
  const values = parseFlags(
    { model: { type: 'string' }, table: { type: 'string' }, dialect: { type: 'string' }, transactions: { type: 'boolean' }, 'as-of': { type: 'string' } },
    HELP,
  );
  if (values === null) return;
  if (!values.table) throw new OptionsError('--table NAME is required: the table to score', 'table');
  const model = await loadModel(values.model ?? 'data/models/clustering_model.json');
  const dialect = (values.dialect ?? 'standard') as SqlDialect;
  if (values['as-of'] !== undefined && !values.transactions) throw new OptionsError('--as-of is for --transactions', 'as-of');
  process.stdout.write(
    values.transactions
      ? exportTransactionsSql(model, { table: values.table, dialect, asOf: values['as-of'] })
      : exportSql(model, { table: values.table, dialect }),
  );
}, isUserError);
