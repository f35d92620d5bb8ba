/**
 * Where a run's outputs go, relative to its output folder (`--out`, the notebooks' OUT_DIR; default: the project
 * root). One layout for every writer (the report, the notebooks, the API's training) and every reader (the modeling
 * notebook reads what the preprocessing notebook wrote), kept out of any one of them.
 */
export const OUTPUTS = {
  /** The id, categorical codes and standardized clustering columns (see preprocessedCsv). */
  preprocessed: 'data/processed/preprocessed_data.csv',
  /** Transactions runs: one row of RFM features per customer, aggregated from the orders (see customerFeaturesCsv). */
  customerFeatures: 'data/processed/customer_features.csv',
  /** The clean table with a Cluster column (see clusteredCsv). */
  clustered: 'data/processed/clustered_data.csv',
  /** The versioned model artifact (see serializeModel). */
  model: 'data/models/clustering_model.json',
  summaryText: 'reports/summary.txt',
  summaryJson: 'reports/summary.json',
  page: 'reports/index.html',
  /** Folder of the figure files (HTML, PNG). */
  figures: 'reports/figures',
} as const;
