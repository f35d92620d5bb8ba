/**
 * The one-page report, `reports/index.html`: self-contained (plotly.js inlined once, no network), opens offline
 * or as a mail attachment. Pure: summary and figure specs in, HTML text out.
 */
import { COLUMNS } from '../data/schema';
import { segmentColor } from '../figures/colors';
import { bundleFor, drawScript, escapeHtml, figureElementId, plotlyScript } from '../figures/html';
import { segmentName, type NamedFigure } from '../figures/specs';
import type { Summary } from './types';

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

function card(value: string, label: string): string {
  const words = /[A-Za-z]{3}/.test(value) ? ' words' : '';
  return `<div class="card"><div class="value${words}">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div></div>`;
}

function chartDiv(fig: NamedFigure): string {
  return `<div class="chart" id="${figureElementId(fig)}" role="img" aria-label="${escapeHtml(fig.title)}"></div>`;
}

function keyNumbers(summary: Summary): string {
  const k = summary.k.selected;
  const silhouette = summary.silhouette[String(k)];
  const total = summary.timings.total ?? summary.timings.total_s;
  const cards = [
    card(String(summary.rows.used), `customers used (of ${summary.rows.read} read, ${summary.rows.dropped} dropped)`),
    card(String(k), `segments (${summary.k.rule})`),
    card(fixed(silhouette, 3), `mean silhouette at k = ${k} (-1 to 1, higher is better)`),
    card(fixed(summary.inertia[String(k)], 1), `inertia at k = ${k}`),
    card(summary.features.length === 3 ? 'Age, Income, Spending' : summary.features.join(', '), 'clustering features'),
    card(summary.backend.name, `backend (${summary.backend.reason})`),
    card(String(summary.seed), 'seed'),
  ];
  if (total !== undefined) cards.push(card(`${fixed(total, 1)} s`, 'run time'));
  const original =
    summary.k.differsFromOriginal ?
      `<p>The original project used k = ${summary.k.original}; this run chose k = ${k} by its rule (${escapeHtml(summary.k.rule)}).</p>`
    : '';
  return `<div class="cards">${cards.join('')}</div>${original}`;
}

function warningsList(summary: Summary): string {
  if (summary.warnings.length === 0) return '';
  return `<h2 id="warnings">Warnings</h2><ul class="warnings">${summary.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`;
}

function sweepTable(summary: Summary): string {
  const ks = Object.keys(summary.inertia).map(Number).sort((a, b) => a - b);
  if (ks.length === 0) return '';
  const rows = ks
    .map((k) => {
      const chosen = k === summary.k.selected;
      const cell = (text: string) => (chosen ? `<td><b>${text}</b></td>` : `<td>${text}</td>`);
      return `<tr>${cell(String(k))}${cell(fixed(summary.silhouette[String(k)], 3))}${cell(fixed(summary.inertia[String(k)], 1))}</tr>`;
    })
    .join('');
  return `<table class="narrow"><thead><tr><th>k</th><th>mean silhouette</th><th>inertia</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function segmentsTable(summary: Summary): string {
  const rows = [...summary.clusters]
    .sort((a, b) => a.id - b.id)
    .map(
      (p) =>
        `<tr><td class="text"><span class="swatch" style="background:${segmentColor(p.id)}"></span>${escapeHtml(segmentName(p))}</td>` +
        `<td class="text">${escapeHtml(p.label)}</td><td>${p.size}</td><td>${percent(p.share)}</td>` +
        `<td>${fixed(p.means[COLUMNS.age], 1)}</td><td>${fixed(p.means[COLUMNS.income], 1)}</td>` +
        `<td>${fixed(p.means[COLUMNS.spending], 1)}</td><td>${percent(p.gender.Female)}</td></tr>`,
    )
    .join('');
  return (
    '<table><thead><tr><th class="text">Segment</th><th class="text">Label</th><th>Customers</th><th>Share</th>' +
    '<th>Mean age (years)</th><th>Mean annual income (k$)</th><th>Mean spending score (1-100)</th><th>Female</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>`
  );
}

function outliersTable(summary: Summary): string {
  if (summary.outliers.length === 0) return '';
  const rows = summary.outliers
    .map(
      (o) =>
        `<tr><td class="text">${escapeHtml(o.feature)}</td><td>${fixed(o.lower, 1)}</td><td>${fixed(o.upper, 1)}</td><td>${o.count}</td>` +
        `<td class="text">${o.ids.join(', ') || '–'}</td></tr>`,
    )
    .join('');
  return (
    '<h2 id="outliers">Outliers (kept, flagged)</h2><table><thead><tr><th class="text">Feature</th><th>lower fence</th><th>upper fence</th>' +
    `<th>count</th><th class="text">CustomerIDs</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

function timingsLine(summary: Summary): string {
  const parts = Object.entries(summary.timings).map(([phase, s]) => `${escapeHtml(phase)} ${fixed(s, 2)} s`);
  return parts.length ? `<p>Timings: ${parts.join(', ')}.</p>` : '';
}

/**
 * The one-page report as HTML text: summary numbers, the model-selection chart, each segment with its label, size
 * and profile, the 2D and 3D charts, warnings and outliers. Self-contained: the smallest plotly.js bundle that
 * draws all figures is inlined once (the full one when a 3D chart is present); it makes no network request.
 * Figures are placed by id (model-selection, silhouette, profiles, segments-2d, segments-3d); other ids are
 * appended under "More charts".
 * @example writeFileSync('reports/index.html', reportPage({ summary, figures: reportFigures(...) }))
 * @throws OptionsError when a figure id is not a plain identifier.
 */
export function reportPage(input: { summary: Summary; figures: readonly NamedFigure[] }): string {
  const { summary, figures } = input;
  const byId = new Map(figures.map((f) => [f.id, f]));
  const section = (id: string): string => {
    const fig = byId.get(id);
    return fig ? chartDiv(fig) : '';
  };
  const placed = new Set<string>(Object.values(PLACED));
  const others = figures.filter((f) => !placed.has(f.id));
  const source = summary.data.synthetic ? ' <span class="badge">synthetic data: no file was found</span>' : '';
  const draws = figures.map((f) => drawScript(figureElementId(f), f.figure)).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mall Customer Segmentation: ${summary.k.selected} segments</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>Mall Customer Segmentation</h1>
<p class="meta">${summary.k.selected} segments of ${summary.rows.used} customers · data ${escapeHtml(summary.data.path)}${source} · hash ${escapeHtml(summary.data.hash.slice(0, 12))} · generated ${escapeHtml(summary.generatedAt)}</p>
${keyNumbers(summary)}
${warningsList(summary)}
<h2 id="model-selection">Choosing the number of segments</h2>
${section(PLACED.modelSelection)}
${sweepTable(summary)}
${section(PLACED.silhouette)}
<h2 id="segments">The segments</h2>
${segmentsTable(summary)}
${section(PLACED.profiles)}
<h2 id="charts">Customers by segment</h2>
${section(PLACED.segments2D)}
${section(PLACED.segments3D)}
${others.length ? `<h2 id="more">More charts</h2>${others.map(chartDiv).join('\n')}` : ''}
${outliersTable(summary)}
<footer>
${timingsLine(summary)}
<p>Files: ${summary.outputs.map(escapeHtml).join(', ') || '–'}.</p>
<p>Interactive charts: hover for details, click a legend entry to hide a segment, drag to zoom (double-click resets).</p>
</footer>
</main>
<script>${plotlyScript({ bundle: bundleFor(figures.map((f) => f.figure)) })}</script>
<script>
${draws}
</script>
</body>
</html>
`;
}
