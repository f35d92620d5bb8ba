import type { FeatureName, Gender } from '../data/schema';

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

/** One segment's description, in the raw (unscaled) units of the data. */
export interface SegmentProfile {
  /** Cluster index, 0..k-1. */
  readonly id: number;
  /** Plain-words label derived from the data, e.g. "Young, high income, high spending". */
  readonly label: string;
  /** Number of customers in the segment. */
  readonly size: number;
  /** size / number of customers used, 0..1. */
  readonly share: number;
  /** Mean of each numeric feature (Age, income, spending), raw units. */
  readonly means: Record<FeatureName, number>;
  /** Median of each numeric feature, raw units. */
  readonly medians: Record<FeatureName, number>;
  /** Cluster centre in raw units (the scaled centroid transformed back), for clustering features. */
  readonly centroid: Partial<Record<FeatureName, number>>;
  /** Share of each gender in the segment, 0..1 (sums to 1). */
  readonly gender: Record<Gender, number>;
  /** Per feature, the tercile word used in the label: 'low' | 'mid' | 'high' (age: 'young' | 'middle-aged' | 'older'). */
  readonly levels: Record<FeatureName, string>;
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
  /** Fitted k-means per k. */
  readonly fits: Record<string, KMeansFit>;
}
