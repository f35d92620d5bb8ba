import { TEST_CHROMIUM } from '../../test/paths';
import { existsSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import * as small from './__fixtures__/small';
import { bundleFor, escapeHtml, escapeInlineScript, figureElementId, figureHtml, plotlyScript, scriptJson } from './html';
import { CHROMIUM_ARGS } from '../browser/render';
import { segments2DFigure, segments3DFigure, type NamedFigure } from './specs';

const CHROMIUM = TEST_CHROMIUM;
const hasChromium = existsSync(CHROMIUM);

const named = (id: string, name: string, figure: NamedFigure['figure']): NamedFigure => ({ id, name, title: name, figure });

describe('plotlyScript', () => {
  it('reads each bundle once and returns the cached text', () => {
    const full = plotlyScript();
    expect(plotlyScript({ bundle: 'full' })).toBe(full);
    expect(full).toContain('window.Plotly = Plotly');
    const basic = plotlyScript({ bundle: 'basic' });
    expect(basic.length).toBeLessThan(full.length / 3);
  });

  it('never lets the HTML parser see </script or <!-- inside the bundle', () => {
    for (const bundle of ['basic', 'gl3d', 'full'] as const) {
      const source = plotlyScript({ bundle });
      expect(source).not.toMatch(/<\/script/i);
      expect(source).not.toContain('<!--');
    }
  });

  it('refuses an unknown bundle', () => {
    expect(() => plotlyScript({ bundle: 'webgl' as never })).toThrow(OptionsError);
  });
});

describe('escaping', () => {
  it('escapes closing tags and comment openers the same way JS strings read them', () => {
    const source = 'var a = "</script><!-- x";';
    const escaped = escapeInlineScript(source);
    expect(escaped).toBe('var a = "<\\/script><\\!-- x";');
    expect(new Function(`${escaped}; return a;`)()).toBe('</script><!-- x');
  });

  it('writes JSON that cannot end a script element', () => {
    const text = scriptJson({ label: '</script><b>\u2028' });
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual({ label: '</script><b>\u2028' });
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('bundleFor', () => {
  it('picks the basic bundle for scatter/bar/pie, gl3d for scatter3d, and the full one for a mix or other types', () => {
    expect(bundleFor([segments2DFigure(small.points)])).toBe('basic');
    expect(bundleFor([segments2DFigure(small.points), segments3DFigure(small.points)])).toBe('gl3d');
    expect(bundleFor([{ data: [{ type: 'bar' }, { type: 'scatter3d' }], layout: {} }])).toBe('full');
    expect(bundleFor([{ data: [{ x: [1] }], layout: {} }])).toBe('basic');
    expect(bundleFor([{ data: [{ type: 'heatmap' }], layout: {} }])).toBe('full');
  });
});

describe('figureHtml', () => {
  it('writes a standalone page with the smallest bundle inlined and no external resource', () => {
    const html2D = figureHtml(named('segments-2d', 'Customer Segmentation 2D', segments2DFigure(small.points)));
    const html3D = figureHtml(named('segments-3d', 'Customer Segmentation 3D', segments3DFigure(small.points)));
    expect(html2D).toContain('<title>Customer Segmentation 2D</title>');
    expect(html2D).toContain('<div id="figure-segments-2d"></div>');
    expect(html2D).toContain(plotlyScript({ bundle: 'basic' }));
    expect(html3D).toContain(plotlyScript({ bundle: 'gl3d' }));
    for (const html of [html2D, html3D]) {
      expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
      expect(html).not.toMatch(/<link[^>]*href=/i);
      expect(html.match(/window\.Plotly = Plotly/g)).toHaveLength(1);
    }
  });

  it('refuses a figure id that is not a plain identifier', () => {
    expect(() => figureElementId({ id: 'a b"' })).toThrow(/figure id "a b\\"" must be letters/);
  });
});

describe.skipIf(!hasChromium)(`figure pages in headless Chromium${hasChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`, () => {
  it('draws the 2D (basic bundle) and 3D (full bundle) pages offline with no console error', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'figure-html-'));
      const pages = [
        named('segments-2d', 'Customer Segmentation 2D', segments2DFigure(small.points)),
        named('segments-3d', 'Customer Segmentation 3D', segments3DFigure(small.points)),
      ];
      for (const fig of pages) {
        const path = join(dir, `${fig.name}.html`);
        writeFileSync(path, figureHtml(fig));
        const context = await browser.newContext({ offline: true });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`file://${path}`);
        const selector = fig.id === 'segments-3d' ? `#figure-${fig.id} canvas` : `#figure-${fig.id} svg.main-svg .point`;
        await page.waitForSelector(selector, { timeout: 90_000 });
        expect(await page.title()).toBe(fig.title);
        expect(errors).toEqual([]);
        await context.close();
      }
    } finally {
      await browser.close();
    }
  });
});
