// Cleaning: the public shapes (options, the clean customers, the result) and the fixed drop reasons.
import type { TableSchema } from '../schema';

/** Options of {@link cleanCustomers}. */
export interface CleanOptions {
  /**
   * How to treat a missing or non-numeric numeric cell: 'drop' the row or 'median' (impute the column median of the
   * valid rows, recorded as a repair). Default: the schema's `missing`, else 'drop'.
   */
  missingNumeric?: 'drop' | 'median';
}

/** Options of {@link CustomerCleaner}. */
export interface CleanerOptions extends CleanOptions {
  /** Name of the data in messages. Default '<input>'. */
  source?: string;
  /** Rows expected (sizes the buffers; they grow past it). Default 1024. */
  expected?: number;
}

/**
 * Clean customers, column-wise: row i of every column is customer i. Every numeric cell is finite and within its
 * column's valid range; every category is one of the column's values (or "(missing)" where allowed).
 */
export interface Customers {
  /** The schema the columns follow. */
  readonly schema: TableSchema;
  /** Number of customers. */
  readonly n: number;
  /** Id of each customer: a number for an integer id column or row numbers (no id column), else the text. */
  readonly ids: (string | number)[];
  /** 1-based file line of each customer. */
  readonly lines: Int32Array;
  /** Each numeric column (features and other numeric columns of the schema), raw units. */
  readonly numeric: Record<string, Float64Array>;
  /** Each categorical column, canonical spellings. */
  readonly categorical: Record<string, string[]>;
}

/** A data row left out of the clean table. */
export interface DroppedRow {
  /** 1-based line in the file. */
  line: number;
  /** The row's id cell as written ('' when missing; the row number when the table has no id column). */
  id: string;
  /** Why, one of the reasons listed on {@link cleanCustomers}; the key of `rows.droppedBy`. */
  reason: string;
}

/** Values of one numeric column outside [Q1 − 1.5·IQR, Q3 + 1.5·IQR]; flagged only, the data is unchanged. */
export interface OutlierFlag {
  feature: string;
  /** Q1 − 1.5·IQR (quartiles by linear interpolation, as numpy/pandas by default). */
  lower: number;
  /** Q3 + 1.5·IQR. */
  upper: number;
  /** Number of customers outside [lower, upper]. */
  count: number;
  /** Their ids, in file order. */
  ids: (string | number)[];
}

/** A cell changed by cleaning (median imputation). */
export interface Repair {
  line: number;
  /** The row's id cell as written. */
  id: string;
  /** Column name as in the schema. */
  column: string;
  /** Cell text before ('' when empty). */
  from: string;
  /** Value written, as text. */
  to: string;
}

/** Result of {@link cleanCustomers}. Every data row is either used or dropped: read == used + dropped. */
export interface CleanResult {
  /** Clean customers in file order, column-wise. */
  data: Customers;
  rows: {
    read: number;
    used: number;
    dropped: number;
    /** Counts per reason, e.g. {"duplicate row": 2, "Age out of range 0-120": 1}. */
    droppedBy: Record<string, number>;
    /** Number of repaired cells (imputed values). */
    repaired: number;
  };
  /** With `missingNumeric: 'median'`: the median of each numeric column over the rows kept with a valid value (the
   * value imputed, stored in the model for scoring). Absent with 'drop'. */
  medians?: Record<string, number>;
  /** Dropped rows in line order, each with its reason. */
  dropped: DroppedRow[];
  /** Repaired cells in line order. */
  repairs: Repair[];
  /** One flag per numeric column, also when its count is 0. */
  outliers: OutlierFlag[];
  /** Human sentences, e.g. "Dropped 2 exact duplicate rows, equal to an earlier row in every column of the file
   * (lines 5, 9)". */
  warnings: string[];
}

/** Drop reasons that do not depend on a column. */
export const DROP_REASONS = {
  duplicate: 'duplicate row',
} as const;
