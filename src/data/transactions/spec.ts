/**
 * What an orders table's columns are and how its dates read: the schema key `transactions` and the CLI's
 * --transactions flags. Types only, so that the table schema can name them without importing the SQL generator.
 */
/** Columns of an orders table, named as in its header (or database table). */
export interface TransactionColumns {
  /** The customer id column (read as text: leading zeros are kept). Required. */
  customer: string;
  /** The purchase date column: ISO date or date-time, YYYYMMDD number or text, or `dateFormat`. Required. */
  date: string;
  /** The amount column (money; returns and other negative amounts subtract). Required. */
  amount: string;
  /** The order id column: `frequency` counts distinct orders. Default: none (`frequency` counts distinct purchase days). */
  order?: string;
  /** The quantity column: adds `items` (its sum). Default: none. */
  quantity?: string;
}

/** How an orders table is read and aggregated (the schema key `transactions`, the CLI's --transactions flags). */
export interface TransactionsSpec extends TransactionColumns {
  /** The as-of date, YYYY-MM-DD: recency and tenure count days up to it. Default: the day after the last date in the data. */
  asOf?: string;
  /** strftime-style format of the date column, e.g. "%d/%m/%Y" (DuckDB sources only). Default: none (ISO or YYYYMMDD). */
  dateFormat?: string;
}
