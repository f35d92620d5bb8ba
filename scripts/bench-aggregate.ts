/**
 * The orders -> customers aggregation alone, as `npm run report -- --transactions` runs it (embedded DuckDB, 1 GB
 * memory limit, spilling above it), streamed to a customer_features.csv as the sorted customers come back
 * (writeCustomerFeatures: no per-customer table in JavaScript): the aggregation's time and peak memory at sizes where
 * the whole report is not the question (bench:large --transactions --aggregate-only).
 *
 *   node --require tsx/cjs scripts/bench-aggregate.ts --data ORDERS.csv --out customer_features.csv
 *
 * Columns customer_id, order_date, amount, order_id (gen-table --kind transactions). Prints one JSON line.
 */
import { isUserError, OptionsError, writeCustomerFeatures } from '../src';
import { cliMain, parseFlags } from './cli';

const HELP = `Usage: node --require tsx/cjs scripts/bench-aggregate.ts --data ORDERS.csv --out customer_features.csv
  Aggregates gen-table's orders (customer_id, order_date, amount, order_id) to one row per customer, written to --out
  while they are read; prints {"lines", "customers", "aggregate_s", "write_s", "sha256"} as one JSON line
  (aggregate_s: grouping, sort and write together; write_s: null, the write is not a phase of its own).`;

cliMain(async () => {
  const values = parseFlags({ data: { type: 'string' }, out: { type: 'string' } }, HELP);
  if (values === null) return;
  if (values.data === undefined || values.out === undefined) throw new OptionsError('--data ORDERS.csv and --out FILE are required', '--data');
  const started = performance.now();
  const { customers, checks, sha256 } = await writeCustomerFeatures({
    spec: { customer: 'customer_id', date: 'order_date', amount: 'amount', order: 'order_id' },
    source: { file: values.data },
    out: values.out,
  });
  const seconds = (t: number) => Number((t / 1000).toFixed(3));
  console.log(JSON.stringify({ lines: checks.linesRead, customers, aggregate_s: seconds(performance.now() - started), write_s: null, sha256 }));
}, isUserError);
