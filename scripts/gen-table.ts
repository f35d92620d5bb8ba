/**
 * npm run gen-table -- --kind retail|wide [--rows N] [--seed S] [--dirty] > table.csv
 * Writes a seeded example customer table (src/data/examples.ts) as CSV to stdout. Rows default to 2,000 (retail) or
 * 100,000 (wide), seed to 42. The table is clean unless --dirty is given; then a one-line count of the spoiled cells
 * goes to stderr.
 */
import { exampleTable, type ExampleKind } from '../src/data/examples';
import { isUserError, OptionsError } from '../src/errors';
import { cliMain, intOption, parseFlags } from './cli';

const HELP = `Usage: npm run gen-table -- --kind retail|wide [--rows N] [--seed S] [--dirty] > table.csv`;

cliMain(async () => {
  const values = parseFlags(
    {
      kind: { type: 'string' },
      rows: { type: 'string' },
      seed: { type: 'string' },
      dirty: { type: 'boolean' },
    },
    HELP,
  );
  if (values === null) return;
  if (values.kind === undefined) throw new OptionsError(`--kind is required (retail or wide); ${HELP}`, '--kind');
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
