/** The silhouette diagram: per-customer silhouettes, sorted within each segment. */
import { OptionsError } from '../util/errors';
import type { SegmentProfile } from '../model/types';
import { REFERENCE_COLOR, segmentColor } from './colors';
import {
  axis,
  baseLayout,
  checkLabels,
  checkProfiles,
  FIGURE_TITLES,
  formatCount,
  indicesBySegment,
  round,
  segmentLegendName,
  segmentName,
  sortedProfiles,
  type PlotlyFigure,
} from './common';

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
