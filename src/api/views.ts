/**
 * A segment as GET /clusters describes it. Columns are keyed by their apiName when the schema gives one, else by
 * their name (Mall: age, annualIncome, spendingScore; another table: its header names).
 */
export interface ClusterView {
  id: number;
  label: string;
  size: number;
  share: number;
  /** Segment centre in raw units, per clustering column ("<column>=<value>" for a one-hot category: its share). */
  centroid: Record<string, number>;
  /** Mean of each numeric column of the schema over the segment. */
  means: Record<string, number>;
  /** Per categorical column, the share of each value. */
  categories: Record<string, Record<string, number>>;
  /** A categorical column with an apiName is also given at the top level under it (Mall: gender: {Female, Male}). */
  [apiName: string]: unknown;
}
