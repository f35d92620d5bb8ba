/**
 * What the two segmentation scatters share: their input (customers, labels, profiles), the seeded segment-stratified
 * sample drawn above `maxPoints`, and the hover text of a customer.
 */
import type { Customers } from '../data/clean';
import { categoricalColumns, numericFeatures } from '../data/schema';
import { OptionsError } from '../util/errors';
import { createRng, sampleWithoutReplacement } from '../util/random';
import type { SegmentProfile } from '../model/types';
import { checkLabels, checkProfiles, formatCount, hoverShortValue, indicesBySegment, segmentLegendName, sortedProfiles, wrapText } from './common';

/** Customers with their segment: `labels[i]` is the segment id (a `profiles[].id`) of customer i of `data`. */
export interface SegmentPoints {
  /** Clean customers, column-wise, with their table's schema. */
  data: Customers;
  /** Segment id of each customer, length data.n. */
  labels: ArrayLike<number>;
  /** One profile per segment id that occurs in `labels`. */
  profiles: readonly SegmentProfile[];
}

/** Options of segments2DFigure and segments3DFigure. */
export interface ScatterOptions {
  /**
   * Most customers drawn, an integer >= 1; default 10_000. With more customers than this, a seeded random sample of
   * exactly `maxPoints` is drawn, stratified by segment (each segment in proportion to its size, at least 1 point);
   * legends keep the full segment sizes and the subtitle says a sample is shown.
   */
  maxPoints?: number;
  /** Seed of that sample, an integer; default 0. Same points + seed = same figure. */
  seed?: number;
}

export const CENTROID_NOTE = 'Centroids: cluster centres in raw units (segment means for features not used in clustering)';

/** Legend names longer than this are broken into lines of LEGEND_LINE characters, so the legend leaves room for the plot. */
const LEGEND_MAX = 72;
const LEGEND_LINE = 48;

/** A segment's legend entry in a scatter: segmentLegendName, on several lines when long (not the Mall's). */
export function scatterLegendName(profile: Pick<SegmentProfile, 'id' | 'label' | 'size'>): string {
  const name = segmentLegendName(profile);
  return name.length > LEGEND_MAX ? wrapText(name, LEGEND_LINE) : name;
}

/** Most values listed in brackets after a customer's id in the hover text. */
const MAX_HOVER_EXTRAS = 4;

function checkScatterOptions(fn: string, options: ScatterOptions): Required<ScatterOptions> {
  const { maxPoints = 10_000, seed = 0 } = options;
  if (!Number.isInteger(maxPoints) || maxPoints < 1) {
    throw new OptionsError(`${fn}: options.maxPoints = ${maxPoints} is not an integer >= 1; pass e.g. 10000`, 'maxPoints');
  }
  if (!Number.isSafeInteger(seed)) {
    throw new OptionsError(`${fn}: options.seed = ${seed} is not an integer; pass a whole number such as 0`, 'seed');
  }
  return { maxPoints, seed };
}

/**
 * Points per stratum, proportional to `sizes` by largest remainder (ties to the lower index), summing to exactly
 * `maxPoints`, at least 1 each (a stratum raised to 1 takes that point from the one most above its share, so such a
 * donor can end up slightly more than 1 below its share). Assumes every size >= 1 and sizes.length <= maxPoints < sum
 * of sizes.
 */
function stratumCounts(sizes: readonly number[], maxPoints: number): number[] {
  const total = sizes.reduce((acc, n) => acc + n, 0);
  // integer numerators keep floors and remainders exact
  const counts = sizes.map((n) => Math.floor((n * maxPoints) / total));
  const remainders = sizes.map((n) => (n * maxPoints) % total);
  const left = maxPoints - counts.reduce((acc, n) => acc + n, 0);
  const byRemainder = sizes.map((_, i) => i).sort((a, b) => remainders[b]! - remainders[a]! || a - b);
  for (const i of byRemainder.slice(0, left)) counts[i]! += 1;
  const excess = (i: number): number => counts[i]! - (sizes[i]! * maxPoints) / total;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] !== 0) continue;
    // a segment too small for its share keeps one point, taken from the segment most above its share
    const donor = counts.reduce((best, n, j) => (n > 1 && (best < 0 || excess(j) > excess(best)) ? j : best), -1);
    counts[donor]! -= 1;
    counts[i] = 1;
  }
  return counts;
}

/**
 * A seeded random sample of exactly `maxPoints` rows, stratified by segment (see stratumCounts); each segment's rows
 * come from its own stream (the segment id) and stay in ascending row order. `sizes`: rows per segment id. Assumes
 * sizes.size <= maxPoints < rows. Holds the picked rows only (one pass over the labels maps each segment's picked
 * positions to rows), not every row's index: at 10,000,000 customers that is 10,000 numbers, not 10,000,000.
 */
function stratifiedSample(labels: ArrayLike<number>, sizes: ReadonlyMap<number, number>, maxPoints: number, seed: number): Map<number, number[]> {
  const ids = [...sizes.keys()].sort((a, b) => a - b);
  const counts = stratumCounts(ids.map((id) => sizes.get(id)!), maxPoints);
  // per segment: the picked positions within the segment (ascending), the next one to find, and the rows found
  const picks = new Map(
    ids.map((id, s) => {
      const positions = sampleWithoutReplacement(createRng(seed, id), sizes.get(id)!, counts[s]!).sort();
      return [id, { positions, next: 0, seen: 0, rows: [] as number[] }];
    }),
  );
  for (let i = 0; i < labels.length; i++) {
    const pick = picks.get(labels[i]!)!;
    if (pick.next < pick.positions.length && pick.positions[pick.next] === pick.seen) {
      pick.rows.push(i);
      pick.next++;
    }
    pick.seen++;
  }
  return new Map(ids.map((id) => [id, picks.get(id)!.rows]));
}

/** Customers per segment id, in order of first appearance. */
function segmentSizes(labels: ArrayLike<number>): Map<number, number> {
  const sizes = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) sizes.set(labels[i]!, (sizes.get(labels[i]!) ?? 0) + 1);
  return sizes;
}

/** What a scatter figure draws: profiles in id order, the rows of each segment id, and the subtitle's count. */
export interface ScatterRows {
  profiles: SegmentProfile[];
  rows: ReadonlyMap<number, number[]>;
  customersText: string;
}

/** Checks the points and options (the public edge of both scatters) and picks the rows to draw. */
export function scatterRows(fn: string, points: SegmentPoints, options: ScatterOptions): ScatterRows {
  const byId = checkProfiles(fn, points.profiles);
  checkLabels(fn, points.labels, points.data.n, 'customers', byId);
  const { maxPoints, seed } = checkScatterOptions(fn, options);
  const total = points.data.n;
  const profiles = sortedProfiles(points.profiles);
  if (total <= maxPoints) return { profiles, rows: indicesBySegment(points.labels), customersText: `${total} customers` };
  const sizes = segmentSizes(points.labels);
  if (sizes.size > maxPoints) {
    throw new OptionsError(
      `${fn}: options.maxPoints = ${maxPoints} is less than the ${sizes.size} segments with customers; pass maxPoints >= ${sizes.size} so every segment keeps a point`,
      'maxPoints',
    );
  }
  return {
    profiles,
    rows: stratifiedSample(points.labels, sizes, maxPoints, seed),
    customersText: `${formatCount(total)} customers (a random ${formatCount(maxPoints)} shown)`,
  };
}

/** A raw value as drawn: 6 significant digits (integers and short decimals unchanged). */
export function plotValue(value: number): number {
  return Number(value.toPrecision(6));
}

/**
 * The first line of a customer's hover text and the per-point data it reads: "Customer %{customdata[0]}
 * (Female, 35 years)": the id, then the categorical columns and the numeric features not on an axis (at most 4).
 * Mall 2D: [id, Gender, Age].
 */
export function customerHover(data: Customers, onAxes: readonly string[]): { header: string; customdata: (rows: readonly number[]) => unknown[][] } {
  const { schema } = data;
  const extras = [
    ...categoricalColumns(schema).map((c) => ({ column: c, numeric: false })),
    ...numericFeatures(schema).filter((c) => !onAxes.includes(c)).map((c) => ({ column: c, numeric: true })),
  ].slice(0, MAX_HOVER_EXTRAS);
  const parts = extras.map((e, j) => (e.numeric ? hoverShortValue(schema, e.column, `%{customdata[${j + 1}]}`) : `%{customdata[${j + 1}]}`));
  const header = `Customer %{customdata[0]}${parts.length ? ` (${parts.join(', ')})` : ''}`;
  const customdata = (rows: readonly number[]) =>
    rows.map((i) => [data.ids[i], ...extras.map((e) => (e.numeric ? plotValue(data.numeric[e.column]![i]!) : data.categorical[e.column]![i]))]);
  return { header, customdata };
}
