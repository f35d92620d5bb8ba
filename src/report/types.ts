import type { KCriteria } from '../model/criteria';
import type { SegmentProfile } from '../model/types';
import type { TransactionsSummary } from './transactions';

/**
 * The machine summary written to reports/summary.json. Keys of per-k records are k as decimal strings.
 * `summary.txt` is a rendering of the same object for people.
 */
export interface Summary {
  /** Format tag and version of this file. */
  format: 'customer-segmentation-summary';
  version: 1;
  /** ISO time the run finished (the only field that differs between two runs with the same data and seed). */
  generatedAt: string;
  /** Where the data came from; `synthetic: true` when the built-in dataset was used because no file was found. */
  data: { path: string; synthetic: boolean; hash: string };
  /** Rows read = used + dropped; `imputedBy`: cells imputed with the training median per column (--impute median). */
  rows: { read: number; used: number; dropped: number; droppedBy: Record<string, number>; repaired: number; imputedBy?: Record<string, number> };
  /** Human sentences: dropped rows, repairs, outliers, convergence, k differing from the original project, ... */
  warnings: string[];
  /** The table: its schema's name and title, id column (null: row numbers), numeric and categorical columns. */
  table: { schema: string; title: string | null; id: string | null; numeric: string[]; categorical: string[] };
  /** Clustering columns, in model order (a feature's name, or "<column>=<category>" for one-hot). */
  features: string[];
  /**
   * Per numeric clustering feature: its skewness (pandas' G1) and the transform it is clustered with ('log1p':
   * log(1 + x) before standardization, named "log1p(<column>)" in the text outputs and drawn on a log axis).
   */
  skew: Record<string, { skewness: number; transform: 'none' | 'log1p' }>;
  /**
   * `original`: the k a reference analysis reported (the schema's referenceK; Mall: 4), null when none. `reason`: one
   * sentence saying why this k. `criteria`: per k (keys are k as decimal strings) the silhouette, Calinski-Harabasz,
   * Davies-Bouldin, the smallest segment's share of customers and the stability (see docs/analysis.md).
   */
  k: {
    selected: number;
    rule: string;
    range: [number, number] | null;
    fixed: number | null;
    original: number | null;
    differsFromOriginal: boolean;
    reason: string;
    criteria: Record<string, KCriteria>;
  };
  /** How k-means ran, e.g. "k-means++, 10 restarts per k on all rows" (large tables: restarts on a seeded sample, the best refined on all rows). */
  kmeansMethod: string;
  silhouette: Record<string, number | null>;
  /**
   * How the silhouettes were computed: exact over every customer (`sampled: null`), or, for large data, the mean
   * over a seeded sample of customers scored against each other (as scikit-learn's sample_size), with the standard error of each k's mean.
   */
  silhouetteMethod: { sampled: null } | { sampled: { rows: number; of: number; stdError: Record<string, number | null> } };
  inertia: Record<string, number>;
  clusters: SegmentProfile[];
  /**
   * Per numeric column, the 1.5×IQR fences and the customers outside them: `count` of them, and `ids` of the first
   * SUMMARY_MAX_OUTLIER_IDS in file order (all of them when fewer; a skewed column of millions of rows has hundreds
   * of thousands).
   */
  outliers: { feature: string; lower: number; upper: number; count: number; ids: (string | number)[] }[];
  backend: { name: string; reason: string };
  seed: number;
  /** Seconds per phase (load, clean, sweep kmeans, sweep silhouette, profile, write, figures, total). */
  timings: Record<string, number>;
  /** Output files relative to --out. */
  outputs: string[];
  /** Transactions runs only: the orders read, the as-of date, RFM segments and their crosstab with the k-means segments. */
  transactions?: TransactionsSummary;
}
