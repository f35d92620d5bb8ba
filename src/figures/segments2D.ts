/** "Customer Segmentation 2D": two numeric columns of the table, one colour per segment, centres as diamonds. */
import { axisTitle, displayName, featureAxisTitle, field, numericFeatures, type TableSchema } from '../data/schema';
import type { Customers } from '../data/clean';
import type { SegmentProfile } from '../model/types';
import { REFERENCE_COLOR, segmentColor } from './colors';
import { axis, baseLayout, FIGURE_TITLES, hoverValue, round, segmentName, type PlotlyFigure } from './common';
import { choosePlotColumns, type PlotChoice } from './plotAxes';
import { CENTROID_NOTE, customerHover, plotValue, scatterLegendName, scatterRows, type ScatterOptions, type SegmentPoints } from './scatter';

/** Options of {@link segments2DFigure}: the sample (ScatterOptions) and the columns drawn (PlotChoice). */
export interface Segments2DOptions extends ScatterOptions {
  /** Columns on the axes; each absent one is chosen by {@link choosePlotColumns}. Default: both chosen. */
  plot?: PlotChoice;
}

/** A segment centre in a column: the cluster centre (raw units) when the column was clustered, else the segment mean. */
export function centreOf(profile: SegmentProfile, column: string): number {
  return profile.centroid[column] ?? profile.means[column]!;
}

/**
 * The axis of a column: a log axis, titled "... (log scale)", for a feature clustered as log1p whose values are all
 * > 0 (a log axis cannot place 0; with zeros the axis stays linear and its title says the model uses log1p).
 */
function columnAxis(data: Customers, column: string): Record<string, unknown> {
  const { schema } = data;
  if (!isLog1pFeature(schema, column)) return axis(axisTitle(schema, column));
  const values = data.numeric[column]!;
  let positive = true;
  for (let i = 0; i < values.length && positive; i++) positive = values[i]! > 0;
  return positive ? axis(`${axisTitle(schema, column)} (log scale)`, { type: 'log' }) : axis(featureAxisTitle(schema, column));
}

function isLog1pFeature(schema: TableSchema, column: string): boolean {
  return numericFeatures(schema).includes(column) && field(schema, column).transform === 'log1p';
}

/**
 * "Customer Segmentation 2D": one numeric column against another (options.plot, else the schema's `plot`, else the
 * two numeric features that best separate the segments; see choosePlotColumns), one colour per segment, the segment
 * centres as large diamonds; the legend carries each segment's label and size, the hover each customer's id and
 * values with units. Above `options.maxPoints` customers only a seeded, segment-stratified sample is drawn. A
 * feature clustered as log1p is drawn on a log axis.
 * Mall: Annual Income (x) against Spending Score (y).
 * @example segments2DFigure(points, { maxPoints: 10_000, seed: 0, plot: { x: 'Age' } })
 * @throws OptionsError when labels and customers differ in length, a label has no profile, an option is invalid,
 *   or a plot column is not a numeric column of the table (the message lists the choices).
 */
export function segments2DFigure(points: SegmentPoints, options: Segments2DOptions = {}): PlotlyFigure {
  const { profiles, rows, customersText } = scatterRows('segments2DFigure', points, options);
  const { data } = points;
  const { schema } = data;
  const { x, y } = choosePlotColumns(data, points.labels, options.plot);
  const xs = data.numeric[x]!;
  const ys = data.numeric[y]!;
  const hover = customerHover(data, [x, y]);
  const traces: Record<string, unknown>[] = profiles.map((profile) => {
    const members = rows.get(profile.id) ?? [];
    return {
      type: 'scatter',
      mode: 'markers',
      name: scatterLegendName(profile),
      legendgroup: `segment-${profile.id}`,
      x: members.map((i) => plotValue(xs[i]!)),
      y: members.map((i) => plotValue(ys[i]!)),
      customdata: hover.customdata(members),
      marker: { color: segmentColor(profile.id), size: 11, opacity: 0.85, line: { color: '#ffffff', width: 0.8 } },
      hovertemplate: `${hover.header}<br>${hoverValue(schema, x, '%{x}')}<br>${hoverValue(schema, y, '%{y}')}<extra>${segmentName(profile)}</extra>`,
    };
  });
  traces.push({
    type: 'scatter',
    mode: 'markers',
    name: 'Segment centres',
    x: profiles.map((p) => round(centreOf(p, x), 3)),
    y: profiles.map((p) => round(centreOf(p, y), 3)),
    text: profiles.map((p) => segmentName(p)),
    marker: {
      color: profiles.map((p) => segmentColor(p.id)),
      size: 22,
      symbol: 'diamond',
      line: { color: REFERENCE_COLOR, width: 2 },
    },
    hovertemplate: `%{text} centre<br>${hoverValue(schema, x, '%{x:.1f}')}<br>${hoverValue(schema, y, '%{y:.1f}')}<extra></extra>`,
  });
  const subtitle = `${displayName(schema, x)} against ${displayName(schema, y)}, ${profiles.length} segments, ${customersText}; diamonds: segment centres`;
  return {
    data: traces,
    layout: baseLayout(FIGURE_TITLES.segments2D, subtitle, {
      xaxis: columnAxis(data, x),
      yaxis: columnAxis(data, y),
      legend: { x: 1.02, y: 1, xanchor: 'left', yanchor: 'top', itemsizing: 'constant', title: { text: 'Segments' } },
      margin: { l: 80, r: 20, t: 110, b: 70 },
      meta: { note: CENTROID_NOTE },
    }),
  };
}
