// The fitted model's format and shape (what data/models/clustering_model.json holds), shared by the artifact and
// predict.
import type { TableSchema } from '../data/schema';
import type { FeatureColumn } from '../features/encode';
import type { SegmentProfile } from '../model/types';
import type { RfmEdges } from './rfm';
import type { TransactionColumns } from '../data/transactions/sql';

/** Format tag of a saved model. */
export const MODEL_FORMAT = 'customer-segmentation-model';
/** Format tags of models written before the tool was renamed; {@link parseModel} reads them as {@link MODEL_FORMAT}. */
export const LEGACY_MODEL_FORMATS: readonly string[] = ['mall-segmentation-model'];
/** Version of the saved model's layout; bumped on any incompatible change. */
export const MODEL_VERSION = 2;
/** Older versions {@link parseModel} still reads (version 1: the Mall model before schemas). */
export const READABLE_VERSIONS: readonly number[] = [1, 2];
/** Written into every model as `generatedBy`. */
export const GENERATED_BY = 'customer-segmentation 0.1.0';

/**
 * A fitted segmentation model: the versioned JSON artifact written to data/models/clustering_model.json.
 * Read-only; build it with {@link buildModel}, read it with {@link parseModel}, use it with {@link predict}.
 */
export interface SegmentModel {
  readonly format: typeof MODEL_FORMAT;
  readonly version: typeof MODEL_VERSION;
  readonly generatedBy: string;
  /** Clustering columns (a feature's name, or "<column>=<category>" for one-hot), in the order of `centroids` and `scaler`. */
  readonly features: string[];
  /** Standardization fitted on the training customers. */
  readonly scaler: { mean: number[]; scale: number[] };
  readonly k: number;
  readonly seed: number;
  /** 'sha256:<hex>' of the training CSV text. */
  readonly dataHash: string;
  /** Number of training customers. */
  readonly nTrain: number;
  /** Cluster centres in scaled units, shape [k, features.length]. */
  readonly centroids: number[][];
  /**
   * Distance (scaled units) of training customers to their nearest centre: `p99` is the threshold above which
   * `predict` flags a customer as an outlier; `max` for reference.
   */
  readonly distance: { p99: number; max: number };
  /** One profile per segment, id 0..k-1. */
  readonly profiles: SegmentProfile[];
  /** Model-selection numbers per k (keys are k as decimal strings) and the rule used. */
  /** `reason`: the sentence saying why this k (absent in models saved before it was recorded). */
  readonly metrics: { silhouette: Record<string, number | null>; inertia: Record<string, number>; rule: string; reason?: string };
  /** The training table's schema: which columns a customer record has, their names, units and ranges. */
  readonly schema: TableSchema;
  /** How each clustering column is made from the record (numeric transform, one-hot category). */
  readonly encoding: FeatureColumn[];
  /**
   * With the schema's `missing: "median"`: the training median (raw units) of each numeric clustering feature, imputed
   * for a missing value by predict, score, the API and the exported SQL. Absent otherwise.
   */
  readonly medians?: Record<string, number>;
  /**
   * Models trained on orders (`report --transactions`): the orders' columns, the training as-of date and the RFM
   * quintile edges learned on the training customers, so that new orders are aggregated and scored the same way.
   * Absent for customer-table models.
   */
  readonly transactions?: TransactionsModel;
}

/** The transactions part of a model (see SegmentModel.transactions). */
export interface TransactionsModel {
  columns: TransactionColumns;
  dateFormat?: string;
  /** The as-of date of the training data (YYYY-MM-DD). */
  asOf: string;
  rfm: RfmEdges;
}
