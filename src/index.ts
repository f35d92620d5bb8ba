/**
 * The public API: what notebooks, the command-line scripts and other programs import. Everything else under src/ is
 * internal and may move. Sections follow the layers (docs/architecture.md), lowest first; each names the module a
 * function comes from, whose TSDoc documents its options and defaults.
 *
 *   import { loadCleanCustomers, preprocess, fitSegments, runReport } from './src/index';
 */

// Errors every entry point tells apart: a user's mistake (one line, exit 2) from a bug.
export { DataError, OptionsError, isUserError } from './util/errors';
export { type Matrix, matrixToRows } from './util/matrix';
export { quantile, quantileSorted } from './util/stats';

// Data: reading a customer table, its schema, cleaning, orders aggregation, generated tables.
export { loadCustomersCsv, loadCleanCustomers, loadSchema, type LoadCleanOptions, type LoadedCustomers } from './data/load';
export { parseCustomersCsv } from './data/parse';
export { isParquet, readParquetRecords } from './data/parquet';
export {
  MALL_SCHEMA,
  categoricalColumns,
  numericColumns,
  numericFeatures,
  resolveSchema,
  validateSchema,
  type SchemaChoice,
  type SchemaField,
  type TableSchema,
} from './data/schema';
export { MISSING_POLICIES, UNKNOWN_CATEGORY_POLICIES } from './data/normalize';
export { cleanCustomers } from './data/clean';
export { rawTableToDataFrame, customersToDataFrame } from './data/frame';
export { exampleTable, exampleTableCsv, type ExampleKind } from './data/examples';
export { syntheticCustomersCsv } from './data/synthetic';
export { aggregateTransactions, customerFeaturesCsv, customerFeaturesCsvPieces, writeCustomerFeatures } from './data/transactions/aggregate';
export { transactionsBlocks, transactionsTable } from './data/transactions/generate';
export type { TransactionColumns, TransactionsSpec } from './data/transactions/spec';

// Features: encoding, scaling, transforms.
export { parseTransformFlag } from './features/transform';
export { featureColumns } from './features/encode';
export { fitScaler, scaleMatrix } from './features/scale';

// Model (numerics): backends, threads, k-means, silhouette, the k sweep and its criteria.
export { initBackend, type BackendName } from './model/backend';
export { parseThreads, resolveThreads } from './model/threads';
export { kmeans, kmeansEach } from './model/kmeans';
export { checkKMeansOptions, type KMeansOptions } from './model/kmeansShared';
export { prewarmWorkers } from './model/workerPool';
export { silhouetteScores, silhouetteSamples, type SilhouetteOptions } from './model/silhouette';
export { sweepK, sweepWorkerCount } from './model/sweep';
export { calinskiHarabasz, daviesBouldin, adjustedRandIndex, stability } from './model/criteria';
export { chooseK, K_RULES, type KRule } from './model/selectK';
export type { CompactLabels, KMeansFit, SweepFit } from './model/types';

// Segmentation: the pipeline, the saved model and predict, profiles and labels, RFM, SQL export.
export { preprocess, prepareFeatures, fitSegments } from './segmentation/pipeline';
export { buildModel, parseModel, predict, serializeModel, type Prediction, type SegmentModel } from './segmentation/artifact';
export { profileSegments } from './segmentation/profile';
export { fitRfm, scoreRfm, rfmSegment, RFM_SEGMENTS } from './segmentation/rfm';
export { exportSql, type SqlDialect } from './segmentation/sql';
export { exportTransactionsSql } from './segmentation/transactionsSql';

// Outputs: files, figures and their rendering, scoring, the report.
export { OUTPUTS } from './io/layout';
export { loadModel } from './io/modelFile';
export { tempPathBeside } from './io/atomic';
export { ProgressDisplay } from './io/progress';
export {
  reportFigures,
  modelSelectionFigure,
  silhouetteFigure,
  profilesFigure,
  segments2DFigure,
  segments3DFigure,
  sceneAxesIfAny,
} from './figures/specs';
export { bundleFor, plotlyScript } from './figures/html';
export { REPORT_RENDERER, startRenderer } from './browser/render';
export { checkScoreOutput, scoreFile } from './scoring/score';
export { scoreTransactions } from './scoring/transactions';
export { runReport, type ReportOptions, type ReportResult } from './report/run';
export { clusteredCsv, preprocessedCsv, categoryCodeBook } from './report/tables';
export { writeFigureFiles } from './report/figureFiles';
export { reportPage } from './report/page';
export { transactionsSchema, rfmForCustomers, rfmHeatmap } from './report/transactions';
export type { Summary } from './report/types';

// Notebooks: parameters, tables and figures in a cell, saved outputs, the headless run, Jupyter set-up.
export { schemaChoice } from './notebook/params';
export { showTable } from './notebook/table';
export { showFigure, renderForNotebook } from './notebook/display';
export { saveOutput } from './notebook/save';
export { columnIssues, duplicateRows, numericStats, categoryCounts, distributionFigure } from './notebook/explore';
export { loadPreprocessed, processedRecords } from './notebook/processed';
export { profileRows, customerRecords } from './notebook/segments';
export { PROJECT_JUPYTER_DIR, NotebookRunError, runNotebooks } from './notebook/run';
export { KERNEL_DISPLAY_NAME, installKernelSpec, jupyterDataDir } from './notebook/kernelspec';
export { REQUIREMENTS_FILE, STAMP_FILE, VENV_DIR, requirementsStamp, venvBin, venvDataDir } from './notebook/jupyterEnv';
