/** The model-selection chart: mean silhouette and inertia against k. */
import { OptionsError } from '../util/errors';
import type { KCriteria } from '../model/criteria';
import type { KSweep } from '../model/types';
import { REFERENCE_COLOR } from './colors';
import { STABILITY_MIN } from '../model/selectK';
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
 * and a star. Missing silhouettes (null) are drawn as gaps. With `criteria` (a sweep's KCriteria per k) three
 * panels below show Calinski-Harabasz, Davies-Bouldin, and stability with the smallest segment's share.
 * @example modelSelectionFigure({ ks: [2, 3], silhouette: { '2': 0.3, '3': 0.4 }, inertia: { '2': 90, '3': 60 }, selected: 3 })
 * @throws OptionsError when ks is empty, a k lacks an inertia, or `selected` is not in ks.
 */
export function modelSelectionFigure(sweep: Pick<KSweep, 'ks' | 'silhouette' | 'inertia' | 'selected'> & { criteria?: Record<string, KCriteria> }): PlotlyFigure {
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
  const panels = sweep.criteria ? criteriaPanels(ks, sweep.criteria, selected) : null;
  if (panels) data.push(...panels.data);
  const figure: PlotlyFigure = {
    data,
    layout: baseLayout(FIGURE_TITLES.modelSelection, `Mean silhouette and inertia for each number of segments k${panels ? '; below, the other criteria of the k rule' : ''}; the chosen k is highlighted`, {
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
          y0: panels ? TOP_PANEL_BOTTOM : 0,
          y1: 1,
          fillcolor: '#ffbf00',
          opacity: 0.18,
          line: { width: 0 },
          layer: 'below',
        },
        ...(panels?.shapes ?? []),
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
      ...(panels?.layout ?? {}),
    }),
  };
  return figure;
}

/** The three lower panels of the model-selection chart and the axes they need (the top panel shrinks to make room). */
function criteriaPanels(
  ks: number[],
  criteria: Record<string, KCriteria>,
  selected: number,
): { data: Record<string, unknown>[]; layout: Record<string, unknown>; shapes: Record<string, unknown>[] } {
  const value = (pick: (c: KCriteria) => number) => ks.map((k) => (criteria[String(k)] ? pick(criteria[String(k)]) : null));
  const line = (name: string, y: (number | null)[], x: string, yaxis: string, color: string, format: string, dash = 'solid') => ({
    type: 'scatter',
    mode: 'lines+markers',
    name,
    x: ks,
    y,
    xaxis: x,
    yaxis,
    line: { color, width: 2, dash },
    marker: { size: 7, color, symbol: ks.map((k) => (k === selected ? 'star' : 'circle')) },
    hovertemplate: `k = %{x}<br>${name} %{y:${format}}<extra></extra>`,
  });
  const data = [
    line('Calinski-Harabasz (higher is better)', value((c) => c.calinskiHarabasz), 'x2', 'y3', '#4e79a7', '.1f'),
    line('Davies-Bouldin (lower is better)', value((c) => c.daviesBouldin), 'x3', 'y4', '#e15759', '.3f'),
    line(`Stability (mean adjusted Rand index; dashed: ${STABILITY_MIN})`, value((c) => c.stability), 'x4', 'y5', '#59a14f', '.2f'),
    line('Smallest segment (share of customers)', value((c) => c.minShare), 'x4', 'y5', '#b07aa1', '.1%', 'dot'),
  ];
  const stableLine = {
    type: 'line',
    xref: 'x4 domain',
    x0: 0,
    x1: 1,
    yref: 'y5',
    y0: STABILITY_MIN,
    y1: STABILITY_MIN,
    line: { color: '#59a14f', width: 1, dash: 'dash' },
  };
  const kAxis = (domain: [number, number], anchor: string) => axis('k', { domain, anchor, tickmode: 'array', tickvals: ks });
  const layout = {
    xaxis: axis('Number of segments k', { tickmode: 'array', tickvals: ks, dtick: 1, anchor: 'y' }),
    yaxis: axis('Mean silhouette (-1 to 1)', { tickformat: '.2f', domain: [TOP_PANEL_BOTTOM, 1] }),
    yaxis2: axis('Inertia (within-segment sum of squares)', { overlaying: 'y', side: 'right', showgrid: false, tickmode: 'auto', tickformat: '~s' }),
    xaxis2: kAxis([0, 0.28], 'y3'),
    xaxis3: kAxis([0.36, 0.64], 'y4'),
    xaxis4: kAxis([0.72, 1], 'y5'),
    yaxis3: axis('Calinski-Harabasz', { domain: [0, 0.32], anchor: 'x2', tickformat: '~s' }),
    yaxis4: axis('Davies-Bouldin', { domain: [0, 0.32], anchor: 'x3', tickformat: '.2f' }),
    yaxis5: axis('Stability, smallest share', { domain: [0, 0.32], anchor: 'x4', range: [0, 1.05], tickformat: '.1f' }),
    legend: { orientation: 'h', x: 0, y: -0.12, xanchor: 'left', yanchor: 'top' },
    margin: { l: 80, r: 90, t: 110, b: 150 },
  };
  return { data, layout, shapes: [stableLine] };
}

/** Where the top panel starts (share of the plot height) when the criteria panels sit below it. */
const TOP_PANEL_BOTTOM = 0.5;
