import { TEST_CHROMIUM } from '../../test/paths';
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import { segmentColor } from '../figures/colors';
import * as small from '../figures/__fixtures__/small';
import { findChromium, startRenderer, type Renderer } from './render';
import { segments2DFigure, segments3DFigure } from '../figures/specs';

/** The browser the renderer uses by default on this machine (the headless shell when installed). */
const found = findChromium();
const CHROMIUM = 'path' in found ? found.path : null;
const hasChromium = CHROMIUM !== null;
const SKIP_REASON = 'reason' in found ? `skipped: ${found.reason}` : '';
/** Debian's full browser, when installed: the renderer must work with it too. */
const FULL_CHROMIUM = TEST_CHROMIUM;
const hasFullChromium = existsSync(FULL_CHROMIUM) && CHROMIUM !== FULL_CHROMIUM;

/** Distinct RGBA values of a decoded PNG. */
function distinctColours(png: PNG): number {
  const seen = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) seen.add(png.data.readUInt32BE(i));
  return seen.size;
}

/**
 * Pixels left of `maxX` (the plot area, not the legend) within `tolerance` (max channel difference) of `hex` drawn
 * at `opacity` over `background`.
 */
function pixelsNear(png: PNG, hex: string, opacity: number, tolerance: number, maxX: number, background = 255): number {
  const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) * opacity + background * (1 - opacity));
  let count = 0;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < maxX; x++) {
      const i = (y * png.width + x) * 4;
      if (rgb.every((c, j) => Math.abs(png.data[i + j]! - c) <= tolerance)) count++;
    }
  }
  return count;
}

describe('startRenderer without a usable browser', () => {
  it('returns no renderer and a one-line reason when Chromium is missing', async () => {
    const { renderer, reason } = await startRenderer({ executablePath: '/nonexistent/chromium' });
    expect(renderer).toBeNull();
    expect(reason).toMatch(/^PNG figures skipped: .*apt-get install chromium/);
    expect(reason).not.toContain('\n');
  });

  it('turns a browser that cannot start into a toPng error with the fix', async () => {
    const { renderer } = await startRenderer({ executablePath: '/bin/false', preload: [] });
    expect(renderer).not.toBeNull();
    await expect(renderer!.toPng(segments2DFigure(small.points))).rejects.toThrow(/Chromium at \/bin\/false failed to start .*apt-get install chromium/);
    await renderer!.close();
  });

  it('refuses a bad default size or GL pixel ratio, showing the value', async () => {
    await expect(startRenderer({ width: 0 })).rejects.toThrow(OptionsError);
    await expect(startRenderer({ glPixelRatio: 0.5 })).rejects.toThrow(/glPixelRatio must be from 1 to 4 \(got 0.5\)/);
  });
});

describe.skipIf(!hasChromium)(`PNG rendering in headless Chromium (${hasChromium ? CHROMIUM : SKIP_REASON})`, () => {
  let renderer: Renderer;
  let png2D: PNG;
  let png3D: PNG;

  beforeAll(async () => {
    const started = performance.now();
    const result = await startRenderer();
    expect(result.reason).toBeUndefined();
    renderer = result.renderer!;
    const returned = (performance.now() - started) / 1000;
    // Both charts at once; the 3D one as the default static projection, from the same small bundle.
    const [a, b] = await Promise.all([renderer.toPng(segments2DFigure(small.points)), renderer.toPng(segments3DFigure(small.points))]);
    png2D = PNG.sync.read(a);
    png3D = PNG.sync.read(b);
    console.log(`renderer timings (s): startRenderer returned after ${returned.toFixed(2)}`, renderer.timings());
  });

  afterAll(async () => {
    await renderer?.close();
  });

  it('starts without waiting for the browser, and draws the 3D chart without the gl3d bundle', () => {
    expect(renderer.timings().launch).toBeGreaterThan(0);
    expect(Object.keys(renderer.timings())).toEqual(expect.arrayContaining(['load.basic', 'render.Customer Segmentation 3D']));
    expect(Object.keys(renderer.timings())).not.toContain('load.gl3d');
  });

  it('renders the 2D chart at 1200x800 with every segment colour in the plot area', () => {
    expect([png2D.width, png2D.height]).toEqual([1200, 800]);
    expect(distinctColours(png2D)).toBeGreaterThan(100);
    // the legend sits right of x = 600 with these long labels; markers and centres are left of it
    for (const id of [0, 1, 2]) expect(pixelsNear(png2D, segmentColor(id), 0.85, 4, 560)).toBeGreaterThan(50);
  });

  it('renders the projected 3D scene, not only its legend: every segment colour left of the legend', () => {
    expect([png3D.width, png3D.height]).toEqual([1200, 800]);
    expect(distinctColours(png3D)).toBeGreaterThan(100);
    // scene domain x in [0, 0.62] of the paper; legend symbols from x ~ 720 px; markers over the grey panes.
    for (const id of [0, 1, 2]) expect(pixelsNear(png3D, segmentColor(id), 0.9, 14, 690, 247)).toBeGreaterThan(20);
  });

  it('renders the WebGL scene on request (scene3d: webgl, gl3d bundle)', async () => {
    const { renderer: webgl } = await startRenderer({ scene3d: 'webgl', glPixelRatio: 1, cacheDir: false });
    try {
      const png = PNG.sync.read(await webgl!.toPng(segments3DFigure(small.points)));
      expect([png.width, png.height]).toEqual([1200, 800]);
      // A blank WebGL canvas leaves 0 pixels of the segment colours left of the legend.
      for (const id of [0, 1, 2]) expect(pixelsNear(png, segmentColor(id), 0.9, 14, 690, 247)).toBeGreaterThan(20);
      expect(Object.keys(webgl!.timings())).toContain('load.gl3d');
    } finally {
      await webgl!.close();
    }
  });

  it('falls back to WebGL for a 3D chart the projection cannot draw (lines)', async () => {
    const lines = { data: [{ type: 'scatter3d', mode: 'lines', x: [0, 1, 2], y: [0, 1, 0], z: [0, 2, 1], line: { color: '#d62728', width: 8 } }], layout: {} };
    const png = PNG.sync.read(await renderer.toPng(lines, { width: 400, height: 300 }));
    expect([png.width, png.height]).toEqual([400, 300]);
    expect(pixelsNear(png, '#d62728', 1, 40, 400)).toBeGreaterThan(30); // the line itself, not a blank scene
    expect(Object.keys(renderer.timings())).toContain('load.gl3d');
  });

  it("renders with Chromium's usual process model too (singleProcess: false)", async () => {
    const { renderer: multi } = await startRenderer({ singleProcess: false, cacheDir: false });
    try {
      const png = PNG.sync.read(await multi!.toPng(segments2DFigure(small.points)));
      expect([png.width, png.height]).toEqual([1200, 800]);
      for (const id of [0, 1, 2]) expect(pixelsNear(png, segmentColor(id), 0.85, 4, 560)).toBeGreaterThan(50);
    } finally {
      await multi!.close();
    }
  });

  it.skipIf(!hasFullChromium)(`renders with Debian's full browser too (${hasFullChromium ? FULL_CHROMIUM : `skipped: no ${FULL_CHROMIUM} beside ${CHROMIUM}`})`, async () => {
    const { renderer: full } = await startRenderer({ executablePath: FULL_CHROMIUM, cacheDir: false });
    try {
      const [a, b] = await Promise.all([full!.toPng(segments2DFigure(small.points)), full!.toPng(segments3DFigure(small.points))]);
      const flat = PNG.sync.read(a);
      const scene = PNG.sync.read(b);
      for (const id of [0, 1, 2]) expect(pixelsNear(flat, segmentColor(id), 0.85, 4, 560)).toBeGreaterThan(50);
      for (const id of [0, 1, 2]) expect(pixelsNear(scene, segmentColor(id), 0.9, 14, 690, 247)).toBeGreaterThan(20);
    } finally {
      await full!.close();
    }
  });

  it('refuses unknown scene3d and page counts, showing the value', async () => {
    await expect(startRenderer({ scene3d: 'svg' as 'webgl' })).rejects.toThrow(/scene3d must be 'projection' or 'webgl' \(got "svg"\)/);
    await expect(startRenderer({ pages: 0 })).rejects.toThrow(/pages must be an integer from 1 to 8 \(got 0\)/);
  });

  it('renders at a requested size', async () => {
    const png = PNG.sync.read(await renderer.toPng(segments2DFigure(small.points), { width: 1300, height: 900 }));
    expect([png.width, png.height]).toEqual([1300, 900]);
  });

  it('refuses a size outside 10..10000 pixels, showing it', async () => {
    await expect(renderer.toPng(segments2DFigure(small.points), { width: 5, height: 800 })).rejects.toThrow(/width must be an integer from 10 to 10000 pixels \(got 5\)/);
  });

  it('refuses to render after close', async () => {
    const { renderer: other } = await startRenderer({ preload: [] });
    await other!.close();
    await expect(other!.toPng(segments2DFigure(small.points))).rejects.toThrow(/renderer is closed/);
  });

  it('keeps one cached profile per renderer: a second renderer at the same time gets a fresh one, the lock goes on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'renderer-cache-'));
    const lock = join(dir, 'renderer.lock');
    const first = (await startRenderer({ cacheDir: dir, preload: ['basic'] })).renderer!;
    const second = (await startRenderer({ cacheDir: dir, preload: ['basic'] })).renderer!;
    try {
      const [a, b] = await Promise.all([first.toPng(segments2DFigure(small.points)), second.toPng(segments2DFigure(small.points))]);
      expect(PNG.sync.read(a).width).toBe(1200);
      expect(PNG.sync.read(b).width).toBe(1200);
      expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
      expect(existsSync(join(dir, 'Default'))).toBe(true);
    } finally {
      await first.close();
      await second.close();
    }
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a process that has ended', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'renderer-stale-'));
    const deadPid = spawnSync('true').pid!;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'renderer.lock'), String(deadPid));
    const other = (await startRenderer({ cacheDir: dir, preload: [] })).renderer!;
    try {
      await other.toPng(segments2DFigure(small.points));
      expect(readFileSync(join(dir, 'renderer.lock'), 'utf8')).toBe(String(process.pid));
    } finally {
      await other.close();
    }
  });
});
