/** Fitted k-means state for one k (read-only record; no tensors). */
export interface KMeansFit {
  readonly k: number;
  /** Cluster centres in the space of the input matrix, shape [k, nFeatures]. */
  readonly centroids: number[][];
  /** Cluster index 0..k-1 of each input row, length nSamples. */
  readonly labels: Int32Array;
  /** Sum of squared distances of samples to their closest centre (best restart). */
  readonly inertia: number;
  /** Lloyd iterations run by the best restart. */
  readonly nIter: number;
  /** Soft problems (e.g. a restart hit maxIter without converging), as text. */
  readonly warnings: string[];
}

/**
 * Cluster index of each row in the smallest unsigned array that holds 0..k-1: Uint8Array up to k = 256, Uint16Array
 * up to k = 65,536, else Int32Array (see compactLabels). A sweep keeps one per k: 1 byte a row each, not 4.
 */
export type CompactLabels = Uint8Array | Uint16Array | Int32Array;

/** A k sweep's fit of one k: a {@link KMeansFit} whose labels are held compactly (see CompactLabels). */
export interface SweepFit extends Omit<KMeansFit, 'labels'> {
  /** Cluster index 0..k-1 of each input row, length nSamples: the fit's labels, the same values. */
  readonly labels: CompactLabels;
}

/** One segment's description, in the raw (unscaled) units of the data. Records are keyed by column name. */
export interface SegmentProfile {
  /** Cluster index, 0..k-1. */
  readonly id: number;
  /** Plain-words label derived from the data, unique across segments, e.g. "Much younger, high income, much higher spending". */
  readonly label: string;
  /** Number of customers in the segment. */
  readonly size: number;
  /** size / number of customers used, 0..1. */
  readonly share: number;
  /** Mean of each numeric column, raw units. */
  readonly means: Record<string, number>;
  /** Median of each numeric column, raw units. */
  readonly medians: Record<string, number>;
  /**
   * Per numeric column, (segment mean − population mean) / population std (ddof 0): the standardized difference the
   * label is worded from. Clustering features with a log1p transform are compared after the transform. Absent in
   * models saved before labels were worded this way.
   */
  readonly differences?: Record<string, number>;
  /** Cluster centre in raw units (the scaled centroid transformed back), per clustering column. */
  readonly centroid: Record<string, number>;
  /** Mall tables (a categorical "Gender" column with Female and Male): share of each gender, as categories.Gender. */
  readonly gender?: { Female: number; Male: number };
  /** Per numeric column, its words for the segment's difference from the population (lower case), e.g. 'slightly higher income', 'young', 'much older'. */
  readonly levels: Record<string, string>;
  /** Per categorical column, the share of the segment with each value (sums to 1; all 0 for an empty segment). */
  readonly categories: Record<string, Record<string, number>>;
}

/** Result of sweeping k. Keys of the records are k as a decimal string ("2", "3", ...). */
export interface KSweep {
  readonly ks: number[];
  /** Mean silhouette per k (null when silhouette was not computed). */
  readonly silhouette: Record<string, number | null>;
  /** Best-restart inertia per k. */
  readonly inertia: Record<string, number>;
  /** The k chosen. */
  readonly selected: number;
  /** The rule, in words, e.g. "highest mean silhouette over k=2..10". */
  readonly rule: string;
  /** Fitted k-means per k (labels compact: see SweepFit). */
  readonly fits: Record<string, SweepFit>;
}
