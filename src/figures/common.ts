/**
 * What every figure module shares: the figure types, titles, the house layout and axis, segment names, and the
 * checks of profiles and labels. Internal to src/figures (specs.ts re-exports the public names).
 */
import { field, type TableSchema } from '../data/schema';
import { OptionsError } from '../util/errors';
import type { SegmentProfile } from '../model/types';
import { segmentColor } from './colors';

/** A Plotly figure as plain JSON: `Plotly.newPlot(div, fig.data, fig.layout)`. */
export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** One principal component of a scatter drawn in PC space: its share of variance and its largest loadings. */
export interface ComponentSummary {
  /** "PC1", "PC2", ... */
  name: string;
  /** Share of the total variance of the standardized clustering matrix, 0..1. */
  explainedVarianceRatio: number;
  /** The largest loadings by absolute value (at most 3), largest first: clustering column and signed weight. */
  top: { column: string; loading: number }[];
}

/** A figure with the names the outputs use. */
export interface NamedFigure {
  /** Stable id, used for HTML element ids and anchors, e.g. "segments-2d". */
  id: string;
  /** File base name without spaces, e.g. "customer-segmentation-2d" (written as `<name>.html` and `<name>.png`). */
  name: string;
  /** Human title, the same text as the figure's `layout.title.text`. */
  title: string;
  figure: PlotlyFigure;
  /** When the figure's axes are principal components: what each one is made of (the page lists it). Default: absent. */
  components?: ComponentSummary[];
}

/** Titles of the report's charts (the file base names are these in lower case, words joined by hyphens: {@link figureFileName}). */
export const FIGURE_TITLES = {
  modelSelection: 'Model Selection',
  silhouette: 'Silhouette by Segment',
  profiles: 'Segment Profiles',
  segments2D: 'Customer Segmentation 2D',
  segments3D: 'Customer Segmentation 3D',
} as const;

/** A title as a file base name: lower case, runs of anything but letters and digits as one hyphen ("Customer Segmentation 2D" -> "customer-segmentation-2d"). */
export function figureFileName(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

const FONT = { family: '"Open Sans", "DejaVu Sans", Arial, sans-serif', size: 14, color: '#222222' };

/** Short name of a segment, as on axes and in the page: "Segment 3". */
export function segmentName(profile: Pick<SegmentProfile, 'id'>): string {
  return `Segment ${profile.id}`;
}

/** Legend entry of a segment: "Segment 3 · Young, high income, high spending (n=39)". */
export function segmentLegendName(profile: Pick<SegmentProfile, 'id' | 'label' | 'size'>): string {
  return `${segmentName(profile)} · ${profile.label} (n=${profile.size})`;
}

export function baseLayout(title: string, subtitle: string | undefined, extra: Record<string, unknown>): Record<string, unknown> {
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

export function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
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

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function sortedProfiles(profiles: readonly SegmentProfile[]): SegmentProfile[] {
  return [...profiles].sort((a, b) => a.id - b.id);
}

export function checkProfiles(fn: string, profiles: readonly SegmentProfile[]): Map<number, SegmentProfile> {
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

export function checkLabels(fn: string, labels: ArrayLike<number>, n: number, what: string, byId: Map<number, SegmentProfile>): void {
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

export function indicesBySegment(labels: ArrayLike<number>): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    const group = groups.get(label);
    if (group) group.push(i);
    else groups.set(label, [i]);
  }
  return groups;
}

const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** 200000 -> "200,000". */
export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });

/** A mean as bar text: one decimal (40.3), compact from 1000 on (54.3K), two significant digits below 1 (0.012). */
export function formatValue(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return COMPACT.format(value);
  if (magnitude >= 1 || magnitude === 0) return value.toFixed(1);
  return value.toPrecision(2);
}

/**
 * A unit that is a scale rather than a unit ("1-100", "0-10") is not written after values: "Spending Score 39",
 * but "Annual Income 15 k$".
 */
function unitAfterValue(schema: TableSchema, column: string): string {
  const unit = field(schema, column).unit;
  return unit && !/^-?\d+(\.\d+)?\s*[-–]\s*-?\d+(\.\d+)?$/.test(unit.trim()) ? ` ${unit}` : '';
}

/** A hover line of a column: "Annual Income %{x} k$" for `column`, `placeholder` "%{x}". */
export function hoverValue(schema: TableSchema, column: string, placeholder: string): string {
  const f = field(schema, column);
  return `${f.title ?? f.name} ${placeholder}${unitAfterValue(schema, column)}`;
}

/** A value in a parenthetical list: "35 years" for a column with a unit, else "Visits 3". */
export function hoverShortValue(schema: TableSchema, column: string, placeholder: string): string {
  const unit = unitAfterValue(schema, column);
  if (unit) return `${placeholder}${unit}`;
  const f = field(schema, column);
  return `${f.title ?? f.name} ${placeholder}`;
}

/**
 * Breaks `text` at spaces into lines of at most `maxChars` characters (a longer word stays whole), joined with
 * `<br>`; Plotly annotations do not wrap by themselves.
 */
export function wrapText(text: string, maxChars: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.join('<br>');
}
