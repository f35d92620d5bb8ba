/**
 * Figure specs to offline HTML: plotly.js is read once from node_modules and inlined, never loaded from a CDN.
 */
import { readFileSync } from 'fs';
import { OptionsError } from '../util/errors';
import { escapeHtml, html, trustedHtml } from '../util/html';

const FIGURE_ID = /^[A-Za-z][A-Za-z0-9_-]*$/;
import type { NamedFigure, PlotlyFigure } from './specs';

/**
 * Which plotly.js build to inline. `basic` (plotly.js-basic-dist-min, 1.2 MB: scatter, bar, pie) parses ~4x faster
 * than `full` (plotly.js-dist-min, 4.8 MB: every trace type); `gl3d` (plotly.js-gl3d-dist-min, 1.8 MB: scatter and
 * the WebGL 3D traces) draws the 3D chart at a third of the full bundle's parse cost.
 */
export type PlotlyBundle = 'basic' | 'gl3d' | 'full';

/** Options of {@link plotlyScript}. */
export interface PlotlyScriptOptions {
  /** Build to read. Default 'full'. */
  bundle?: PlotlyBundle;
}

const BUNDLE_FILES: Record<PlotlyBundle, string> = {
  basic: 'plotly.js-basic-dist-min/plotly-basic.min.js',
  gl3d: 'plotly.js-gl3d-dist-min/plotly-gl3d.min.js',
  full: 'plotly.js-dist-min/plotly.min.js',
};

/** Every bundle, smallest parse cost first. */
export const PLOTLY_BUNDLES = Object.keys(BUNDLE_FILES) as PlotlyBundle[];

/** Trace types drawn by the basic bundle. */
const BASIC_TRACE_TYPES: ReadonlySet<string> = new Set(['scatter', 'bar', 'pie']);
/** Trace types drawn by the gl3d bundle. */
const GL3D_TRACE_TYPES: ReadonlySet<string> = new Set(['scatter', 'scatter3d', 'surface', 'mesh3d', 'isosurface', 'volume', 'cone', 'streamtube']);

const scriptCache = new Map<PlotlyBundle, string>();

/** Path of a bundle's file in node_modules. */
export function plotlyBundlePath(bundle: PlotlyBundle = 'full'): string {
  return require.resolve(BUNDLE_FILES[bundle]);
}

/**
 * The plotly.js source to inline in a `<script>` element (read once per bundle from node_modules, then cached),
 * made safe for inline HTML (`</script` and `<!--` escaped inside its string literals).
 * @example `<script>${plotlyScript()}</script>`
 */
export function plotlyScript(options: PlotlyScriptOptions = {}): string {
  const { bundle = 'full' } = options;
  if (!(bundle in BUNDLE_FILES)) {
    throw new OptionsError(`plotlyScript: bundle must be one of ${PLOTLY_BUNDLES.join(', ')} (got ${JSON.stringify(bundle)})`, 'bundle');
  }
  let source = scriptCache.get(bundle);
  if (source === undefined) {
    source = escapeInlineScript(readFileSync(plotlyBundlePath(bundle), 'utf8'));
    scriptCache.set(bundle, source);
  }
  return source;
}

/** The smallest bundle that draws every trace of the figures: 'basic', else 'gl3d' (3D scatter), else 'full'. */
export function bundleFor(figures: readonly PlotlyFigure[]): PlotlyBundle {
  const types = figures.flatMap((figure) => figure.data.map((trace) => (typeof trace.type === 'string' ? trace.type : 'scatter')));
  if (types.every((t) => BASIC_TRACE_TYPES.has(t))) return 'basic';
  if (types.every((t) => GL3D_TRACE_TYPES.has(t))) return 'gl3d';
  return 'full';
}

/**
 * Escapes text for an inline `<script>`: the HTML parser must never see `</script` or `<!--` inside it. Both only
 * occur in plotly.js inside string literals, where `<\/` and `<\!` mean the same characters.
 */
export function escapeInlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON for a `<script>` element: `<`, U+2028 and U+2029 escaped so no data can end the element or break parsing. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Escapes text for HTML element content and attribute values (the escaping of the `html` template, src/util/html.ts). */
export { escapeHtml };

/** Plotly config used everywhere a chart is interactive: responsive, no "edit in Chart Studio" link, PNG button at 1200x800. */
export const PLOTLY_CONFIG = {
  responsive: true,
  displaylogo: false,
  toImageButtonOptions: { format: 'png', width: 1200, height: 800, scale: 1 },
} as const;

/**
 * The JavaScript that draws `figure` into the element with id `elementId` (Plotly must already be loaded).
 * Used by the figure pages, the report page and the notebook cells, so a chart is always drawn the same way.
 */
export function drawScript(elementId: string, figure: PlotlyFigure): string {
  return `Plotly.newPlot(${scriptJson(elementId)}, ${scriptJson(figure.data)}, ${scriptJson(figure.layout)}, ${scriptJson(PLOTLY_CONFIG)});`;
}

/**
 * Id of the element a figure is drawn into: `figure-<fig.id>`.
 * @throws OptionsError when `fig.id` is not a plain identifier (letters, digits, `-`, `_`, starting with a letter).
 */
export function figureElementId(fig: Pick<NamedFigure, 'id'>): string {
  if (!FIGURE_ID.test(fig.id)) {
    throw new OptionsError(`figure id ${JSON.stringify(fig.id)} must be letters, digits, - or _ and start with a letter (e.g. "segments-2d")`, 'id');
  }
  return `figure-${fig.id}`;
}

/**
 * A standalone interactive page for one figure that works offline: the smallest plotly.js bundle that draws it is
 * inlined (1.2 MB for 2D charts, 4.8 MB with a 3D chart), the figure fills the window.
 * @example writeFileSync('reports/figures/customer-segmentation-2d.html', figureHtml(named))
 */
export function figureHtml(fig: NamedFigure): string {
  const elementId = figureElementId(fig);
  const plotly = trustedHtml(plotlyScript({ bundle: bundleFor([fig.figure]) }));
  // scriptJson escapes `<` in every data string: the drawing code cannot end its element
  const draw = trustedHtml(drawScript(elementId, fig.figure));
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${fig.title}</title>
<style>
html, body { margin: 0; height: 100%; background: #ffffff; }
#${elementId} { width: 100%; height: 100vh; min-height: 600px; }
</style>
</head>
<body>
<div id="${elementId}"></div>
<script>${plotly}</script>
<script>${draw}</script>
</body>
</html>
`.markup;
}
