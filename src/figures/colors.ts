import { OptionsError } from '../util/errors';

/**
 * The one segment palette used by every chart, the report page and the notebooks (Tableau 10: distinct hues,
 * readable on white, mostly colour-blind safe for the first six). Segment `id` gets `SEGMENT_PALETTE[id % 10]`.
 */
export const SEGMENT_PALETTE: readonly string[] = [
  '#4e79a7', // blue
  '#f28e2b', // orange
  '#e15759', // red
  '#76b7b2', // teal
  '#59a14f', // green
  '#edc948', // yellow
  '#b07aa1', // purple
  '#ff9da7', // pink
  '#9c755f', // brown
  '#bab0ac', // grey
];

/** Colour of population-wide reference marks (population means, the overall mean silhouette). */
export const REFERENCE_COLOR = '#333333';

/** Colours of gender marks (e.g. gender-mix bars, distribution charts): neutral shades that never read as a segment. */
export const GENDER_COLORS = { Female: '#5a5a5a', Male: '#c8c8c8' } as const;

/**
 * Colour of segment `id` (cluster index 0..k-1) in every chart.
 * @example segmentColor(0) // '#4e79a7'
 * @throws OptionsError when `id` is not a non-negative integer.
 */
export function segmentColor(id: number): string {
  if (!Number.isInteger(id) || id < 0) {
    throw new OptionsError(`segmentColor: segment id must be an integer >= 0 (got ${id}); pass the cluster index 0..k-1`, 'id');
  }
  return SEGMENT_PALETTE[id % SEGMENT_PALETTE.length]!;
}
