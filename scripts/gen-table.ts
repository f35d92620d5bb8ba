/**
 * npm run gen-table -- --kind retail|wide [--rows N] [--seed S] [--dirty] > table.csv
 * npm run gen-table -- --kind transactions [--customers N] [--seed S] [--dirty] > orders.csv
 * Writes a seeded example customer table (src/data/examples.ts) as CSV to stdout. Rows default to 2,000 (retail) or
 * 100,000 (wide), seed to 42. The table is clean unless --dirty is given; then a one-line count of the spoiled cells
 * goes to stderr.
 */
import { exampleTable, type ExampleKind, isUserError, OptionsError, transactionsBlocks } from '../src';
import { cliMain, intOption, parseFlags } from './cli';

const HELP = `Usage: npm run gen-table -- --kind retail|wide [--rows N] [--seed S] [--dirty] > table.csv
       npm run gen-table -- --kind transactions [--customers N] [--seed S] [--dirty] > orders.csv
  transactions: one line per order line (customer_id, order_id, order_date, product, quantity, amount) for N customers
  (default 1,000), returns as negative lines; --dirty spoils ~1% of the lines and repeats some lines exactly.
  Above 100,000 customers the lines are sorted by time within each block of 100,000 customers.`;

cliMain(async () => {
  const values = parseFlags(
    {
      kind: { type: 'string' },
      rows: { type: 'string' },
      customers: { type: 'string' },
      seed: { type: 'string' },
      dirty: { type: 'boolean' },
    },
    HELP,
  );
  if (values === null) return;
  if (values.kind === undefined) throw new OptionsError('--kind is required (retail, wide or transactions); see --help', '--kind');
  if (values.kind === 'transactions') {
    if (values.rows !== undefined) throw new OptionsError('--kind transactions takes --customers N, not --rows', '--rows');
    // written in blocks of 100,000 customers (each sorted by time), so tens of millions of lines fit in memory
    const counts: Record<string, number> = {};
    let rows = 0;
    for (const block of transactionsBlocks({ customers: intOption(values.customers, '--customers'), seed: intOption(values.seed, '--seed'), dirty: values.dirty ?? false })) {
      await new Promise<void>((resolve, reject) => process.stdout.write(block.csv, (e) => (e ? reject(e) : resolve())));
      rows += block.rows;
      for (const [kind, n] of Object.entries(block.dirty)) counts[kind] = (counts[kind] ?? 0) + n;
    }
    const spoiled = Object.entries(counts).map(([kind, n]) => `${kind} ${n}`).join(', ');
    if (spoiled) process.stderr.write(`dirty: ${rows} lines, spoiled ${spoiled}\n`);
    return;
  }
  if (values.customers !== undefined) throw new OptionsError('--customers is for --kind transactions; use --rows N', '--customers');
  const table = exampleTable({
    kind: values.kind as ExampleKind,
    rows: intOption(values.rows, '--rows'),
    seed: intOption(values.seed, '--seed'),
    dirty: values.dirty ?? false,
  });
  await new Promise<void>((resolve, reject) => process.stdout.write(table.csv, (e) => (e ? reject(e) : resolve())));
  if (table.dirty.length > 0) {
    const counts = new Map<string, number>();
    for (const d of table.dirty) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
    const parts = [...counts].map(([kind, n]) => `${kind} ${n}`).join(', ');
    process.stderr.write(`dirty: ${table.dirty.length} of ${table.rows} rows spoiled (${parts})\n`);
  }
}, isUserError);
