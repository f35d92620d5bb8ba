import { TEST_CHROMIUM } from '../../test/paths';
import { existsSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { PNG } from 'pngjs';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as small from '../figures/__fixtures__/small';
import { CHROMIUM_ARGS } from '../browser/render';
import { segments2DFigure, segments3DFigure } from '../figures/specs';
import { closeNotebookRenderer, figureCellHtml, renderForNotebook, showFigure } from './display';

// The kernel's display API, replaced by a recorder (vi.mock is hoisted above the imports).
const { shown } = vi.hoisted(() => ({ shown: [] as string[] }));
vi.mock('./tslabDisplay', () => ({ tslabDisplay: () => ({ html: (s: string) => shown.push(s) }) }));

const CHROMIUM = TEST_CHROMIUM;
const hasChromium = existsSync(CHROMIUM);
const fig2D = segments2DFigure(small.points);
const fig3D = segments3DFigure(small.points);
const BUNDLE_MARK = /window\.Plotly = Plotly/g;

function tinyPng(): Buffer {
  const png = new PNG({ width: 4, height: 3 });
  png.data.fill(200);
  return PNG.sync.write(png);
}

beforeEach(() => {
  shown.length = 0;
});

afterAll(async () => {
  await closeNotebookRenderer();
});

describe('in the tslab kernel', () => {
  it('compiles without the DOM library, as tslab compiles local files (no lib "DOM")', async () => {
    const ts = await import('typescript');
    const program = ts.createProgram([join(__dirname, 'display.ts')], {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      // tslab's own setting (converter.js): src/data/schema.ts imports the built-in schema as JSON.
      resolveJsonModule: true,
      skipLibCheck: true,
    });
    const messages = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    expect(messages).toEqual([]);
  });
});

describe('figureCellHtml', () => {
  it('puts the PNG in an <img> and a script that swaps it for the live chart', () => {
    const png = tinyPng();
    const html = figureCellHtml(fig2D, { png, elementId: 'cell-1' });
    expect(html).toContain(`<div id="cell-1" class="mcs-figure"><img class="mcs-static" src="data:image/png;base64,${png.toString('base64')}" alt="Customer Segmentation 2D"`);
    expect(html).toContain('window.Plotly.newPlot(box, fig.data, fig.layout');
    expect(html.match(BUNDLE_MARK)).toBeNull();
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
  });

  it('shows a visible note instead of the image when there is no PNG', () => {
    const html = figureCellHtml(fig2D, { note: 'no browser here.', elementId: 'cell-2' });
    expect(html).not.toContain('<img');
    expect(html).toContain('<b>Customer Segmentation 2D</b>: no browser here. The interactive chart appears here when the notebook is trusted.');
  });

  it('inlines plotly.js when asked and picks a fresh element id per output', () => {
    expect(figureCellHtml(fig3D, { includeBundle: true }).match(BUNDLE_MARK)).toHaveLength(1);
    const id = (html: string) => /id="(mcs-figure-[0-9a-f]{12})"/.exec(html)![1];
    expect(id(figureCellHtml(fig2D))).not.toBe(id(figureCellHtml(fig2D)));
    expect(() => figureCellHtml(fig2D, { elementId: '1"x' })).toThrow(/elementId "1\\"x" must be letters/);
  });
});

describe('showFigure', () => {
  it('displays one text/html output, inlining plotly.js only in the first one unless asked', () => {
    showFigure(fig2D, { png: tinyPng() });
    showFigure({ id: 'segments-3d', name: 'Customer Segmentation 3D', title: 'Customer Segmentation 3D', figure: fig3D });
    showFigure(fig2D, { bundle: 'always' });
    expect(shown).toHaveLength(3);
    expect(shown.map((h) => (h.match(BUNDLE_MARK) ?? []).length)).toEqual([1, 0, 1]);
    expect(shown[0]).toContain('<img class="mcs-static"');
    expect(shown[1]).toContain('call `await renderForNotebook(fig)`');
    expect(() => showFigure(fig2D, { bundle: 'never' as never })).toThrow(/bundle must be 'once' or 'always'/);
  });
});

describe('renderForNotebook', () => {
  it('without Chromium shows the interactive chart with a note saying how to enable images', async () => {
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    try {
      await renderForNotebook(fig2D);
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
      await closeNotebookRenderer();
    }
    expect(shown).toHaveLength(1);
    expect(shown[0]).not.toContain('<img');
    expect(shown[0]).toContain('PNG figures skipped: no Chromium executable at /nonexistent/chromium (from CHROMIUM_PATH)');
  });

  it.skipIf(!hasChromium)(`with Chromium adds a 1200x800 PNG of the chart${hasChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`, async () => {
    await renderForNotebook(fig2D);
    const base64 = /src="data:image\/png;base64,([^"]+)"/.exec(shown[0]!)![1]!;
    const png = PNG.sync.read(Buffer.from(base64, 'base64'));
    expect([png.width, png.height]).toEqual([1200, 800]);
  });
});

describe.skipIf(!hasChromium)(`notebook output in a browser${hasChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`, () => {
  // Two outputs as a saved notebook holds them: the first carries plotly.js, the second waits for it.
  const page = () =>
    `<!DOCTYPE html><html><body>${figureCellHtml(fig2D, { png: tinyPng(), includeBundle: true, elementId: 'out-1' })}` +
    `${figureCellHtml(fig3D, { elementId: 'out-2', note: 'no image.' })}</body></html>`;

  it('untrusted (scripts off): the static image and the note are what shows', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'nb-cell-'));
      writeFileSync(join(dir, 'cell.html'), page());
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      const tab = await context.newPage();
      await tab.goto(`file://${join(dir, 'cell.html')}`);
      const state = await tab.evaluate(() => ({
        imgWidth: (document.querySelector('#out-1 img') as HTMLImageElement).naturalWidth,
        note: document.querySelector('#out-2 .mcs-static')?.textContent,
        plots: document.querySelectorAll('.js-plotly-plot').length,
      }));
      expect(state).toEqual({ imgWidth: 4, note: 'Customer Segmentation 3D: no image. The interactive chart appears here when the notebook is trusted.', plots: 0 });

      const trusted = await browser.newContext({ offline: true });
      const live = await trusted.newPage();
      const errors: string[] = [];
      live.on('pageerror', (e) => errors.push(e.message));
      live.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await live.goto(`file://${join(dir, 'cell.html')}`);
      await live.waitForFunction(() => document.querySelectorAll('.js-plotly-plot').length === 2 && !document.querySelector('.mcs-static'), null, {
        timeout: 90_000,
      });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
