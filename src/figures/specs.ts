/**
 * Plotly figure specs: pure functions, data in, Plotly JSON out. Every chart of the project is defined here once;
 * the report script, the report page, the notebooks and the API call these and only render the result
 * (html.ts, render.ts, ../report/page.ts, ../notebook/display.ts).
 */
import { COLUMNS, type Customer, type FeatureName } from '../data/schema';
import { OptionsError } from '../errors';
import { createRng, sampleWithoutReplacement } from '../model/random';
import type { KSweep, SegmentProfile } from '../model/types';
import { REFERENCE_COLOR, segmentColor } from './colors';

/** A Plotly figure as plain JSON: `Plotly.newPlot(div, fig.data, fig.layout)`. */
export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** Customers with their segment: `labels[i]` is the segment id (a `profiles[].id`) of `customers[i]`. */
export interface SegmentPoints {
  customers: readonly Customer[];
  /** Segment id of each customer, length customers.length. */
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

/** A figure with the names the outputs use. */
export interface NamedFigure {
  /** Stable id, used for HTML element ids and anchors, e.g. "segments-2d". */
  id: string;
  /** File base name, e.g. "Customer Segmentation 2D" (written as `<name>.html` and `<name>.png`). */
  name: string;
  /** Human title, the same text as the figure's `layout.title.text`. */
  title: string;
  figure: PlotlyFigure;
}

/** Axis titles with units, one per feature; every chart uses these. */
export const AXIS_TITLES: Record<FeatureName, string> = {
  [COLUMNS.age]: 'Age (years)',
  [COLUMNS.income]: 'Annual Income (k$)',
  [COLUMNS.spending]: 'Spending Score (1-100)',
};

/** Titles (and file base names) of the report's charts. */
export const FIGURE_TITLES = {
  modelSelection: 'Model Selection',
  silhouette: 'Silhouette by Segment',
  profiles: 'Segment Profiles',
  segments2D: 'Customer Segmentation 2D',
  segments3D: 'Customer Segmentation 3D',
} as const;

const FONT = { family: '"Open Sans", "DejaVu Sans", Arial, sans-serif', size: 14, color: '#222222' };

/** Short name of a segment, as on axes and in the page: "Segment 3". */
export function segmentName(profile: Pick<SegmentProfile, 'id'>): string {
  return `Segment ${profile.id}`;
}

/** Legend entry of a segment: "Segment 3 · Young, high income, high spending (n=39)". */
export function segmentLegendName(profile: Pick<SegmentProfile, 'id' | 'label' | 'size'>): string {
  return `${segmentName(profile)} · ${profile.label} (n=${profile.size})`;
}

function baseLayout(title: string, subtitle: string | undefined, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    title: {
      text: title,
      x: 0.02,
      xanchor: 'left',
      font: { size: 22 },
      ...(subtitle === undefined ? {} : { subtitle: { text: subtitle, font: { size: 14, color: '#555555' } } }),
    },
    font: FONT,
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    hoverlabel: { font: { size: 13 } },
    ...extra,
  };
}

function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title, font: { size: 15 } },
    showgrid: true,
    gridcolor: '#e6e6e6',
    zeroline: false,
    linecolor: '#888888',
    ticks: 'outside',
    automargin: true,
    ...extra,
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function sortedProfiles(profiles: readonly SegmentProfile[]): SegmentProfile[] {
  return [...profiles].sort((a, b) => a.id - b.id);
}

function checkProfiles(fn: string, profiles: readonly SegmentProfile[]): Map<number, SegmentProfile> {
  if (profiles.length === 0) throw new OptionsError(`${fn}: profiles is empty; pass one SegmentProfile per segment`, 'profiles');
  const byId = new Map<number, SegmentProfile>();
  for (const profile of profiles) {
    if (byId.has(profile.id)) {
      throw new OptionsError(`${fn}: two profiles have segment id ${profile.id}; pass one profile per segment`, 'profiles');
    }
    segmentColor(profile.id);
    byId.set(profile.id, profile);
  }
  return byId;
}

function checkLabels(fn: string, labels: ArrayLike<number>, n: number, what: string, byId: Map<number, SegmentProfile>): void {
  if (labels.length !== n) {
    throw new OptionsError(`${fn}: labels has ${labels.length} entries but ${what} has ${n}; pass one label per customer`, 'labels');
  }
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (!byId.has(label)) {
      const known = [...byId.keys()].join(', ');
      throw new OptionsError(`${fn}: labels[${i}] = ${label} has no profile (profile ids: ${known}); pass the profiles of the same fit`, 'labels');
    }
  }
}

function indicesBySegment(labels: ArrayLike<number>): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    const group = groups.get(label);
    if (group) group.push(i);
    else groups.set(label, [i]);
  }
  return groups;
}

function checkSweep(fn: string, sweep: Pick<KSweep, 'ks' | 'silhouette' | 'inertia' | 'selected'>): void {
  if (sweep.ks.length === 0) throw new OptionsError(`${fn}: sweep.ks is empty; sweep at least one k`, 'sweep');
  for (const k of sweep.ks) {
    if (!Number.isInteger(k) || k < 1) throw new OptionsError(`${fn}: sweep.ks contains ${k}; every k must be an integer >= 1`, 'sweep');
    const inertia = sweep.inertia[String(k)];
    if (inertia === undefined || !Number.isFinite(inertia)) {
      throw new OptionsError(`${fn}: sweep.inertia["${k}"] is ${inertia}; every k in sweep.ks needs a finite inertia`, 'sweep');
    }
  }
  if (!sweep.ks.includes(sweep.selected)) {
    throw new OptionsError(`${fn}: sweep.selected = ${sweep.selected} is not in sweep.ks (${sweep.ks.join(', ')})`, 'sweep');
  }
}

/**
 * Model selection: mean silhouette (left axis) and inertia (right axis) against k, the chosen k marked by a band
 * and a star. Missing silhouettes (null) are drawn as gaps.
 * @example modelSelectionFigure({ ks: [2, 3], silhouette: { '2': 0.3, '3': 0.4 }, inertia: { '2': 90, '3': 60 }, selected: 3 })
 * @throws OptionsError when ks is empty, a k lacks an inertia, or `selected` is not in ks.
 */
export function modelSelectionFigure(sweep: Pick<KSweep, 'ks' | 'silhouette' | 'inertia' | 'selected'>): PlotlyFigure {
  checkSweep('modelSelectionFigure', sweep);
  const ks = [...sweep.ks].sort((a, b) => a - b);
  const silhouette = ks.map((k) => sweep.silhouette[String(k)] ?? null);
  const inertia = ks.map((k) => sweep.inertia[String(k)]!);
  const selected = sweep.selected;
  const selectedSilhouette = sweep.silhouette[String(selected)] ?? null;
  const selectedText =
    selectedSilhouette === null ? `Chosen k = ${selected}` : `Chosen k = ${selected} (silhouette ${selectedSilhouette.toFixed(3)})`;
  const data: Record<string, unknown>[] = [
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'Mean silhouette (higher is better)',
      x: ks,
      y: silhouette,
      yaxis: 'y',
      line: { color: REFERENCE_COLOR, width: 3 },
      marker: { size: 9, color: REFERENCE_COLOR },
      hovertemplate: 'k = %{x}<br>mean silhouette %{y:.3f}<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'Inertia (lower is tighter)',
      x: ks,
      y: inertia,
      yaxis: 'y2',
      line: { color: '#8c8c8c', width: 2, dash: 'dash' },
      marker: { size: 8, color: '#8c8c8c', symbol: 'square' },
      hovertemplate: 'k = %{x}<br>inertia %{y:.4g}<extra></extra>',
    },
  ];
  if (selectedSilhouette !== null) {
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: selectedText,
      x: [selected],
      y: [selectedSilhouette],
      yaxis: 'y',
      marker: { size: 22, symbol: 'star', color: '#ffbf00', line: { color: REFERENCE_COLOR, width: 1.5 } },
      hovertemplate: `${selectedText}<extra></extra>`,
    });
  }
  return {
    data,
    layout: baseLayout(FIGURE_TITLES.modelSelection, 'Mean silhouette and inertia for each number of segments k; the chosen k is highlighted', {
      xaxis: axis('Number of segments k', { tickmode: 'array', tickvals: ks, dtick: 1 }),
      yaxis: axis('Mean silhouette (-1 to 1)', { tickformat: '.2f' }),
      yaxis2: axis('Inertia (within-segment sum of squares)', { overlaying: 'y', side: 'right', showgrid: false, tickmode: 'auto', tickformat: '~s' }),
      shapes: [
        {
          type: 'rect',
          xref: 'x',
          yref: 'paper',
          x0: selected - 0.35,
          x1: selected + 0.35,
          y0: 0,
          y1: 1,
          fillcolor: '#ffbf00',
          opacity: 0.18,
          line: { width: 0 },
          layer: 'below',
        },
      ],
      annotations: [
        {
          xref: 'x',
          yref: 'paper',
          x: selected,
          y: 1,
          yanchor: 'bottom',
          showarrow: false,
          text: `<b>${selectedText}</b>`,
          font: { size: 14 },
        },
      ],
      legend: { orientation: 'h', x: 0, y: -0.16, xanchor: 'left', yanchor: 'top' },
      margin: { l: 80, r: 90, t: 110, b: 110 },
    }),
  };
}

/**
 * Silhouette diagram: one horizontal bar per customer (its silhouette coefficient), sorted within each segment and
 * stacked segment by segment, with the overall mean as a dashed line.
 * @param input.samples per-customer silhouette, length nSamples, values in [-1, 1]
 * @param input.labels segment id per customer, length nSamples
 * @param input.totalCustomers number of customers the samples were drawn from, an integer >= nSamples; default
 *   nSamples. When larger, the subtitle says the diagram shows a random sample.
 * @example silhouetteFigure({ samples: [0.8, 0.6], labels: [0, 1], profiles, totalCustomers: 200_000 })
 * @throws OptionsError when lengths differ, a value is outside [-1, 1], a label has no profile, or totalCustomers
 *   is not an integer >= nSamples.
 */
export function silhouetteFigure(input: {
  samples: ArrayLike<number>;
  labels: ArrayLike<number>;
  profiles: readonly SegmentProfile[];
  totalCustomers?: number;
}): PlotlyFigure {
  const fn = 'silhouetteFigure';
  const { samples, labels, profiles, totalCustomers = samples.length } = input;
  const byId = checkProfiles(fn, profiles);
  checkLabels(fn, labels, samples.length, 'samples', byId);
  if (samples.length === 0) throw new OptionsError(`${fn}: samples is empty; pass one silhouette value per customer`, 'samples');
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const value = samples[i]!;
    if (!Number.isFinite(value) || value < -1 - 1e-9 || value > 1 + 1e-9) {
      throw new OptionsError(`${fn}: samples[${i}] = ${value} is not a silhouette in [-1, 1]; pass per-customer silhouette values`, 'samples');
    }
    sum += value;
  }
  if (!Number.isInteger(totalCustomers) || totalCustomers < samples.length) {
    throw new OptionsError(
      `${fn}: totalCustomers = ${totalCustomers} is not an integer >= samples.length (${samples.length}); pass the number of customers the samples were drawn from`,
      'totalCustomers',
    );
  }
  const mean = sum / samples.length;
  const sampleText =
    totalCustomers > samples.length ? ` of a random ${formatCount(samples.length)} of ${formatCount(totalCustomers)} customers` : '';
  const groups = indicesBySegment(labels);
  const gap = Math.max(2, Math.round(samples.length * 0.02));
  const data: Record<string, unknown>[] = [];
  const tickvals: number[] = [];
  const ticktext: string[] = [];
  let position = 0;
  let minValue = 0;
  for (const profile of sortedProfiles(profiles)) {
    const members = groups.get(profile.id) ?? [];
    if (members.length === 0) continue;
    const values = members.map((i) => samples[i]!).sort((a, b) => b - a);
    const segmentMean = values.reduce((acc, v) => acc + v, 0) / values.length;
    minValue = Math.min(minValue, values[values.length - 1]!);
    const ys = values.map((_, j) => position + j);
    tickvals.push(position + (values.length - 1) / 2);
    ticktext.push(`<b>${segmentName(profile)}</b><br>${profile.label}<br>n=${values.length}, mean ${segmentMean.toFixed(2)}`);
    data.push({
      type: 'bar',
      orientation: 'h',
      name: `${segmentLegendName(profile)}, mean ${segmentMean.toFixed(2)}`,
      legendgroup: `segment-${profile.id}`,
      x: values.map((v) => round(v, 4)),
      y: ys,
      width: 1,
      marker: { color: segmentColor(profile.id), line: { width: 0 } },
      hovertemplate: `${segmentName(profile)}<br>silhouette %{x:.3f}<extra></extra>`,
    });
    position += values.length + gap;
  }
  return {
    data,
    layout: baseLayout(FIGURE_TITLES.silhouette, `Per-customer silhouette${sampleText}, sorted within each segment; dashed line: mean ${mean.toFixed(3)}`, {
      bargap: 0,
      barmode: 'overlay',
      xaxis: axis('Silhouette coefficient (-1 to 1)', { range: [Math.min(-0.1, Math.floor(minValue * 10) / 10), 1], zeroline: true, zerolinecolor: '#888888' }),
      yaxis: axis('', { tickmode: 'array', tickvals, ticktext, tickfont: { size: 12 }, autorange: 'reversed', showgrid: false, ticks: '', title: undefined }),
      shapes: [
        { type: 'line', xref: 'x', yref: 'paper', x0: mean, x1: mean, y0: 0, y1: 1, line: { color: REFERENCE_COLOR, width: 2, dash: 'dash' } },
      ],
      annotations: [
        {
          xref: 'x',
          yref: 'paper',
          x: mean,
          y: 1,
          xanchor: 'left',
          yanchor: 'bottom',
          showarrow: false,
          text: `<b>mean ${mean.toFixed(3)}</b>`,
        },
      ],
      showlegend: false,
      margin: { l: 120, r: 30, t: 110, b: 70 },
    }),
  };
}

function checkPoints(fn: string, points: SegmentPoints): void {
  const byId = checkProfiles(fn, points.profiles);
  checkLabels(fn, points.labels, points.customers.length, 'customers', byId);
}

function centroidOf(profile: SegmentProfile, feature: FeatureName): number {
  return profile.centroid[feature] ?? profile.means[feature];
}

const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** 200000 -> "200,000". */
function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

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
 * come from its own stream (the segment id) and stay in ascending row order. Assumes groups.size <= maxPoints < rows.
 */
function stratifiedSample(groups: ReadonlyMap<number, number[]>, maxPoints: number, seed: number): Map<number, number[]> {
  const ids = [...groups.keys()].sort((a, b) => a - b);
  const counts = stratumCounts(ids.map((id) => groups.get(id)!.length), maxPoints);
  return new Map(
    ids.map((id, s) => {
      const rows = groups.get(id)!;
      const picked = sampleWithoutReplacement(createRng(seed, id), rows.length, counts[s]!).sort();
      return [id, Array.from(picked, (j) => rows[j]!)];
    }),
  );
}

/** What a scatter figure draws: profiles in id order, the rows of each segment id, and the subtitle's count. */
interface ScatterRows {
  profiles: SegmentProfile[];
  rows: ReadonlyMap<number, number[]>;
  customersText: string;
}

function scatterRows(fn: string, points: SegmentPoints, options: ScatterOptions): ScatterRows {
  checkPoints(fn, points);
  const { maxPoints, seed } = checkScatterOptions(fn, options);
  const total = points.customers.length;
  const groups = indicesBySegment(points.labels);
  const profiles = sortedProfiles(points.profiles);
  if (total <= maxPoints) return { profiles, rows: groups, customersText: `${total} customers` };
  if (groups.size > maxPoints) {
    throw new OptionsError(
      `${fn}: options.maxPoints = ${maxPoints} is less than the ${groups.size} segments with customers; pass maxPoints >= ${groups.size} so every segment keeps a point`,
      'maxPoints',
    );
  }
  return {
    profiles,
    rows: stratifiedSample(groups, maxPoints, seed),
    customersText: `${formatCount(total)} customers (a random ${formatCount(maxPoints)} shown)`,
  };
}

const CENTROID_NOTE = 'Centroids: cluster centres in raw units (segment means for features not used in clustering)';

/**
 * "Customer Segmentation 2D": Annual Income (x) against Spending Score (y), one colour per segment, the segment
 * centres as large diamonds; the legend carries each segment's label and size. Above `options.maxPoints`
 * customers only a seeded, segment-stratified sample is drawn (see ScatterOptions).
 * @example segments2DFigure(points, { maxPoints: 10_000, seed: 0 })
 * @throws OptionsError when labels and customers differ in length, a label has no profile, or an option is invalid.
 */
export function segments2DFigure(points: SegmentPoints, options: ScatterOptions = {}): PlotlyFigure {
  const { profiles, rows, customersText } = scatterRows('segments2DFigure', points, options);
  const { customers } = points;
  const data: Record<string, unknown>[] = profiles.map((profile) => {
    const members = rows.get(profile.id) ?? [];
    return {
      type: 'scatter',
      mode: 'markers',
      name: segmentLegendName(profile),
      legendgroup: `segment-${profile.id}`,
      x: members.map((i) => customers[i]!.income),
      y: members.map((i) => customers[i]!.spending),
      customdata: members.map((i) => [customers[i]!.id, customers[i]!.gender, customers[i]!.age]),
      marker: { color: segmentColor(profile.id), size: 11, opacity: 0.85, line: { color: '#ffffff', width: 0.8 } },
      hovertemplate:
        `Customer %{customdata[0]} (%{customdata[1]}, %{customdata[2]} years)<br>` +
        `Annual Income %{x} k$<br>Spending Score %{y}<extra>${segmentName(profile)}</extra>`,
    };
  });
  data.push({
    type: 'scatter',
    mode: 'markers',
    name: 'Segment centres',
    x: profiles.map((p) => round(centroidOf(p, COLUMNS.income), 3)),
    y: profiles.map((p) => round(centroidOf(p, COLUMNS.spending), 3)),
    text: profiles.map((p) => segmentName(p)),
    marker: {
      color: profiles.map((p) => segmentColor(p.id)),
      size: 22,
      symbol: 'diamond',
      line: { color: REFERENCE_COLOR, width: 2 },
    },
    hovertemplate: '%{text} centre<br>Annual Income %{x:.1f} k$<br>Spending Score %{y:.1f}<extra></extra>',
  });
  return {
    data,
    layout: baseLayout(FIGURE_TITLES.segments2D, `Annual Income against Spending Score, ${profiles.length} segments, ${customersText}; diamonds: segment centres`, {
      xaxis: axis(AXIS_TITLES[COLUMNS.income]),
      yaxis: axis(AXIS_TITLES[COLUMNS.spending]),
      legend: { x: 1.02, y: 1, xanchor: 'left', yanchor: 'top', itemsizing: 'constant', title: { text: 'Segments' } },
      margin: { l: 80, r: 20, t: 110, b: 70 },
      meta: { note: CENTROID_NOTE },
    }),
  };
}

/**
 * "Customer Segmentation 3D": Age, Annual Income and Spending Score as a WebGL scatter3d, one colour per segment,
 * segment centres as diamonds. Above `options.maxPoints` customers only a seeded, segment-stratified sample is
 * drawn (see ScatterOptions).
 * @example segments3DFigure(points, { maxPoints: 10_000, seed: 0 })
 * @throws OptionsError when labels and customers differ in length, a label has no profile, or an option is invalid.
 */
export function segments3DFigure(points: SegmentPoints, options: ScatterOptions = {}): PlotlyFigure {
  const { profiles, rows, customersText } = scatterRows('segments3DFigure', points, options);
  const { customers } = points;
  const data: Record<string, unknown>[] = profiles.map((profile) => {
    const members = rows.get(profile.id) ?? [];
    return {
      type: 'scatter3d',
      mode: 'markers',
      name: segmentLegendName(profile),
      legendgroup: `segment-${profile.id}`,
      x: members.map((i) => customers[i]!.age),
      y: members.map((i) => customers[i]!.income),
      z: members.map((i) => customers[i]!.spending),
      customdata: members.map((i) => [customers[i]!.id, customers[i]!.gender]),
      marker: { color: segmentColor(profile.id), size: 5, opacity: 0.9, line: { color: '#ffffff', width: 0.5 } },
      hovertemplate:
        `Customer %{customdata[0]} (%{customdata[1]})<br>Age %{x} years<br>Annual Income %{y} k$<br>` +
        `Spending Score %{z}<extra>${segmentName(profile)}</extra>`,
    };
  });
  data.push({
    type: 'scatter3d',
    mode: 'markers',
    name: 'Segment centres',
    x: profiles.map((p) => round(centroidOf(p, COLUMNS.age), 3)),
    y: profiles.map((p) => round(centroidOf(p, COLUMNS.income), 3)),
    z: profiles.map((p) => round(centroidOf(p, COLUMNS.spending), 3)),
    text: profiles.map((p) => segmentName(p)),
    marker: { color: profiles.map((p) => segmentColor(p.id)), size: 12, symbol: 'diamond', line: { color: REFERENCE_COLOR, width: 2 } },
    hovertemplate: '%{text} centre<br>Age %{x:.1f}<br>Annual Income %{y:.1f} k$<br>Spending Score %{z:.1f}<extra></extra>',
  });
  const sceneAxis = (title: string): Record<string, unknown> => ({
    title: { text: title, font: { size: 14 } },
    backgroundcolor: '#f7f7f7',
    showbackground: true,
    gridcolor: '#d9d9d9',
    zeroline: false,
  });
  return {
    data,
    layout: baseLayout(FIGURE_TITLES.segments3D, `Age, Annual Income and Spending Score, ${profiles.length} segments, ${customersText}; diamonds: segment centres`, {
      scene: {
        xaxis: sceneAxis(AXIS_TITLES[COLUMNS.age]),
        yaxis: sceneAxis(AXIS_TITLES[COLUMNS.income]),
        zaxis: sceneAxis(AXIS_TITLES[COLUMNS.spending]),
        aspectmode: 'cube',
        camera: { eye: { x: 1.55, y: -1.55, z: 0.85 } },
        domain: { x: [0, 0.62], y: [0, 1] },
      },
      legend: { x: 0.64, y: 0.95, xanchor: 'left', yanchor: 'top', itemsizing: 'constant', title: { text: 'Segments' } },
      margin: { l: 10, r: 10, t: 110, b: 10 },
      meta: { note: CENTROID_NOTE },
    }),
  };
}

interface Panel {
  title: string;
  value: (p: SegmentProfile) => number;
  text: (p: SegmentProfile) => string;
  population: number;
  populationText: string;
  x: [number, number];
  y: [number, number];
}

/**
 * Segment profiles, five panels: mean Age, mean Annual Income and mean Spending Score of each segment against the
 * population mean (dashed line), each segment's size, and its share of female customers against the population's.
 * @param input.population population mean of each feature, raw units
 * @throws OptionsError when profiles is empty or a population mean is not finite.
 */
export function profilesFigure(input: { profiles: readonly SegmentProfile[]; population: Record<FeatureName, number> }): PlotlyFigure {
  const fn = 'profilesFigure';
  checkProfiles(fn, input.profiles);
  for (const feature of [COLUMNS.age, COLUMNS.income, COLUMNS.spending] as const) {
    const value = input.population[feature];
    if (value === undefined || !Number.isFinite(value)) {
      throw new OptionsError(`${fn}: population["${feature}"] is ${value}; pass the population mean of each feature`, 'population');
    }
  }
  const profiles = sortedProfiles(input.profiles);
  const total = profiles.reduce((acc, p) => acc + p.size, 0);
  const femaleShare = total === 0 ? 0 : profiles.reduce((acc, p) => acc + p.gender.Female * p.size, 0) / total;
  const mean = (feature: FeatureName): Pick<Panel, 'value' | 'text' | 'population' | 'populationText'> => ({
    value: (p) => round(p.means[feature], 2),
    text: (p) => p.means[feature].toFixed(1),
    population: round(input.population[feature], 2),
    populationText: `population ${input.population[feature].toFixed(1)}`,
  });
  const top: [number, number] = [0.6, 0.94];
  const bottom: [number, number] = [0, 0.34];
  const panels: Panel[] = [
    { title: `Mean ${AXIS_TITLES[COLUMNS.age]}`, ...mean(COLUMNS.age), x: [0, 0.29], y: top },
    { title: `Mean ${AXIS_TITLES[COLUMNS.income]}`, ...mean(COLUMNS.income), x: [0.355, 0.645], y: top },
    { title: `Mean ${AXIS_TITLES[COLUMNS.spending]}`, ...mean(COLUMNS.spending), x: [0.71, 1], y: top },
    {
      title: 'Segment size (customers)',
      value: (p) => p.size,
      text: (p) => `${p.size} (${Math.round(p.share * 100)}%)`,
      population: total / profiles.length,
      populationText: `even split ${(total / profiles.length).toFixed(1)}`,
      x: [0, 0.46],
      y: bottom,
    },
    {
      title: 'Female share (%), rest male',
      value: (p) => round(p.gender.Female * 100, 1),
      text: (p) => `${Math.round(p.gender.Female * 100)}%`,
      population: round(femaleShare * 100, 1),
      populationText: `population ${Math.round(femaleShare * 100)}%`,
      x: [0.54, 1],
      y: bottom,
    },
  ];
  const categories = profiles.map((p) => String(p.id));
  const data: Record<string, unknown>[] = [];
  const layoutAxes: Record<string, unknown> = {};
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  panels.forEach((panel, index) => {
    const suffix = index === 0 ? '' : String(index + 1);
    const xName = `x${suffix}`;
    const yName = `y${suffix}`;
    for (const profile of profiles) {
      data.push({
        type: 'bar',
        name: segmentLegendName(profile),
        legendgroup: `segment-${profile.id}`,
        showlegend: index === 0,
        x: [String(profile.id)],
        y: [panel.value(profile)],
        text: [panel.text(profile)],
        textposition: 'outside',
        cliponaxis: false,
        xaxis: xName,
        yaxis: yName,
        marker: { color: segmentColor(profile.id) },
        hovertemplate: `${segmentName(profile)}<br>${panel.title}: %{text}<extra></extra>`,
      });
    }
    const maxValue = Math.max(panel.population, ...profiles.map((p) => panel.value(p)));
    layoutAxes[`xaxis${suffix}`] = axis('Segment', {
      domain: panel.x,
      anchor: yName,
      type: 'category',
      categoryorder: 'array',
      categoryarray: categories,
      showgrid: false,
      title: { text: 'Segment', font: { size: 13 }, standoff: 4 },
    });
    layoutAxes[`yaxis${suffix}`] = axis('', { domain: panel.y, anchor: xName, rangemode: 'tozero', range: [0, maxValue * 1.22], title: undefined });
    shapes.push({
      type: 'line',
      xref: `${xName} domain`,
      yref: yName,
      x0: 0,
      x1: 1,
      y0: panel.population,
      y1: panel.population,
      line: { color: REFERENCE_COLOR, width: 2, dash: 'dash' },
    });
    annotations.push({
      xref: `${xName} domain`,
      yref: `${yName} domain`,
      x: 0,
      y: 1.03,
      xanchor: 'left',
      yanchor: 'bottom',
      align: 'left',
      showarrow: false,
      text: `<b>${panel.title}</b><br><span style="font-size:12px;color:#555555">dashed line: ${panel.populationText}</span>`,
      font: { size: 15 },
    });
  });
  return {
    data,
    layout: baseLayout(FIGURE_TITLES.profiles, 'Each segment against the whole population (dashed lines); bars coloured by segment', {
      ...layoutAxes,
      shapes,
      annotations,
      barmode: 'group',
      bargap: 0.25,
      uniformtext: { minsize: 10, mode: 'hide' },
      legend: { orientation: 'h', x: 0, y: -0.1, xanchor: 'left', yanchor: 'top', title: { text: 'Segments' } },
      margin: { l: 60, r: 20, t: 110, b: 150 },
    }),
  };
}

/**
 * The report's five charts, in page order: model selection, silhouette, segment profiles, 2D and 3D segmentation.
 * @param input.silhouetteSamples per-customer silhouette for the selected k, length nSamples: one per customer of
 *   `points` in the same order, or, with `silhouetteLabels`, one per customer of a sample of them
 * @param input.silhouetteLabels segment id of each customer in `silhouetteSamples`, length nSamples; default
 *   `points.labels`. When given, the silhouette subtitle says the samples are a random nSamples of
 *   points.customers.length customers (unless the two are equal).
 * @param input.scatter options of both segmentation scatters (maxPoints default 10_000, seed default 0)
 * @example reportFigures({ sweep, points, silhouetteSamples, silhouetteLabels, population, scatter: { seed: 0 } })
 */
export function reportFigures(input: {
  sweep: Pick<KSweep, 'ks' | 'silhouette' | 'inertia' | 'selected'>;
  points: SegmentPoints;
  silhouetteSamples: ArrayLike<number>;
  silhouetteLabels?: ArrayLike<number>;
  population: Record<FeatureName, number>;
  scatter?: ScatterOptions;
}): NamedFigure[] {
  const { sweep, points, silhouetteSamples, silhouetteLabels, population, scatter = {} } = input;
  const named = (id: string, name: string, figure: PlotlyFigure): NamedFigure => ({ id, name, title: name, figure });
  const silhouette =
    silhouetteLabels === undefined
      ? { samples: silhouetteSamples, labels: points.labels, profiles: points.profiles }
      : { samples: silhouetteSamples, labels: silhouetteLabels, profiles: points.profiles, totalCustomers: points.customers.length };
  return [
    named('model-selection', FIGURE_TITLES.modelSelection, modelSelectionFigure(sweep)),
    named('silhouette', FIGURE_TITLES.silhouette, silhouetteFigure(silhouette)),
    named('profiles', FIGURE_TITLES.profiles, profilesFigure({ profiles: points.profiles, population })),
    named('segments-2d', FIGURE_TITLES.segments2D, segments2DFigure(points, scatter)),
    named('segments-3d', FIGURE_TITLES.segments3D, segments3DFigure(points, scatter)),
  ];
}
