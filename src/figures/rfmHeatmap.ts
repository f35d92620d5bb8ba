import type { RfmScore } from '../segmentation/rfm';
import { axis, baseLayout, type PlotlyFigure } from './common';

/** Title (and file base name) of the recency-by-frequency heatmap. */
export const RFM_HEATMAP_TITLE = 'Recency by Frequency';

/**
 * The recency-by-frequency heatmap of RFM scores: R score (1-5, 5 = most recent) across, F score (1-5) up; each
 * cell's colour is the mean monetary of its customers and its text the number of customers (empty cells blank).
 * @param scores one per customer, length n
 * @param monetary per customer, length n
 */
export function rfmHeatmapFigure(scores: readonly RfmScore[], monetary: ArrayLike<number>): PlotlyFigure {
  const count = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  const sum = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  scores.forEach((s, i) => {
    count[s.F - 1][s.R - 1]++;
    sum[s.F - 1][s.R - 1] += monetary[i];
  });
  const z = count.map((row, f) => row.map((n, r) => (n === 0 ? null : Number((sum[f][r] / n).toPrecision(6)))));
  const text = count.map((row) => row.map((n) => (n === 0 ? '' : String(n))));
  return {
    data: [
      {
        type: 'heatmap',
        x: [1, 2, 3, 4, 5],
        y: [1, 2, 3, 4, 5],
        z,
        text,
        texttemplate: '%{text}',
        colorscale: 'Viridis',
        colorbar: { title: { text: 'mean monetary' } },
        hovertemplate: 'R %{x}, F %{y}<br>%{text} customers<br>mean monetary %{z}<extra></extra>',
        xgap: 2,
        ygap: 2,
      },
    ],
    layout: baseLayout(RFM_HEATMAP_TITLE, `${scores.length.toLocaleString('en-US')} customers by R and F score: the number in each cell; colour: mean monetary`, {
      xaxis: axis('R score (5 = most recent)', { dtick: 1, showgrid: false }),
      yaxis: axis('F score (5 = most orders)', { dtick: 1, showgrid: false }),
      width: 760,
      height: 600,
      margin: { l: 80, r: 40, t: 90, b: 70 },
    }),
  };
}
