/** The model-selection chart: mean silhouette and inertia against k. */
import { OptionsError } from '../errors';
import type { KSweep } from '../model/types';
import { REFERENCE_COLOR } from './colors';
import { axis, baseLayout, FIGURE_TITLES, type PlotlyFigure } from './common';

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
