/**
 * "Segment Profiles": small multiples, one panel per numeric column (segment means against the population mean),
 * one for segment sizes and one per categorical column (its mix in each segment), on a grid sized by the count.
 */
import { axisTitle, categoricalColumns, displayName, field, numericColumns, type TableSchema } from '../data/schema';
import { categoryValues } from '../features/encode';
import { OptionsError } from '../util/errors';
import type { SegmentProfile } from '../model/types';
import { REFERENCE_COLOR, segmentColor } from './colors';
import {
  axis,
  baseLayout,
  checkProfiles,
  FIGURE_TITLES,
  formatValue,
  round,
  segmentLegendName,
  segmentName,
  sortedProfiles,
  wrapText,
  type PlotlyFigure,
} from './common';

/** Input of {@link profilesFigure}. */
export interface ProfilesInput {
  /** The table's schema: which columns are numeric and categorical, their titles and units. */
  schema: TableSchema;
  /** One profile per segment (means of every numeric column, shares of every categorical column's values). */
  profiles: readonly SegmentProfile[];
  /** Population mean of every numeric column of the schema, raw units (Segmentation.population). */
  population: Record<string, number>;
}

/** Colours of a categorical column's values in its stacked bars (ColorBrewer Dark2), then grey for "other". */
const CATEGORY_COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d'];
const OTHER_COLOR = '#999999';
/** Values drawn per categorical column; rarer ones (by population share) are pooled as "other". */
const MAX_CATEGORY_VALUES = CATEGORY_COLORS.length;

/** Horizontal gap between panels, as a share of the width, by panels per row (tuned on 1200 px wide PNGs). */
const H_GAP: Record<number, number> = { 1: 0, 2: 0.08, 3: 0.065, 4: 0.06, 5: 0.05 };
/** Vertical sizes in px: a panel, the gap between rows (panel title, note, the row above's axis), the space above the top row. */
const PANEL_PX = 183.6;
const ROW_GAP_PX = 140.4;
const TOP_PX = 32.4;
/** Layout margins (top: title and subtitle; bottom: the last row's axis and the legend), px. */
const MARGIN = { l: 60, r: 20, t: 110, b: 150 };
/** Height every chart has unless it says otherwise (the renderer's and Plotly's default of the report). */
const DEFAULT_HEIGHT = 800;
/** Approximate width of a character of a 15 px bold panel title, px. */
const TITLE_CHAR_PX = 8.6;
/** Height of one more heading line above the top row, px. */
const HEADING_LINE_PX = 19;

interface Bars {
  kind: 'bars';
  title: string;
  value: (p: SegmentProfile) => number;
  text: (p: SegmentProfile) => string;
  population: number;
  populationText: string;
}

interface Stack {
  kind: 'stack';
  title: string;
  column: string;
  /** Values drawn (most common first in the population), then "other" when some were pooled. */
  values: string[];
  /** Colour of each of `values`. */
  colors: string[];
  share: (p: SegmentProfile | 'all', value: string) => number;
}

type Panel = Bars | Stack;

/** Panels per row for `count` panels: all in one row up to 3, then 3 up to 6, 4 up to 16, else 5. */
export function gridColumns(count: number): number {
  if (count <= 3) return count;
  if (count <= 6) return 3;
  if (count <= 16) return 4;
  return 5;
}

/**
 * Where each of `count` panels goes: rows of `gridColumns(count)` panels filled left to right (a shorter last row
 * is spread over the full width), domains as shares of the plot area; and the figure height that keeps each panel
 * 184 px tall (800 px for two rows). `extraTopPx`: more room above the top row (for panel titles on several lines).
 */
export function panelGrid(count: number, extraTopPx = 0): { x: [number, number]; y: [number, number] }[] & { height: number; rows: number } {
  const cols = gridColumns(count);
  const rows = Math.ceil(count / cols);
  const top = TOP_PX + extraTopPx;
  const area = rows * PANEL_PX + (rows - 1) * ROW_GAP_PX + top;
  const cells = Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / cols);
    const inRow = row === rows - 1 ? count - row * cols : cols;
    const col = i - row * cols;
    const gap = H_GAP[inRow] ?? 0.05;
    const width = (1 - gap * (inRow - 1)) / inRow;
    const x0 = col * (width + gap);
    const y1 = 1 - (top + row * (PANEL_PX + ROW_GAP_PX)) / area;
    return {
      x: [round(x0, 4), round(Math.min(1, x0 + width), 4)] as [number, number],
      y: [round(Math.max(0, y1 - PANEL_PX / area), 4), round(y1, 4)] as [number, number],
    };
  });
  return Object.assign(cells, { height: Math.round(area + MARGIN.t + MARGIN.b), rows });
}

/** Key items joined by two spaces, broken into lines of at most `maxChars` visible characters. */
function keyLines(items: { html: string; chars: number }[], maxChars: number): string {
  const lines: string[][] = [[]];
  let used = 0;
  for (const item of items) {
    if (used > 0 && used + 2 + item.chars > maxChars) {
      lines.push([]);
      used = 0;
    }
    lines[lines.length - 1]!.push(item.html);
    used += (used > 0 ? 2 : 0) + item.chars;
  }
  return lines.map((l) => l.join('  ')).join('<br>');
}

/** A panel's heading: its title in bold, then its note (the population reference, or the key of a stack's colours). */
function panelHeading(panel: Panel, maxChars: number): string {
  const note =
    panel.kind === 'bars'
      ? `dashed line: ${panel.populationText}`
      : keyLines(panel.values.map((value, v) => ({ html: `<span style="color:${panel.colors[v]}">■</span> ${value}`, chars: value.length + 2 })), maxChars + 8);
  const noteLines = note.split('<br>').map((line) => `<span style="font-size:12px;color:#555555">${line}</span>`);
  return `<b>${wrapText(panel.title, maxChars)}</b><br>${noteLines.join('<br>')}`;
}

/** Population share of each value of a categorical column: the segments' shares weighted by their sizes. */
function populationShares(profiles: readonly SegmentProfile[], column: string): Map<string, number> {
  const total = profiles.reduce((acc, p) => acc + p.size, 0);
  const shares = new Map<string, number>();
  for (const p of profiles) {
    for (const [value, share] of Object.entries(p.categories[column] ?? {})) shares.set(value, (shares.get(value) ?? 0) + (total === 0 ? 0 : (share * p.size) / total));
  }
  return shares;
}

/**
 * The two values of a two-valued column, the one whose share is drawn first: the schema's `positive` value, else the
 * less frequent one in the population (a churn column shows "churn: Yes share", the rate an analyst reads), the
 * first in order on a tie.
 */
export function shownFirst(schema: TableSchema, column: string, values: readonly [string, string], population: ReadonlyMap<string, number>): [string, string] {
  const positive = field(schema, column).positive;
  const [a, b] = values;
  if (positive === b || (positive !== a && (population.get(b) ?? 0) < (population.get(a) ?? 0))) return [b, a];
  return [a, b];
}

function categoricalPanel(schema: TableSchema, profiles: readonly SegmentProfile[], column: string): Panel {
  const population = populationShares(profiles, column);
  const values = categoryValues(schema, [...population.keys()], column);
  const total = profiles.reduce((acc, p) => acc + p.size, 0);
  const name = displayName(schema, column);
  if (values.length === 2) {
    const [first, second] = shownFirst(schema, column, values as [string, string], population);
    const popShare = population.get(first) ?? 0;
    return {
      kind: 'bars',
      title: `${name}: ${first} share (%), rest ${second.toLowerCase()}`,
      value: (p) => round((p.categories[column]?.[first] ?? 0) * 100, 1),
      text: (p) => `${Math.round((p.categories[column]?.[first] ?? 0) * 100)}%`,
      population: round((total === 0 ? 0 : popShare) * 100, 1),
      populationText: `population ${Math.round(popShare * 100)}%`,
    };
  }
  const byShare = [...values].sort((a, b) => (population.get(b) ?? 0) - (population.get(a) ?? 0));
  const pooled = byShare.length > MAX_CATEGORY_VALUES;
  const kept = pooled ? byShare.slice(0, MAX_CATEGORY_VALUES - 1) : byShare;
  const share = (p: SegmentProfile | 'all', value: string): number => {
    const of = (v: string) => (p === 'all' ? (population.get(v) ?? 0) : (p.categories[column]?.[v] ?? 0));
    if (value !== 'other' || !pooled) return of(value);
    return byShare.filter((v) => !kept.includes(v)).reduce((acc, v) => acc + of(v), 0);
  };
  const colors = kept.map((_, v) => CATEGORY_COLORS[v]!);
  return {
    kind: 'stack',
    title: `${name}: mix per segment (%)`,
    column,
    values: pooled ? [...kept, 'other'] : kept,
    colors: pooled ? [...colors, OTHER_COLOR] : colors,
    share,
  };
}

/**
 * "Segment Profiles": small multiples on a grid sized by their count (see panelGrid):
 * - each numeric column of the schema: the mean of each segment (bars in segment colours) against the population
 *   mean (dashed line);
 * - "Segment size": customers per segment against an even split;
 * - each categorical column: with two values, the share of the schema's `positive` value, else of the less frequent
 *   one, against the population's (Mall: "Gender: Female share (%), rest male"; a churn column: "churn: Yes share"); with more, stacked bars of each segment's mix and the population's ("All"),
 *   the 7 most common values by name (rarer ones pooled as "other").
 * Mall: Age, Annual Income, Spending Score on top, size and gender below (1200 x 800). More panels make the figure
 * taller (`layout.height`), each panel keeping its size.
 * @example profilesFigure({ schema: data.schema, profiles: seg.profiles, population: seg.population })
 * @throws OptionsError when profiles is empty or a population mean is missing or not finite.
 */
export function profilesFigure(input: ProfilesInput): PlotlyFigure {
  const fn = 'profilesFigure';
  const { schema } = input;
  checkProfiles(fn, input.profiles);
  const numeric = numericColumns(schema);
  for (const column of numeric) {
    const value = input.population[column];
    if (value === undefined || !Number.isFinite(value)) {
      throw new OptionsError(`${fn}: population["${column}"] is ${value}; pass the population mean of each numeric column`, 'population');
    }
  }
  const profiles = sortedProfiles(input.profiles);
  const total = profiles.reduce((acc, p) => acc + p.size, 0);
  const panels: Panel[] = [
    ...numeric.map(
      (column): Panel => ({
        kind: 'bars',
        title: `Mean ${axisTitle(schema, column)}`,
        value: (p) => round(p.means[column]!, 2),
        text: (p) => formatValue(p.means[column]!),
        population: round(input.population[column]!, 2),
        populationText: `population ${formatValue(input.population[column]!)}`,
      }),
    ),
    {
      kind: 'bars',
      title: 'Segment size (customers)',
      value: (p) => p.size,
      text: (p) => `${p.size} (${Math.round(p.share * 100)}%)`,
      population: total / profiles.length,
      populationText: `even split ${(total / profiles.length).toFixed(1)}`,
    },
    ...categoricalColumns(schema).map((column) => categoricalPanel(schema, profiles, column)),
  ];
  const plotWidth = 1200 - MARGIN.l - MARGIN.r;
  // Panel headings (title and note) wrap to their panel's width; headings of the top row on more than two lines
  // get the room above it.
  const headings = panelGrid(panels.length).map((cell, i) => panelHeading(panels[i]!, Math.max(16, Math.floor(((cell.x[1] - cell.x[0]) * plotWidth) / TITLE_CHAR_PX))));
  const topLines = Math.max(...headings.slice(0, gridColumns(panels.length)).map((h) => h.split('<br>').length));
  const grid = panelGrid(panels.length, Math.max(0, topLines - 2) * HEADING_LINE_PX);
  const area = grid.height - MARGIN.t - MARGIN.b;
  const categories = profiles.map((p) => String(p.id));
  const data: Record<string, unknown>[] = [];
  const layoutAxes: Record<string, unknown> = {};
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  panels.forEach((panel, index) => {
    const { x: xDomain, y: yDomain } = grid[index]!;
    const suffix = index === 0 ? '' : String(index + 1);
    const xName = `x${suffix}`;
    const yName = `y${suffix}`;
    const xAxis = (categoryarray: string[]) =>
      axis('Segment', {
        domain: xDomain,
        anchor: yName,
        type: 'category',
        categoryorder: 'array',
        categoryarray,
        showgrid: false,
        title: { text: 'Segment', font: { size: 13 }, standoff: 4 },
      });
    if (panel.kind === 'bars') {
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
      const values = profiles.map((p) => panel.value(p));
      const maxValue = Math.max(panel.population, ...values);
      const minValue = Math.min(0, panel.population, ...values);
      layoutAxes[`xaxis${suffix}`] = xAxis(categories);
      layoutAxes[`yaxis${suffix}`] = axis('', {
        domain: yDomain,
        anchor: xName,
        rangemode: 'tozero',
        range: [minValue < 0 ? minValue * 1.22 : 0, Math.max(0, maxValue) * 1.22],
        title: undefined,
      });
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
    } else {
      const columns = [...categories, 'All'];
      panel.values.forEach((value, v) => {
        const color = panel.colors[v];
        const shares = [...profiles.map((p) => panel.share(p, value)), panel.share('all', value)];
        data.push({
          type: 'bar',
          name: value,
          showlegend: false,
          x: columns,
          y: shares.map((s) => round(s * 100, 1)),
          text: shares.map((s) => (s >= 0.08 ? `${Math.round(s * 100)}%` : '')),
          textposition: 'inside',
          insidetextanchor: 'middle',
          textfont: { color: '#ffffff', size: 11 },
          xaxis: xName,
          yaxis: yName,
          marker: { color, line: { color: '#ffffff', width: 1 } },
          customdata: [...profiles.map((p) => segmentName(p)), 'All customers'],
          hovertemplate: `%{customdata}<br>${displayName(schema, panel.column)} = ${value}: %{y:.1f}%<extra></extra>`,
        });
      });
      layoutAxes[`xaxis${suffix}`] = xAxis(columns);
      layoutAxes[`yaxis${suffix}`] = axis('', { domain: yDomain, anchor: xName, range: [0, 100], title: undefined, ticksuffix: '%' });
    }
    annotations.push({
      xref: `${xName} domain`,
      yref: `${yName} domain`,
      x: 0,
      y: 1.03,
      xanchor: 'left',
      yanchor: 'bottom',
      align: 'left',
      showarrow: false,
      text: headings[index],
      font: { size: 15 },
    });
  });
  return {
    data,
    layout: baseLayout(FIGURE_TITLES.profiles, 'Each segment against the whole population (dashed lines); bars coloured by segment', {
      ...layoutAxes,
      shapes,
      annotations,
      barmode: panels.some((p) => p.kind === 'stack') ? 'stack' : 'group',
      bargap: 0.25,
      uniformtext: { minsize: 10, mode: 'hide' },
      legend: { orientation: 'h', x: 0, y: round(-54 / area, 3), xanchor: 'left', yanchor: 'top', title: { text: 'Segments' } },
      margin: MARGIN,
      ...(grid.height === DEFAULT_HEIGHT ? {} : { height: grid.height }),
    }),
  };
}
