/** PNGs of the 5- and 12-feature figures (2D, 3D from principal components, profiles) in headless Chromium. */
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentColor } from '../figures/colors';
import { retail, wide, type WideFixture } from '../figures/__fixtures__/wide';
import { findChromium, startRenderer, type Renderer } from './render';
import { profilesFigure, segments2DFigure, segments3DFigure, type PlotlyFigure } from '../figures/specs';

const found = findChromium();
const hasChromium = 'path' in found;
const SKIP_REASON = 'reason' in found ? ` (skipped: ${found.reason})` : '';

/** Pixels in the box [x0, x1) x [y0, y1) matching `match`. */
function count(png: PNG, [x0, x1, y0, y1]: [number, number, number, number], match: (r: number, g: number, b: number) => boolean): number {
  let n = 0;
  for (let y = y0; y < Math.min(y1, png.height); y++) {
    for (let x = x0; x < Math.min(x1, png.width); x++) {
      const i = (y * png.width + x) * 4;
      if (match(png.data[i]!, png.data[i + 1]!, png.data[i + 2]!)) n++;
    }
  }
  return n;
}

/** Within 40 (sum of channel differences) of `hex` drawn at `opacity` over white. */
const near = (hex: string, opacity: number) => {
  const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) * opacity + 255 * (1 - opacity));
  return (r: number, g: number, b: number) => Math.abs(r - rgb[0]!) + Math.abs(g - rgb[1]!) + Math.abs(b - rgb[2]!) <= 40;
};
const dark = (r: number, g: number, b: number) => r + g + b < 300;

describe.skipIf(!hasChromium)(`PNGs of 5- and 12-feature figures${SKIP_REASON}`, () => {
  let renderer: Renderer;
  const cases: [string, WideFixture][] = [
    ['5 features', retail()],
    ['12 features', wide()],
  ];
  const pngs = new Map<string, PNG>();
  beforeAll(async () => {
    renderer = (await startRenderer({ cacheDir: false })).renderer!;
    const figures: [string, PlotlyFigure][] = cases.flatMap(([name, fx]) => [
      [`${name} 2D`, segments2DFigure(fx.points)],
      [`${name} 3D`, segments3DFigure(fx.points, { scaled: fx.scaled })],
      [`${name} profiles`, profilesFigure({ schema: fx.points.data.schema, profiles: fx.profiles, population: fx.population })],
    ]);
    const bytes = await Promise.all(figures.map(([, fig]) => renderer.toPng(fig)));
    figures.forEach(([key], i) => pngs.set(key, PNG.sync.read(bytes[i]!)));
  }, 120_000);
  afterAll(async () => {
    await renderer?.close();
  });

  for (const [name, fx] of cases) {
    it(`${name}: 2D and 3D draw every segment's points in the plot area`, () => {
      const png2D = pngs.get(`${name} 2D`)!;
      const png3D = pngs.get(`${name} 3D`)!;
      expect([png2D.width, png2D.height, png3D.width, png3D.height]).toEqual([1200, 800, 1200, 800]);
      for (const p of fx.profiles) {
        // 2D: left of the legend; 3D: the scene (left 62 %)
        expect(count(png2D, [80, 760, 110, 730], near(segmentColor(p.id), 0.85)), `2D segment ${p.id}`).toBeGreaterThan(100);
        expect(count(png3D, [0, 740, 110, 800], near(segmentColor(p.id), 0.9)), `3D segment ${p.id}`).toBeGreaterThan(50);
      }
    });

    it(`${name}: the 3D PNG carries the loadings note under the legend`, () => {
      const png3D = pngs.get(`${name} 3D`)!;
      expect(count(png3D, [765, 1200, 660, 800], dark)).toBeGreaterThan(800);
    });

    it(`${name}: the profile grid is drawn at its own height, every panel with bars`, () => {
      const png = pngs.get(`${name} profiles`)!;
      expect(png.width).toBe(1200);
      expect(png.height).toBeGreaterThanOrEqual(800);
      // the first segment's colour appears in every row of panels
      const rows = name === '12 features' ? 4 : 2;
      const rowHeight = (png.height - 260) / rows;
      for (let r = 0; r < rows; r++) {
        const y0 = Math.round(110 + r * rowHeight);
        expect(count(png, [0, 1200, y0, Math.round(y0 + rowHeight)], near(segmentColor(0), 1)), `row ${r}`).toBeGreaterThan(200);
      }
    });
  }
});
