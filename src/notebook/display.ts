/**
 * Figure specs in tslab notebook cells. One `text/html` output holds a static PNG (visible everywhere: untrusted
 * notebooks, nbconvert's HTML, GitHub) and a script that swaps it for the live Plotly chart where scripts run
 * (trusted JupyterLab / classic Notebook, nbconvert HTML). plotly.js is inlined, never loaded from a CDN.
 */
import { randomBytes } from 'crypto';
import { tslabDisplay } from './tslabDisplay';
import { OptionsError } from '../util/errors';
import { escapeHtml, plotlyScript, PLOTLY_CONFIG, scriptJson } from '../figures/html';
import { startRenderer, type Renderer } from '../browser/render';
import type { NamedFigure, PlotlyFigure } from '../figures/specs';

/** Options of {@link showFigure}. */
export interface ShowFigureOptions {
  /** The chart as PNG (from {@link renderForNotebook} or a Renderer), shown until the live chart replaces it. Default: none (a note instead). */
  png?: Buffer;
  /** Text shown in place of the image when there is no `png`. Default: how to get one (`await renderForNotebook(fig)`). */
  note?: string;
  /**
   * When to inline plotly.js (4.8 MB) into the output: 'once' (the first chart of the kernel session; later charts wait
   * for it, so a saved notebook carries it once) or 'always' (each output stands alone). Default 'once'.
   */
  bundle?: 'once' | 'always';
}

/** Options of {@link figureCellHtml}. */
export interface FigureCellOptions {
  /** Static image. Default: none. */
  png?: Buffer;
  /** Text shown when there is no `png`. Default: how to get a static image. */
  note?: string;
  /** Inline plotly.js in this output. Default false (wait up to 60 s for another output's copy). */
  includeBundle?: boolean;
  /** Id of the output's element, unique in the page. Default: random `mcs-figure-<hex>`. */
  elementId?: string;
  /** Height of the live chart in pixels. Default 700 (the charts are laid out for 1200x800; narrower cells keep that shape). */
  height?: number;
}

const DEFAULT_NOTE = 'No static image in this output: call `await renderForNotebook(fig)` (needs Chromium) to add one.';

function unwrap(fig: PlotlyFigure | NamedFigure): { figure: PlotlyFigure; title: string } {
  if ('figure' in fig) return { figure: fig.figure, title: fig.title };
  const text = (fig.layout.title as { text?: unknown } | undefined)?.text;
  return { figure: fig, title: typeof text === 'string' ? text : 'Chart' };
}

/**
 * The HTML of one notebook output: the static image (or a note) inside a container, plus the script that replaces
 * it with the live chart once plotly.js is present. Pure apart from the random default id.
 * @example tslab.display.html(figureCellHtml(fig, { png, includeBundle: true }))
 */
export function figureCellHtml(fig: PlotlyFigure | NamedFigure, options: FigureCellOptions = {}): string {
  const { png, note = DEFAULT_NOTE, includeBundle = false, elementId = `mcs-figure-${randomBytes(6).toString('hex')}`, height = 700 } = options;
  if (!/^[A-Za-z][\w-]*$/.test(elementId)) {
    throw new OptionsError(`figureCellHtml: elementId ${JSON.stringify(elementId)} must be letters, digits, - or _ and start with a letter`, 'elementId');
  }
  const { figure, title } = unwrap(fig);
  const still =
    png ?
      `<img class="mcs-static" src="data:image/png;base64,${png.toString('base64')}" alt="${escapeHtml(title)}" style="max-width:100%;height:auto">`
    : `<div class="mcs-static" style="border:1px solid #e0a84e;background:#fdf3e1;padding:8px 10px;font-family:sans-serif;font-size:13px">` +
      `<b>${escapeHtml(title)}</b>: ${escapeHtml(note)} The interactive chart appears here when the notebook is trusted.</div>`;
  const draw = `(function () {
  var root = document.getElementById(${scriptJson(elementId)});
  if (!root) return;
  var fig = ${scriptJson(figure)};
  function draw() {
    var box = document.createElement('div');
    box.style.width = '100%';
    box.style.height = '${height}px';
    root.appendChild(box);
    window.Plotly.newPlot(box, fig.data, fig.layout, ${scriptJson(PLOTLY_CONFIG)}).then(function () {
      var still = root.querySelector('.mcs-static');
      if (still) still.remove();
    }, function () { box.remove(); });
  }
  if (window.Plotly) { draw(); return; }
  var waited = 0;
  var timer = setInterval(function () {
    waited += 200;
    if (window.Plotly) { clearInterval(timer); draw(); }
    else if (waited >= 60000) clearInterval(timer);
  }, 200);
})();`;
  return (
    `<div id="${elementId}" class="mcs-figure">${still}</div>\n` +
    (includeBundle ? `<script>${plotlyScript({ bundle: 'full' })}</script>\n` : '') +
    `<script>${draw}</script>`
  );
}

let bundleSent = false;

/**
 * Shows a figure in the current tslab cell: the PNG (when given) and, where scripts run, the live Plotly chart in
 * its place. Without `png`, a visible note says how to get a static image.
 * @example
 * import { showFigure, renderForNotebook } from './src/index';
 * showFigure(segments2DFigure(points));          // interactive only
 * await renderForNotebook(segments2DFigure(points)); // interactive + PNG
 */
export function showFigure(fig: PlotlyFigure | NamedFigure, options: ShowFigureOptions = {}): void {
  const { png, note, bundle = 'once' } = options;
  if (bundle !== 'once' && bundle !== 'always') {
    throw new OptionsError(`showFigure: bundle must be 'once' or 'always' (got ${JSON.stringify(bundle)})`, 'bundle');
  }
  const includeBundle = bundle === 'always' || !bundleSent;
  tslabDisplay().html(figureCellHtml(fig, { png, note, includeBundle }));
  bundleSent = true;
}

let shared: Promise<{ renderer: Renderer | null; reason?: string }> | undefined;

/**
 * Renders the figure to PNG with a browser shared by the whole kernel session (started on first use) and shows
 * it with {@link showFigure}. Without Chromium, or if rendering fails, shows the interactive chart with a note
 * saying why there is no image.
 * @example await renderForNotebook(reportFigures(input)[3]);
 */
export async function renderForNotebook(fig: PlotlyFigure | NamedFigure, options: Pick<ShowFigureOptions, 'bundle'> = {}): Promise<void> {
  shared ??= startRenderer({ preload: [] });
  const { renderer, reason } = await shared;
  const { figure } = unwrap(fig);
  let png: Buffer | undefined;
  let note = reason;
  if (renderer) {
    try {
      png = await renderer.toPng(figure);
    } catch (error) {
      note = error instanceof Error ? error.message : String(error);
    }
  }
  showFigure(fig, { ...options, png, note });
}

/** Closes the browser {@link renderForNotebook} started, if any (it also ends with the kernel). */
export async function closeNotebookRenderer(): Promise<void> {
  const current = shared;
  shared = undefined;
  const started = await current;
  await started?.renderer?.close();
}
