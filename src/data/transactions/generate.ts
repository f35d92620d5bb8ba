import { OptionsError } from '../../util/errors';
import { createRng, DEFAULT_SEED, type Rng } from '../../util/random';

/**
 * A seeded, realistic orders (transactions) table: one line per order line, customers with skewed spend and
 * purchase rates, repeat gaps, some churn, several lines per order, returns as negative lines of their own return
 * order, date-times, ids with leading zeros, and optionally the dirty rows real exports have. Pure (no I/O);
 * `npm run gen-table -- --kind transactions` writes it to stdout. Same options, same bytes.
 */

/** Header of the generated table, in order. */
export const TRANSACTION_COLUMNS = ['customer_id', 'order_id', 'order_date', 'product', 'quantity', 'amount'] as const;

/** Options of {@link transactionsTable}. */
export interface TransactionsTableOptions {
  /** Number of customers, an integer >= 1. Default 1,000. */
  customers?: number;
  /** Seed, a safe integer. Default 42. */
  seed?: number;
  /** First day of the period, ISO date. Default '2023-01-01'. */
  start?: string;
  /** Length of the period in days (>= 30). Default 730. */
  days?: number;
  /**
   * Spoil about 1% of the lines: a missing customer id, an unreadable date or a missing amount (each at least once),
   * and repeat some lines exactly (two equal purchases, which are kept by the aggregation). Default false.
   */
  dirty?: boolean;
}

/** The table and what was spoiled. */
export interface TransactionsTable {
  csv: string;
  /** Data lines (without the header). */
  rows: number;
  /** Spoiled lines by kind: 'missing-customer', 'bad-date', 'missing-amount', 'repeated-line'. */
  dirty: Record<string, number>;
}

const DAY_MS = 86_400_000;

function normal(rng: Rng): number {
  // Box-Muller; 1 - next() keeps the logarithm finite
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Options of {@link transactionsBlocks}: {@link TransactionsTableOptions} and the block size. */
export interface TransactionsBlocksOptions extends TransactionsTableOptions {
  /** Customers per block, an integer >= 1; each block's lines are sorted by time. Default 100,000. */
  blockCustomers?: number;
}

/**
 * Generates the orders table described in the file's doc.
 * @example transactionsTable({ customers: 500, seed: 7, dirty: true }).csv
 */
export function transactionsTable(options: TransactionsTableOptions = {}): TransactionsTable {
  const blocks = [...transactionsBlocks({ ...options, blockCustomers: Math.max(1, options.customers ?? 1000) })];
  return blocks[0];
}

/**
 * The orders table in blocks of `blockCustomers` customers, for tables too large to hold (10 million lines and
 * more): the first block's text starts with the header, each block's lines are sorted by time (the whole table is
 * not), and with one block the text is {@link transactionsTable}'s. The customers (ids, orders, amounts) are the
 * same whatever the block size; `dirty` spoils about 1% of each block's lines.
 * @example for (const block of transactionsBlocks({ customers: 1_000_000, seed: 7 })) process.stdout.write(block.csv);
 */
export function* transactionsBlocks(options: TransactionsBlocksOptions = {}): Generator<TransactionsTable> {
  const { customers = 1000, seed = DEFAULT_SEED, start = '2023-01-01', days = 730, dirty = false, blockCustomers = 100_000 } = options;
  if (!Number.isSafeInteger(customers) || customers < 1) throw new OptionsError(`customers must be an integer >= 1 (got ${customers}; --customers)`, 'customers');
  if (!Number.isSafeInteger(seed)) throw new OptionsError(`seed must be a safe integer (got ${seed}; --seed)`, 'seed');
  if (!Number.isSafeInteger(days) || days < 30) throw new OptionsError(`days must be an integer >= 30 (got ${days})`, 'days');
  if (!Number.isSafeInteger(blockCustomers) || blockCustomers < 1) throw new OptionsError(`blockCustomers must be an integer >= 1 (got ${blockCustomers})`, 'blockCustomers');
  const t0 = Date.parse(`${start}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(t0)) throw new OptionsError(`start must be an ISO date YYYY-MM-DD (got ${start})`, 'start');
  const end = t0 + days * DAY_MS;
  const rng = createRng(seed);
  const spoil = createRng(seed, 1);
  const idWidth = Math.max(6, String(customers * 3).length);
  let orderNo = 0;
  const products = 40;
  for (let from = 0; from < customers; from += blockCustomers) {
    const lines: { t: number; cells: string[] }[] = [];
    for (let c = from; c < Math.min(customers, from + blockCustomers); c++) {
      // Customer ids are not dense: gaps and leading zeros, as exported from a shop system.
      const customer = pad(c * 3 + 1 + rng.nextInt(3), idWidth);
      const rate = Math.exp(0.8 + 0.9 * normal(rng)); // orders a year, log-normal: most buy rarely, a few often
      const basket = Math.exp(3.2 + 0.7 * normal(rng)); // typical line price, skewed
      const first = t0 + rng.next() * (days - 1) * DAY_MS;
      // A share of customers stops buying (churn) at some point in the period.
      const last = rng.next() < 0.35 ? first + rng.next() * (end - first) : end;
      let t = first;
      while (t < last) {
        const order = `O${pad(++orderNo, 8)}`;
        const nLines = 1 + Math.min(5, Math.floor(-Math.log(1 - rng.next()) * 1.2));
        const bought: [number, string][] = [];
        for (let l = 0; l < nLines; l++) {
          const quantity = 1 + Math.min(4, Math.floor(-Math.log(1 - rng.next()) * 0.7));
          const price = Math.max(0.5, basket * Math.exp(0.5 * normal(rng)));
          const amount = Math.round(quantity * price * 100);
          const product = `P${pad(1 + rng.nextInt(products), 3)}`;
          bought.push([Math.round(price * 100), product]);
          lines.push({ t, cells: [customer, order, timestamp(t), product, String(quantity), (amount / 100).toFixed(2)] });
        }
        if (rng.next() < 0.06) {
          // A return: one line of the order back, a few days later, as its own return order with a negative amount.
          const back = t + (2 + rng.nextInt(28)) * DAY_MS + rng.nextInt(36_000_000);
          if (back < end) {
            const [unitPrice, product] = bought[rng.nextInt(bought.length)];
            lines.push({ t: back, cells: [customer, `R${pad(orderNo, 8)}`, timestamp(back), product, '-1', (-unitPrice / 100).toFixed(2)] });
          }
        }
        // Repeat gap: exponential with mean one year / rate, at least a day.
        t += Math.max(1, -Math.log(1 - rng.next()) * (365 / rate)) * DAY_MS + rng.nextInt(DAY_MS / 2);
      }
    }
    lines.sort((a, b) => a.t - b.t || (a.cells[1] < b.cells[1] ? -1 : a.cells[1] > b.cells[1] ? 1 : 0));
    const counts: Record<string, number> = {};
    if (dirty && lines.length > 0) {
      const kinds = ['missing-customer', 'bad-date', 'missing-amount', 'repeated-line'] as const;
      const n = Math.max(kinds.length, Math.round(lines.length * 0.01));
      const repeats: number[] = [];
      for (let i = 0; i < n; i++) {
        const kind = kinds[i % kinds.length];
        const row = spoil.nextInt(lines.length);
        const cells = lines[row].cells;
        counts[kind] = (counts[kind] ?? 0) + 1;
        if (kind === 'missing-customer') cells[0] = '';
        else if (kind === 'bad-date') cells[2] = ['unknown', '31/02/2024', 'not a date'][spoil.nextInt(3)];
        else if (kind === 'missing-amount') cells[5] = ['', 'NA'][spoil.nextInt(2)];
        else repeats.push(row);
      }
      // Identical lines (the same product bought twice in one order, entered as two lines).
      for (const row of repeats.sort((a, b) => b - a)) lines.splice(row + 1, 0, { t: lines[row].t, cells: [...lines[row].cells] });
    }
    const cell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    let csv = from === 0 ? TRANSACTION_COLUMNS.join(',') + '\n' : '';
    for (const l of lines) csv += l.cells.map(cell).join(',') + '\n';
    yield { csv, rows: lines.length, dirty: counts };
  }
}
