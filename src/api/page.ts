import { COLUMNS, VALID_RANGES, type Customer } from '../data/schema';
import { escapeHtml, PLOTLY_CONFIG, scriptJson } from '../figures/html';
import { segments2DFigure, type PlotlyFigure } from '../figures/specs';
import type { SegmentModel } from '../model/artifact';
import type { ClusterView } from './app';

/** Training customers with their segment (e.g. from clustered_data.csv), drawn on the page's chart. */
export interface PageTraining {
  customers: readonly Customer[];
  /** Segment id of each customer, length customers.length. */
  labels: ArrayLike<number>;
}

/** Options of {@link renderPage}. */
export interface PageOptions {
  model: SegmentModel;
  /** The segments as GET /clusters answers them (for the table under the chart). */
  clusters: readonly ClusterView[];
  /** Training customers for the chart. Default: none (the chart shows the segment centres only). */
  training?: PageTraining;
  /** plotly.js source to inline (from plotlyScript()). Default: '' (no chart; the form still answers). */
  plotlyJs?: string;
}

/** Name of the chart's last trace, which the page fills with the customer's point after each answer. */
export const CUSTOMER_TRACE = 'This customer';

/**
 * The page's chart: the report's "Customer Segmentation 2D" figure (segments2DFigure: annual income against spending
 * score, segment centres) with one more, empty trace at the end for the customer entered in the form.
 */
export function pageFigure(options: { model: SegmentModel; training?: PageTraining }): PlotlyFigure {
  const { model, training = { customers: [], labels: [] } } = options;
  const base = segments2DFigure({ customers: training.customers, labels: training.labels, profiles: model.profiles });
  return {
    data: [
      ...base.data,
      {
        type: 'scatter',
        mode: 'markers',
        name: CUSTOMER_TRACE,
        x: [],
        y: [],
        marker: { symbol: 'star', size: 24, color: '#d62728', line: { width: 1.5, color: '#000000' } },
        hovertemplate: 'This customer<br>Annual Income %{x} k$<br>Spending Score %{y}<extra>%{text}</extra>',
      },
    ],
    layout: base.layout,
  };
}

/** Number input bounds from VALID_RANGES. */
function bounds(feature: keyof typeof VALID_RANGES): string {
  const { min, max } = VALID_RANGES[feature];
  return `min="${min}"${Number.isFinite(max) ? ` max="${max}"` : ''}`;
}

/**
 * The HTML page served at GET /: a form (gender, age, annual income, spending score) that posts to /predict with
 * fetch and shows the segment id, its label and the distance, and the 2D chart with the customer's point. Self-contained
 * (plotly.js inlined, no CDN).
 */
export function renderPage(options: PageOptions): string {
  const { model, clusters, training, plotlyJs = '' } = options;
  const figure = pageFigure({ model, training });
  const rows = clusters
    .map((c) => `<tr id="segment-row-${c.id}"><td>${c.id}</td><td>${escapeHtml(c.label)}</td><td>${c.size}</td><td>${(100 * c.share).toFixed(1)}%</td></tr>`)
    .join('');
  const plotly = plotlyJs ? `<script>${plotlyJs}</script>` : ''; // plotlyScript() is already escaped for inline use
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mall customer segments</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 960px; padding: 0 1rem; color: #222; }
form { display: grid; grid-template-columns: repeat(4, 1fr) auto; gap: .75rem; align-items: end; }
label { display: flex; flex-direction: column; font-size: .9rem; gap: .25rem; }
input, select, button { font: inherit; padding: .35rem; }
#result { margin: 1rem 0; padding: .75rem; border-radius: 6px; background: #f3f6fa; min-height: 1.5rem; }
#result.error { background: #fdecea; color: #8a1c1c; }
.note { color: #555; font-size: .9rem; }
tr.answer { background: #fff3c4; font-weight: 600; }
table { border-collapse: collapse; margin-top: 1rem; } td, th { padding: .25rem .75rem; border-bottom: 1px solid #ddd; text-align: left; }
</style>
${plotly}
</head>
<body>
<h1>Which segment is this customer in?</h1>
<p>k-means model with ${model.k} segments, trained on ${model.nTrain} customers (${escapeHtml(model.dataHash.slice(0, 19))}…).
API: <a href="/docs">/docs</a> (OpenAPI), <a href="/clusters">/clusters</a>, <a href="/health">/health</a>.</p>
<form id="customer-form">
  <label>Gender <select name="gender" id="gender"><option>Female</option><option>Male</option></select></label>
  <label>Age <input type="number" name="age" id="age" required step="any" ${bounds(COLUMNS.age)} value="23"></label>
  <label>Annual income (k$) <input type="number" name="annualIncome" id="annualIncome" required step="any" ${bounds(COLUMNS.income)} value="16"></label>
  <label>Spending score (1-100) <input type="number" name="spendingScore" id="spendingScore" required step="any" ${bounds(COLUMNS.spending)} value="77"></label>
  <button type="submit" id="submit">Find segment</button>
</form>
<div id="result" role="status" aria-live="polite">Enter a customer and press "Find segment".</div>
<div id="chart">${plotlyJs ? '' : '<p>(Chart unavailable: plotly.js was not bundled with this server.)</p>'}</div>
${model.features.length > 2 ? `<p class="note">The chart shows annual income and spending score; the model also uses ${model.features.filter((f) => f !== COLUMNS.income && f !== COLUMNS.spending).map((f) => escapeHtml(f.toLowerCase())).join(', ')}, so a customer can sit nearer another segment's diamond here than in the model's space.</p>` : ''}
<table><thead><tr><th>Segment</th><th>Label</th><th>Customers</th><th>Share</th></tr></thead><tbody>${rows}</tbody></table>
<script>
(function () {
  var figure = ${scriptJson(figure)};
  var chart = document.getElementById('chart');
  var hasPlotly = typeof window.Plotly !== 'undefined';
  if (hasPlotly) window.Plotly.newPlot(chart, figure.data, figure.layout, ${scriptJson(PLOTLY_CONFIG)});
  var form = document.getElementById('customer-form');
  var result = document.getElementById('result');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var customer = {
      gender: form.gender.value,
      age: Number(form.age.value),
      annualIncome: Number(form.annualIncome.value),
      spendingScore: Number(form.spendingScore.value)
    };
    result.className = '';
    result.textContent = 'Asking the model…';
    fetch('/predict', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customers: [customer] }) })
      .then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
      .then(function (answer) {
        if (!answer.ok) throw new Error(answer.body.message || 'request failed');
        var p = answer.body.predictions[0];
        result.innerHTML = '';
        var strong = document.createElement('strong');
        strong.id = 'segment-label';
        strong.textContent = 'Segment ' + p.cluster + ': ' + p.label;
        result.appendChild(strong);
        result.dataset.cluster = String(p.cluster);
        Array.prototype.forEach.call(document.querySelectorAll('tr.answer'), function (tr) { tr.className = ''; });
        var row = document.getElementById('segment-row-' + p.cluster);
        if (row) row.className = 'answer';
        result.appendChild(document.createTextNode(' (distance to centre ' + p.distance.toFixed(2) + ' standard units' + (p.outlier ? '; far from every segment: an outlier' : '') + ')'));
        if (hasPlotly) {
          var last = figure.data.length - 1;
          window.Plotly.restyle(chart, { x: [[customer.annualIncome]], y: [[customer.spendingScore]], text: [['segment ' + p.cluster]] }, [last]);
        }
      })
      .catch(function (err) { result.className = 'error'; result.textContent = 'Error: ' + err.message; });
  });
})();
</script>
</body>
</html>
`;
}
