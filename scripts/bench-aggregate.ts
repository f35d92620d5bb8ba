/**
 * The orders -> customers aggregation alone, as `npm run report -- --transactions` runs it (embedded DuckDB, 1 GB
 * memory limit, spilling above it), written to a customer_features.csv piece by piece: the aggregation's time and
 * peak memory at sizes where the whole report is not the question (bench:large --transactions --aggregate-only).
 *
 *   node --require tsx/cjs scripts/bench-aggregate.ts --data ORDERS.csv --out customer_features.csv
 *
 * Columns customer_id, order_date, amount, order_id (gen-table --kind transactions). Prints one JSON line.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { aggregateTransactions, customerFeaturesCsvPieces, isUserError, OptionsError } from '../src';
import { cliMain, parseFlags } from './cli';

const HELP = `Usage: node --require tsx/cjs scripts/bench-aggregate.ts --data ORDERS.csv --out customer_features.csv
  Aggregates gen-table's orders (customer_id, order_date, amount, order_id) to one row per customer and writes them;
  prints {"lines", "customers", "aggregate_s", "write_s"} as one JSON line.`;

cliMain(async () => {
  const values = parseFlags({ data: { type: 'string' }, out: { type: 'string' } }, HELP);
  if (values === null) return;
  if (values.data === undefined || values.out === undefined) throw new OptionsError('--data ORDERS.csv and --out FILE are required', '--data');
  const started = performance.now();
  const { table, checks } = await aggregateTransactions({
    spec: { customer: 'customer_id', date: 'order_date', amount: 'amount', order: 'order_id' },
    source: { file: values.data },
  });
  const aggregated = performance.now();
  const fd = openSync(values.out, 'w');
  try {
    for (const piece of customerFeaturesCsvPieces(table)) writeSync(fd, piece);
  } finally {
    closeSync(fd);
  }
  const seconds = (t: number) => Number((t / 1000).toFixed(3));
  console.log(JSON.stringify({ lines: checks.linesRead, customers: table.ids.length, aggregate_s: seconds(aggregated - started), write_s: seconds(performance.now() - aggregated) }));
}, isUserError);
