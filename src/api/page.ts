import { cleanCustomers, type Customers } from '../data/clean';
import { parseCustomersCsv } from '../data/parse';
import { axisTitle, categoricalColumns, field, numericColumns, numericFeatures, type TableSchema } from '../data/schema';
import { featureMatrix, scaleMatrix } from '../features/scale';
import { assignNearest } from '../segmentation/artifact';
import { PLOTLY_CONFIG, scriptJson } from '../figures/html';
import { html, joinHtml, trustedHtml, type Html } from '../util/html';
import { segments2DFigure, type PlotlyFigure } from '../figures/specs';
import type { SegmentModel } from '../segmentation/artifact';
import type { ClusterView } from './views';
import { apiKey, apiMaximum, knownCategories, trainingMean } from './schemas';

/** Training customers with their segment (e.g. from clustered_data.csv), drawn on the page's chart. */
export interface PageTraining {
  /** Clean customers of the model's table (cleanCustomers with the model's schema). */
  data: Customers;
  /** Segment id of each customer, length data.n. */
  labels: ArrayLike<number>;
}

/** Column of clustered_data.csv (written by the report) holding each customer's segment. */
export const CLUSTER_COLUMN = 'Cluster';

/**
 * Training customers for the page's chart from the text of clustered_data.csv (the report's output: the schema's
 * columns and `Cluster`), read the way the report reads data: parseCustomersCsv with the model's schema, then
 * cleanCustomers. Pure. Each customer is drawn in the segment the model assigns it (nearest centre, as /predict);
 * `disagree` counts the rows whose `Cluster` cell says otherwise (a file from another model).
 * @throws DataError when the text is not such a table (a column missing, no usable row), as the library reports it.
 */
export function pageTraining(text: string, model: SegmentModel, source = 'clustered_data.csv'): { training: PageTraining; dropped: number; disagree: number } {
  const withCluster: TableSchema = {
    ...model.schema,
    fields: [...model.schema.fields, { name: CLUSTER_COLUMN, type: 'integer', constraints: { minimum: 0, maximum: model.k - 1 } }],
  };
  const cleaning = cleanCustomers(parseCustomersCsv(text, { source, schema: { schema: withCluster } }));
  const read = cleaning.data;
  const written = read.numeric[CLUSTER_COLUMN];
  const numeric = { ...read.numeric };
  delete numeric[CLUSTER_COLUMN];
  const schema: TableSchema = { ...read.schema, fields: read.schema.fields.filter((f) => f.name !== CLUSTER_COLUMN) };
  const data: Customers = { ...read, schema, numeric };
  const { labels } = assignNearest(scaleMatrix(featureMatrix(data, model.encoding), model.scaler), model.centroids);
  let disagree = 0;
  for (let i = 0; i < data.n; i++) if (labels[i] !== written[i]) disagree++;
  return { training: { data, labels }, dropped: cleaning.rows.dropped, disagree };
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

/** One control of the page's form: a number input for a numeric column, a select for a categorical one. */
export interface FormField {
  /** The column, as in the model's schema. */
  column: string;
  /** The key the form sends it as in POST /predict (the column's apiName, else its name). */
  key: string;
  /** Element id (the apiName when there is one, e.g. "age"; else "col-<column as letters and digits>"). */
  id: string;
  kind: 'number' | 'select';
  /** "Title (unit)". */
  label: string;
  /** Numbers: the range the API accepts. */
  min?: number;
  max?: number;
  /** Numbers: initial value (the training mean, 3 significant digits). */
  value?: number;
  /** Selects: the values offered (the enum, else those seen in training); '' first when the column may be left out. */
  options?: string[];
  required: boolean;
}

/**
 * The form's controls, from the model's schema: a number input per numeric clustering feature (and per numeric
 * column on the chart's axes), a select per categorical column, in the schema's field order.
 */
export function formFields(model: SegmentModel): FormField[] {
  const { schema } = model;
  const axes = chartAxes(model);
  const numeric = new Set([...numericFeatures(schema), ...(axes ? [axes.x, axes.y] : [])]);
  const categorical = new Set(categoricalColumns(schema));
  const used = new Set<string>();
  const out: FormField[] = [];
  for (const f of schema.fields) {
    if (!numeric.has(f.name) && !categorical.has(f.name)) continue;
    const key = apiKey(f);
    let id = f.apiName ?? `col-${f.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
    while (used.has(id)) id += '-';
    used.add(id);
    const label = f.unit ? `${f.title ?? f.name} (${f.unit})` : (f.title ?? f.name);
    const feature = schema.features.includes(f.name);
    if (categorical.has(f.name)) {
      const required = feature && f.constraints?.required === true;
      const values = knownCategories(model, f.name);
      out.push({ column: f.name, key, id, kind: 'select', label, options: f.constraints?.required ? values : ['', ...values], required });
      continue;
    }
    const min = f.constraints?.minimum;
    const max = apiMaximum(f);
    const mean = trainingMean(model, f.name);
    let value = mean === undefined ? undefined : Number(mean.toPrecision(3));
    if (value !== undefined && min !== undefined) value = Math.max(value, min);
    if (value !== undefined && max !== undefined) value = Math.min(value, max);
    out.push({ column: f.name, key, id, kind: 'number', label, min, max, value, required: feature });
  }
  return out;
}

/**
 * The chart's axes: the schema's `plot` when it names two numeric columns, else the two numeric clustering features
 * whose segment centres spread most (size-weighted, in standardized units); null when the table has fewer than two
 * numeric columns.
 */
export function chartAxes(model: SegmentModel): { x: string; y: string } | null {
  const { schema } = model;
  const numeric = numericColumns(schema);
  if (schema.plot && numeric.includes(schema.plot.x) && numeric.includes(schema.plot.y)) return { ...schema.plot };
  const spread = (j: number) => {
    const total = model.profiles.reduce((s, p) => s + p.size, 0) || 1;
    const mean = model.profiles.reduce((s, p) => s + (p.size / total) * model.centroids[p.id][j], 0);
    return model.profiles.reduce((s, p) => s + (p.size / total) * (model.centroids[p.id][j] - mean) ** 2, 0);
  };
  const ranked = model.encoding
    .map((c, j) => ({ c, j }))
    .filter(({ c }) => c.kind === 'numeric')
    .sort((a, b) => spread(b.j) - spread(a.j) || a.j - b.j)
    .map(({ c }) => c.source);
  const pick = [...ranked, ...numeric.filter((c) => !ranked.includes(c))].slice(0, 2);
  if (pick.length < 2) return null;
  // keep the schema's feature order on the axes (x first)
  const order = (c: string) => schema.fields.findIndex((f) => f.name === c);
  const [x, y] = pick.sort((a, b) => order(a) - order(b));
  return { x, y };
}

/** A table of the schema with no customers (the chart then shows the segment centres only). */
function noCustomers(schema: TableSchema): Customers {
  const numeric: Record<string, Float64Array> = {};
  for (const c of numericColumns(schema)) numeric[c] = new Float64Array(0);
  const categorical: Record<string, string[]> = {};
  for (const c of categoricalColumns(schema)) categorical[c] = [];
  return { schema, n: 0, ids: [], lines: new Int32Array(0), numeric, categorical };
}

/**
 * The page's chart: the report's "Customer Segmentation 2D" figure (segments2DFigure on {@link chartAxes}, segment
 * centres as diamonds) with one more, empty trace at the end for the customer entered in the form. null when the
 * table has fewer than two numeric columns.
 */
export function pageFigure(options: { model: SegmentModel; training?: PageTraining }): PlotlyFigure | null {
  const { model } = options;
  const axes = chartAxes(model);
  if (axes === null) return null;
  const { data, labels } = options.training ?? { data: noCustomers(model.schema), labels: [] };
  const base = segments2DFigure({ data, labels, profiles: model.profiles }, { plot: axes });
  const [xTitle, yTitle] = [axisTitle(model.schema, axes.x), axisTitle(model.schema, axes.y)];
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
        hovertemplate: `This customer<br>${xTitle} %{x}<br>${yTitle} %{y}<extra>%{text}</extra>`,
      },
    ],
    layout: base.layout,
  };
}

function control(f: FormField): Html {
  const attrs = html`name="${f.key}" id="${f.id}" data-column="${f.column}"${f.required && html` required`}`;
  if (f.kind === 'select') {
    const options = (f.options ?? []).map((v) => html`<option value="${v}">${v === '' ? '(not given)' : v}</option>`);
    return html`<label>${f.label} <select ${attrs}>${options}</select></label>`;
  }
  const bounds = html`${f.min !== undefined && html` min="${f.min}"`}${f.max !== undefined && html` max="${f.max}"`}`;
  return html`<label>${f.label} <input type="number" ${attrs} step="any"${bounds}${f.value !== undefined && html` value="${f.value}"`}></label>`;
}

/**
 * The HTML page served at GET /: a form built from the model's schema (see {@link formFields}) that posts to
 * /predict with fetch and shows the segment id, its label and the distance, and the 2D chart with the customer's
 * point. Self-contained (plotly.js inlined, no CDN).
 */
export function renderPage(options: PageOptions): string {
  const { model, clusters, training, plotlyJs = '' } = options;
  const { schema } = model;
  const figure = pageFigure({ model, training });
  const fields = formFields(model);
  const axes = chartAxes(model);
  const keyOf = (column: string) => apiKey(field(schema, column));
  const rows = clusters.map((c) => html`<tr id="segment-row-${c.id}"><td>${c.id}</td><td>${c.label}</td><td>${c.size}</td><td>${(100 * c.share).toFixed(1)}%</td></tr>`);
  const plotly = plotlyJs && figure ? html`<script>${trustedHtml(plotlyJs)}</script>` : ''; // plotlyScript() is already escaped for inline use
  const offAxes = axes ? schema.features.filter((f) => f !== axes.x && f !== axes.y) : [];
  const chartNote =
    axes && offAxes.length > 0
      ? html`<p class="note">The chart shows ${axisTitle(schema, axes.x)} and ${axisTitle(schema, axes.y)}; the model also uses ${offAxes.map((f) => axisTitle(schema, f)).join(', ')}, so a customer can sit nearer another segment's diamond here than in the model's space.</p>`
      : '';
  const tableName = schema.title ?? schema.name ?? 'custom';
  // scriptJson escapes `<` in every data string: the page's script is markup by construction
  const json = (value: unknown) => trustedHtml(scriptJson(value));
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customer segments: ${tableName}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 960px; padding: 0 1rem; color: #222; }
form { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .75rem; align-items: end; }
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
<p>k-means model with ${model.k} segments, trained on ${model.nTrain} customers of the table “${tableName}” (${model.dataHash.slice(0, 19)}…).
API: <a href="/docs">/docs</a> (OpenAPI), <a href="/clusters">/clusters</a>, <a href="/health">/health</a>.</p>
<form id="customer-form">
  ${joinHtml(fields.map(control), '\n  ')}
  <button type="submit" id="submit">Find segment</button>
</form>
<div id="result" role="status" aria-live="polite">Enter a customer and press "Find segment".</div>
<div id="chart">${!figure ? html`<p>(No chart: the table has fewer than two numeric columns.)</p>` : plotlyJs ? '' : html`<p>(Chart unavailable: plotly.js was not bundled with this server.)</p>`}</div>
${chartNote}
<table><thead><tr><th>Segment</th><th>Label</th><th>Customers</th><th>Share</th></tr></thead><tbody>${rows}</tbody></table>
<script>
(function () {
  var figure = ${json(figure)};
  var fields = ${json(fields.map((f) => ({ id: f.id, key: f.key, kind: f.kind })))};
  var axes = ${json(axes ? { x: keyOf(axes.x), y: keyOf(axes.y) } : null)};
  var chart = document.getElementById('chart');
  var hasPlotly = figure !== null && typeof window.Plotly !== 'undefined';
  if (hasPlotly) window.Plotly.newPlot(chart, figure.data, figure.layout, ${json(PLOTLY_CONFIG)});
  var form = document.getElementById('customer-form');
  var result = document.getElementById('result');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var customer = {};
    fields.forEach(function (f) {
      var value = document.getElementById(f.id).value;
      if (f.kind === 'number') { if (value !== '') customer[f.key] = Number(value); }
      else if (value !== '') customer[f.key] = value;
    });
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
        if (hasPlotly && axes && axes.x in customer && axes.y in customer) {
          var last = figure.data.length - 1;
          window.Plotly.restyle(chart, { x: [[customer[axes.x]]], y: [[customer[axes.y]]], text: [['segment ' + p.cluster]] }, [last]);
        }
      })
      .catch(function (err) { result.className = 'error'; result.textContent = 'Error: ' + err.message; });
  });
})();
</script>
</body>
</html>
`.markup;
}
