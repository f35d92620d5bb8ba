/**
 * The one-page report, `reports/index.html`: self-contained (plotly.js inlined once, no network), opens offline
 * or as a mail attachment. Pure: summary and figure specs in, HTML text out.
 */
import { axisTitle, displayName, type TableSchema } from '../data/schema';
import { segmentColor } from '../figures/colors';
import { transactionsSection } from './transactions';
import { bundleFor, drawScript, figureElementId, plotlyScript } from '../figures/html';
import { html, joinHtml, trustedHtml, type Html } from '../util/html';
import { formatValue, loadingsText, segmentName, type NamedFigure } from '../figures/specs';
import type { SegmentProfile } from '../model/types';
import type { Summary } from './types';

/** Input of {@link reportPage}. */
export interface ReportPageInput {
  summary: Summary;
  figures: readonly NamedFigure[];
  /**
   * The table's schema, for column titles with units ("Mean Annual Income (k$)"). Default: none (the column names
   * as in the file).
   */
  schema?: TableSchema;
}

/** Figure ids placed in a section of their own; any other figure goes to "More charts" at the end. */
const PLACED = { modelSelection: 'model-selection', silhouette: 'silhouette', profiles: 'profiles', segments2D: 'segments-2d', segments3D: 'segments-3d' } as const;

const CSS = `
:root { color-scheme: light; }
body { margin: 0; background: #f5f6f8; color: #222; font: 15px/1.5 "Open Sans", "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 12px; border-bottom: 2px solid #dde1e6; padding-bottom: 4px; }
.meta { color: #555; margin: 0 0 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid #dde1e6; border-radius: 8px; padding: 12px 14px; }
.card .value { font-size: 26px; font-weight: 700; }
.card .value.words { font-size: 17px; padding-top: 6px; }
table.narrow { width: auto; min-width: 360px; }
table.profile td:first-child { white-space: nowrap; }
h3 { font-size: 17px; margin: 20px 0 8px; }
.card .label { color: #555; font-size: 13px; }
.chart { background: #fff; border: 1px solid #dde1e6; border-radius: 8px; height: 720px; margin: 12px 0; }
table { border-collapse: collapse; background: #fff; width: 100%; font-size: 14px; }
th, td { border: 1px solid #dde1e6; padding: 6px 9px; text-align: right; }
th { background: #eef0f3; }
td.text, th.text { text-align: left; }
.swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; vertical-align: -2px; margin-right: 6px; }
.warnings li { margin: 3px 0; }
.badge { background: #fde8c8; border: 1px solid #e0a84e; border-radius: 4px; padding: 1px 6px; font-size: 13px; }
footer { color: #666; font-size: 13px; margin-top: 36px; }
`;

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function card(value: string, label: string): Html {
  const words = /[A-Za-z]{3}/.test(value) ? ' words' : '';
  return html`<div class="card"><div class="value${words}">${value}</div><div class="label">${label}</div></div>`;
}

function chartDiv(fig: NamedFigure): Html {
  // a figure taller than the default box (a profile grid of many columns) gets its own height
  const height = fig.figure.layout.height;
  const style = typeof height === 'number' && height > 720 ? html` style="height:${Math.round(height)}px"` : '';
  return html`<div class="chart" id="${figureElementId(fig)}"${style} role="img" aria-label="${fig.title}"></div>`;
}

/** A column's title for people: "Annual Income (k$)" with the schema, else its name. */
function columnTitle(schema: TableSchema | undefined, column: string, withUnit = true): string {
  if (!schema || !schema.fields.some((f) => f.name === column)) return column;
  return withUnit ? axisTitle(schema, column) : displayName(schema, column);
}

function keyNumbers(summary: Summary): Html {
  const k = summary.k.selected;
  const silhouette = summary.silhouette[String(k)];
  const total = summary.timings.total ?? summary.timings.total_s;
  const cards = [
    card(String(summary.rows.used), `customers used (of ${summary.rows.read} read, ${summary.rows.dropped} dropped)`),
    card(String(k), `segments (${summary.k.rule})`),
    card(fixed(silhouette, 3), `mean silhouette at k = ${k} (-1 to 1, higher is better)`),
    card(fixed(summary.inertia[String(k)], 1), `inertia at k = ${k}`),
    card(String(summary.features.length), `clustering columns: ${summary.features.map((f) => (summary.skew?.[f]?.transform === 'log1p' ? `log1p(${f})` : f)).join(', ')}`),
    card(summary.backend.name, `backend (${summary.backend.reason})`),
    card(String(summary.seed), 'seed'),
  ];
  if (total !== undefined) cards.push(card(`${fixed(total, 1)} s`, 'run time'));
  const original =
    summary.k.differsFromOriginal ?
      html`<p>A reference analysis of this table reported k = ${summary.k.original}; this run chose k = ${k} by its rule (${summary.k.rule}).</p>`
    : '';
  const reason = summary.k.reason ? html`<p id="k-reason">Why k = ${k}: ${summary.k.reason}.</p>` : '';
  return html`<div class="cards">${cards}</div>${reason}${original}`;
}

function warningsList(summary: Summary): Html | '' {
  if (summary.warnings.length === 0) return '';
  return html`<h2 id="warnings">Warnings</h2><ul class="warnings">${summary.warnings.map((w) => html`<li>${w}</li>`)}</ul>`;
}

function sweepTable(summary: Summary): Html | '' {
  const ks = Object.keys(summary.inertia).map(Number).sort((a, b) => a - b);
  if (ks.length === 0) return '';
  const rows = ks
    .map((k) => {
      const chosen = k === summary.k.selected;
      const cell = (text: string) => (chosen ? html`<td><b>${text}</b></td>` : html`<td>${text}</td>`);
      const c = summary.k.criteria?.[String(k)];
      const more = c ? html`${cell(fixed(c.calinskiHarabasz, 1))}${cell(fixed(c.daviesBouldin, 3))}${cell(`${fixed(100 * c.minShare, 1)}%`)}${cell(fixed(c.stability, 2))}` : '';
      return html`<tr>${cell(String(k))}${cell(fixed(summary.silhouette[String(k)], 3))}${cell(fixed(summary.inertia[String(k)], 1))}${more}</tr>`;
    });
  const criteriaHead = summary.k.criteria ? html`<th>Calinski-Harabasz</th><th>Davies-Bouldin</th><th>smallest segment</th><th>stability</th>` : '';
  return html`<table class="narrow"><thead><tr><th>k</th><th>mean silhouette</th><th>inertia</th>${criteriaHead}</tr></thead><tbody>${rows}</tbody></table>`;
}

function segmentsTable(summary: Summary): Html {
  const rows = [...summary.clusters]
    .sort((a, b) => a.id - b.id)
    .map(
      (p) =>
        html`<tr><td class="text"><span class="swatch" style="background:${segmentColor(p.id)}"></span>${segmentName(p)}</td><td class="text">${p.label}</td><td>${p.size}</td><td>${percent(p.share)}</td></tr>`,
    );
  return html`<table><thead><tr><th class="text">Segment</th><th class="text">Label</th><th>Customers</th><th>Share</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Size-weighted mean over segments of a per-segment number: the population's value. */
function weighted(profiles: readonly SegmentProfile[], value: (p: SegmentProfile) => number): number {
  const total = profiles.reduce((acc, p) => acc + p.size, 0);
  return total === 0 ? Number.NaN : profiles.reduce((acc, p) => acc + (p.size === 0 ? 0 : value(p) * p.size), 0) / total;
}

/**
 * One row per numeric column (its mean) and per value of each categorical column (its share), one column per
 * segment after the whole population: readable for a dozen columns and ten segments.
 */
function profileTable(summary: Summary, schema: TableSchema | undefined): Html {
  const profiles = [...summary.clusters].sort((a, b) => a.id - b.id);
  const head = html`<tr><th class="text">Column</th><th>All customers</th>${profiles.map(
    (p) => html`<th><span class="swatch" style="background:${segmentColor(p.id)}"></span>${segmentName(p)}</th>`,
  )}</tr>`;
  const row = (label: string, all: string, cells: string[]) =>
    html`<tr><td class="text">${label}</td><td>${all}</td>${cells.map((c) => html`<td>${c}</td>`)}</tr>`;
  const numeric = summary.table.numeric.map((column) =>
    row(
      `Mean ${columnTitle(schema, column)}`,
      formatValue(weighted(profiles, (p) => p.means[column] ?? Number.NaN)),
      profiles.map((p) => (p.size === 0 ? '–' : formatValue(p.means[column] ?? Number.NaN))),
    ),
  );
  const categorical = summary.table.categorical.flatMap((column) => {
    const values = [...new Set(profiles.flatMap((p) => Object.keys(p.categories[column] ?? {})))];
    const share = (p: SegmentProfile, v: string) => p.categories[column]?.[v] ?? 0;
    const population = new Map(values.map((v) => [v, weighted(profiles, (p) => share(p, v))] as const));
    return values
      .sort((a, b) => population.get(b)! - population.get(a)!)
      .map((v) =>
        row(
          `${columnTitle(schema, column, false)} = ${v}`,
          percent(population.get(v)!),
          profiles.map((p) => (p.size === 0 ? '–' : percent(share(p, v)))),
        ),
      );
  });
  return html`<table class="profile"><thead>${head}</thead><tbody>${[...numeric, ...categorical]}</tbody></table>`;
}

/** The table's columns and what the run did with each. */
function columnsTable(summary: Summary, schema: TableSchema | undefined): Html {
  const clustered = new Set(summary.features.map((f) => f.replace(/=.*$/, '')));
  const rows: [string, string][] = [];
  if (summary.table.id !== null) rows.push([summary.table.id, 'id']);
  for (const c of summary.table.numeric) rows.push([c, clustered.has(c) ? 'numeric, clustering feature' : 'numeric, profiled']);
  for (const c of summary.table.categorical) rows.push([c, clustered.has(c) ? 'categorical, clustering feature (one-hot)' : 'categorical, profiled']);
  const body = rows.map(([c, role]) => {
    const title = columnTitle(schema, c);
    return html`<tr><td class="text">${c}</td><td class="text">${title === c ? '' : title}</td><td class="text">${role}</td></tr>`;
  });
  const id = summary.table.id === null ? html`<p>No id column: customers are numbered by data row.</p>` : '';
  return html`<table class="narrow"><thead><tr><th class="text">Column</th><th class="text">Shown as</th><th class="text">Use</th></tr></thead><tbody>${body}</tbody></table>${id}`;
}

/** What each principal component of the 3D chart is made of, when its axes are components. */
function componentsTable(fig: NamedFigure | undefined): Html | '' {
  if (!fig?.components?.length) return '';
  const rows = fig.components.map(
    (c) => html`<tr><td class="text">${c.name}</td><td>${percent(c.explainedVarianceRatio)}</td><td class="text">${loadingsText(c)}</td></tr>`,
  );
  return html`<p>The 3D chart shows the first three principal components of the standardized clustering columns. Largest loadings (weights of the standardized columns; a positive weight means the component grows with the column):</p><table class="narrow"><thead><tr><th class="text">Component</th><th>Variance</th><th class="text">Largest loadings</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function outliersTable(summary: Summary): Html | '' {
  if (summary.outliers.length === 0) return '';
  const rows = summary.outliers.map(
    (o) =>
      html`<tr><td class="text">${o.feature}</td><td>${fixed(o.lower, 1)}</td><td>${fixed(o.upper, 1)}</td><td>${o.count}</td><td class="text">${o.ids.join(', ') || '–'}</td></tr>`,
  );
  return html`<h2 id="outliers">Outliers (kept, flagged)</h2><table><thead><tr><th class="text">Column</th><th>lower fence</th><th>upper fence</th><th>count</th><th class="text">${summary.table.id ?? 'Row number'}s</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function timingsLine(summary: Summary): Html | '' {
  const parts = Object.entries(summary.timings).map(([phase, s]) => `${phase} ${fixed(s, 2)} s`);
  return parts.length ? html`<p>Timings: ${parts.join(', ')}.</p>` : '';
}

/**
 * The one-page report as HTML text: summary numbers, the table's columns, the model-selection chart, each segment
 * with its label and size, the mean of every numeric column and the share of every category per segment, the 2D
 * and 3D charts (with the principal components' loadings when the 3D axes are components), warnings and outliers. Self-contained: the smallest plotly.js bundle that
 * draws all figures is inlined once (the full one when a 3D chart is present); it makes no network request.
 * Figures are placed by id (model-selection, silhouette, profiles, segments-2d, segments-3d); other ids are
 * appended under "More charts".
 * @example writeFileSync('reports/index.html', reportPage({ summary, figures: reportFigures(...) }))
 * @throws OptionsError when a figure id is not a plain identifier.
 */
export function reportPage(input: ReportPageInput): string {
  const { summary, figures, schema } = input;
  const byId = new Map(figures.map((f) => [f.id, f]));
  const section = (id: string): Html | '' => {
    const fig = byId.get(id);
    return fig ? chartDiv(fig) : '';
  };
  const placed = new Set<string>([...Object.values(PLACED), ...(summary.transactions ? ['rfm-heatmap'] : [])]);
  const others = figures.filter((f) => !placed.has(f.id));
  const source = summary.data.synthetic ? html` <span class="badge">synthetic data: no file was found</span>` : '';
  // a table described by flags only has no title: its file name says more than "custom"
  const tableName = summary.table.title ?? (summary.table.schema !== 'custom' ? summary.table.schema : (summary.data.path.split(/[\\/]/).pop() ?? summary.data.path));
  // scriptJson escapes `<` in every data string, so the drawing code is markup by construction
  const draws = trustedHtml(figures.map((f) => drawScript(figureElementId(f), f.figure)).join('\n'));
  const plotly = trustedHtml(plotlyScript({ bundle: bundleFor(figures.map((f) => f.figure)) }));
  const css = trustedHtml(CSS);
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customer Segmentation: ${tableName}, ${summary.k.selected} segments</title>
<style>${css}</style>
</head>
<body>
<main>
<h1>Customer Segmentation: ${tableName}</h1>
<p class="meta">${summary.k.selected} segments of ${summary.rows.used} customers · data ${summary.data.path}${source} · hash ${summary.data.hash.slice(0, 12)} · generated ${summary.generatedAt}</p>
${keyNumbers(summary)}
${warningsList(summary)}
<h2 id="table">The table</h2>
${columnsTable(summary, schema)}
<h2 id="model-selection">Choosing the number of segments</h2>
${section(PLACED.modelSelection)}
${sweepTable(summary)}
${section(PLACED.silhouette)}
<h2 id="segments">The segments</h2>
${segmentsTable(summary)}
<h3>Per segment: means and category shares</h3>
${profileTable(summary, schema)}
${section(PLACED.profiles)}
${summary.transactions ? transactionsSection(summary.transactions, section('rfm-heatmap')) : ''}
<h2 id="charts">Customers by segment</h2>
${section(PLACED.segments2D)}
${section(PLACED.segments3D)}
${componentsTable(byId.get(PLACED.segments3D))}
${others.length ? html`<h2 id="more">More charts</h2>${joinHtml(others.map(chartDiv), '\n')}` : ''}
${outliersTable(summary)}
<footer>
${timingsLine(summary)}
<p>Files: ${summary.outputs.join(', ') || '–'}.</p>
<p>Interactive charts: hover for details, click a legend entry to hide a segment, drag to zoom (double-click resets).</p>
</footer>
</main>
<script>${plotly}</script>
<script>
${draws}
</script>
</body>
</html>
`.markup;
}
