import { mkdtempSync, readFileSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import * as small from '../figures/__fixtures__/small';
import { findChromium, startRenderer, type Renderer } from '../browser/render';
import { reportFigures, type NamedFigure, type PlotlyFigure } from '../figures/specs';
import { writeFigureFiles } from './figureFiles';

const found = findChromium();
const CHROMIUM = 'path' in found ? found.path : found.reason;
const hasChromium = 'path' in found;
const figures = reportFigures({
  sweep: small.sweep,
  points: small.points,
  silhouetteSamples: small.silhouetteSamples,
  population: small.population,
});
const names = figures.map((f) => f.name);
const titles = figures.map((f) => f.title);
const tmp = () => mkdtempSync(join(tmpdir(), 'figure-files-'));

/** A renderer that returns fixed bytes, failing for the titles given. */
function fakeRenderer(failFor: string[], message = 'boom'): Renderer & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async toPng(fig: PlotlyFigure) {
      const title = (fig.layout.title as { text: string }).text;
      calls.push(title);
      if (failFor.includes(title)) throw new Error(`${message} (${title})`);
      return Buffer.from(`png of ${title}`);
    },
    async close() {},
    timings: () => ({}),
  };
}

describe('writeFigureFiles', () => {
  it('without a renderer writes only the HTML files and adds no warning', async () => {
    const dir = tmp();
    const { files, warnings } = await writeFigureFiles(dir, figures, null);
    expect(files).toEqual(names.map((n) => join(dir, `${n}.html`)));
    expect(warnings).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(names.map((n) => `${n}.html`).sort());
    expect(readFileSync(join(dir, 'customer-segmentation-2d.html'), 'utf8')).toContain('<title>Customer Segmentation 2D</title>');
  });

  it('writes a PNG per figure, HTML files first, and creates the folder', async () => {
    const dir = join(tmp(), 'reports', 'figures');
    const renderer = fakeRenderer([]);
    const { files, warnings } = await writeFigureFiles(dir, figures, renderer);
    expect(warnings).toEqual([]);
    expect(renderer.calls).toEqual(titles);
    expect(files).toEqual([...names.map((n) => join(dir, `${n}.html`)), ...names.map((n) => join(dir, `${n}.png`))]);
    expect(readFileSync(join(dir, 'customer-segmentation-3d.png'), 'utf8')).toBe('png of Customer Segmentation 3D');
  });

  it('skips a PNG that fails, with its reason as a warning, and reports a shared reason once', async () => {
    const dir = tmp();
    const { files, warnings } = await writeFigureFiles(dir, figures, fakeRenderer(['Customer Segmentation 3D']));
    expect(warnings).toEqual(['boom (Customer Segmentation 3D)']);
    expect(files).not.toContain(join(dir, 'customer-segmentation-3d.png'));
    expect(files).toContain(join(dir, 'customer-segmentation-2d.png'));

    const down: Renderer = { ...fakeRenderer([]), toPng: async () => Promise.reject(new Error('PNG figures skipped: Chromium failed to start')) };
    const result = await writeFigureFiles(tmp(), figures, down);
    expect(result.warnings).toEqual(['PNG figures skipped: Chromium failed to start']);
    expect(result.files).toHaveLength(figures.length);
  });

  it('refuses names that are not file base names or are used twice', async () => {
    const fig = figures[0]!;
    const bad = (name: string): NamedFigure[] => [{ ...fig, name }];
    await expect(writeFigureFiles(tmp(), bad('a/b'), null)).rejects.toThrow(/figure name "a\/b" is not a file base name/);
    await expect(writeFigureFiles(tmp(), bad(' '), null)).rejects.toThrow(OptionsError);
    await expect(writeFigureFiles(tmp(), [fig, fig], null)).rejects.toThrow(/two figures are named "model-selection"/);
  });

  it.skipIf(!hasChromium)(`writes the real PNGs at 1200x800 with Chromium${hasChromium ? '' : ` (skipped: ${CHROMIUM})`}`, async () => {
    const dir = tmp();
    const { renderer } = await startRenderer();
    try {
      const { files, warnings } = await writeFigureFiles(dir, figures, renderer);
      expect(warnings).toEqual([]);
      expect(files.filter((f) => f.endsWith('.png'))).toHaveLength(5);
      for (const name of names) {
        const png = PNG.sync.read(readFileSync(join(dir, `${name}.png`)));
        expect([png.width, png.height]).toEqual([1200, 800]);
      }
    } finally {
      await renderer!.close();
    }
  });
});
