import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_MALL, MALL_CSV } from '../../test/paths';
import { cleanCustomers } from '../data/clean';
import { loadCustomersCsv } from '../data/load';
import { OptionsError } from '../util/errors';
import { profileSegments } from '../segmentation/profile';
import * as small from './__fixtures__/small';
import { segmentColor } from './colors';
import { bundleFor } from './html';
import { niceTicks, projectScene } from './projection';
import { findChromium, startRenderer, type Renderer } from '../browser/render';
import { segments3DFigure, type PlotlyFigure } from './specs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const traces = (fig: PlotlyFigure): Any[] => fig.data as Any[];
const layout = (fig: PlotlyFigure): Any => fig.layout as Any;

/** A tiny figure: one point per trace, in a 0..10 cube, default camera unless `eye` is given. */
function twoPoints(a: [number, number, number], b: [number, number, number], eye?: object): PlotlyFigure {
  const trace = (name: string, color: string, p: [number, number, number]) => ({
    type: 'scatter3d',
    mode: 'markers',
    name,
    x: [p[0]],
    y: [p[1]],
    z: [p[2]],
    marker: { color, size: 5 },
  });
  const range = { range: [0, 10] };
  return {
    data: [trace('A', '#ff0000', a), trace('B', '#0000ff', b)],
    layout: { scene: { xaxis: range, yaxis: range, zaxis: range, ...(eye ? { camera: { eye } } : {}) } },
  };
}

describe('projectScene on the segments 3D figure', () => {
  const input = segments3DFigure(small.points);
  const before = structuredClone(input);
  const out = projectScene(input);

  it('uses only scatter traces, so the basic bundle draws it, and leaves the input unchanged', () => {
    expect(bundleFor([input])).toBe('gl3d');
    expect(bundleFor([out])).toBe('basic');
    expect(traces(out).every((t) => t.type === 'scatter')).toBe(true);
    expect(input).toEqual(before);
  });

  it('draws every point once, with the input markers scaled for SVG', () => {
    const points = traces(out)[0];
    expect(points.showlegend).toBe(false);
    const n = traces(input).reduce((s, t) => s + t.x.length, 0);
    expect(points.x).toHaveLength(n);
    expect(points.marker.size.filter((s: number) => s === 5 * 1.8)).toHaveLength(small.data.n);
    expect(points.marker.symbol.filter((s: string) => s === 'diamond')).toHaveLength(3);
  });

  it('keeps one legend entry per input trace, same name, group, colour and symbol, in order', () => {
    const legend = traces(out).slice(1);
    expect(legend.map((t) => t.name)).toEqual(traces(input).map((t) => t.name));
    expect(legend.map((t) => t.legendgroup)).toEqual(traces(input).map((t) => t.legendgroup));
    expect(legend.every((t) => t.showlegend === true && t.x.length === 1 && t.x[0] === null)).toBe(true);
    expect(legend.slice(0, 3).map((t) => t.marker.color)).toEqual(traces(input).slice(0, 3).map((t) => t.marker.color));
    expect(legend[3].marker.symbol).toBe('diamond');
  });

  it('keeps title, font, backgrounds, legend, margin and meta; hidden equal-scale axes on the scene domain', () => {
    for (const key of ['title', 'font', 'paper_bgcolor', 'plot_bgcolor', 'legend', 'margin', 'meta']) {
      expect(layout(out)[key]).toEqual(layout(input)[key]);
    }
    expect(layout(out).scene).toBeUndefined();
    expect(layout(out).xaxis).toMatchObject({ visible: false, domain: [0, 0.62], scaleanchor: 'y' });
    expect(layout(out).yaxis).toMatchObject({ visible: false, domain: [0, 1] });
  });

  it('fills three back panes with the background colour and labels the axes', () => {
    const fills = layout(out).shapes.filter((s: Any) => s.fillcolor === '#f7f7f7');
    expect(fills).toHaveLength(3);
    const grids = layout(out).shapes.filter((s: Any) => s.line?.color === '#d9d9d9');
    expect(grids).toHaveLength(6);
    const texts = layout(out).annotations.map((a: Any) => a.text);
    expect(texts).toEqual(expect.arrayContaining(['Age (years)', 'Annual Income (k$)', 'Spending Score (1-100)']));
  });
});

describe('projectScene keeps the figure\'s own notes', () => {
  it('copies annotations placed on the page (PCA loadings), not others', () => {
    const fig = twoPoints([0, 0, 0], [10, 10, 10]);
    const note = { xref: 'paper', yref: 'paper', x: 0.64, y: 0, text: '<b>Largest loadings</b>' };
    fig.layout.annotations = [note, { xref: 'x', yref: 'y', x: 1, y: 1, text: 'data-placed' }];
    const texts = layout(projectScene(fig)).annotations.map((a: Any) => a.text);
    expect(texts).toContain('<b>Largest loadings</b>');
    expect(texts).not.toContain('data-placed');
    expect(fig.layout.annotations).toHaveLength(2);
  });
});

describe('projectScene depth order and camera eye', () => {
  it('draws the point nearer the eye last, whatever its trace', () => {
    // Default eye (1.25, 1.25, 1.25): (10,10,10) is the corner nearest to it, (0,0,0) the farthest.
    const out = projectScene(twoPoints([10, 10, 10], [0, 0, 0]));
    expect(traces(out)[0].marker.color).toEqual(['#0000ff', '#ff0000']);
    const flipped = projectScene(twoPoints([10, 10, 10], [0, 0, 0], { x: -1.25, y: -1.25, z: -1.25 }));
    expect(traces(flipped)[0].marker.color).toEqual(['#ff0000', '#0000ff']);
  });

  it('takes the eye from the options over the scene camera', () => {
    const fig = twoPoints([10, 10, 10], [0, 0, 0], { x: -1.25, y: -1.25, z: -1.25 });
    expect(traces(projectScene(fig, { eye: { x: 1.25, y: 1.25, z: 1.25 } }))[0].marker.color).toEqual(['#0000ff', '#ff0000']);
  });
});

describe('projectScene on a large scene', () => {
  it('projects 200,000 points with autoranged axes (no call-stack limit on the data range)', () => {
    const n = 200_000;
    const values = (offset: number) => Array.from({ length: n }, (_, i) => ((i * 7919 + offset) % 1000) / 10);
    const fig: PlotlyFigure = {
      data: [{ type: 'scatter3d', mode: 'markers', name: 'all', x: values(0), y: values(13), z: values(29), marker: { color: '#123456', size: 3 } }],
      layout: {},
    };
    const drawn = traces(projectScene(fig)).filter((t) => t.showlegend === false);
    expect(drawn.reduce((sum, t) => sum + t.x.length, 0)).toBe(n);
  });
});

describe('niceTicks', () => {
  it('gives 1/2/5 x 10^n steps inside the range', () => {
    expect(niceTicks(18, 70)).toEqual([20, 30, 40, 50, 60, 70]);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(12, 140)).toEqual([20, 40, 60, 80, 100, 120, 140]);
  });
});

describe('projectScene errors', () => {
  it('names the index and type of a trace it cannot draw', () => {
    const fig: PlotlyFigure = { data: [...twoPoints([1, 1, 1], [2, 2, 2]).data, { type: 'bar', x: [1], y: [2] }], layout: {} };
    expect(() => projectScene(fig)).toThrow(OptionsError);
    expect(() => projectScene(fig)).toThrow(/trace 2 is type "bar"; only type 'scatter3d'/);
    const lines = twoPoints([1, 1, 1], [2, 2, 2]);
    lines.data[0]!.mode = 'lines';
    expect(() => projectScene(lines)).toThrow(/trace 0 \(scatter3d\) has mode "lines"/);
    expect(() => projectScene({ data: [], layout: {} })).toThrow(OptionsError);
  });
});

const chromium = findChromium();
const noChromium = 'reason' in chromium ? chromium.reason : undefined;
const skipPng = noChromium !== undefined || !HAS_MALL;
const skipReason = noChromium ?? `no Mall data at ${MALL_CSV}`;

describe.skipIf(skipPng)(`projected Mall 3D figure in headless Chromium${skipPng ? ` (skipped: ${skipReason})` : ''}`, () => {
  let renderer: Renderer | null = null;
  beforeAll(async () => {
    renderer = (await startRenderer({ preload: ['basic'], cacheDir: false })).renderer;
  }, 120_000);
  afterAll(async () => {
    await renderer?.close();
  });

  it('renders a 1200x800 PNG with the points, panes and every legend entry drawn', async () => {
    const { table } = await loadCustomersCsv(MALL_CSV);
    const { data } = cleanCustomers(table);
    const income = data.numeric['Annual Income (k$)']!;
    const spending = data.numeric['Spending Score (1-100)']!;
    // Five segments by a fixed income/spending rule (the classic Mall quadrants), no model needed.
    const labels = Array.from(income, (inc, i) => (inc < 40 ? (spending[i]! >= 50 ? 0 : 1) : inc < 70 ? 2 : spending[i]! >= 50 ? 3 : 4));
    const profiles = profileSegments(data, labels, { k: 5 });
    const projected = projectScene(segments3DFigure({ data, labels, profiles }));
    expect(bundleFor([projected])).toBe('basic');
    const png = PNG.sync.read(await renderer!.toPng(projected));
    expect([png.width, png.height]).toEqual([1200, 800]);
    const countIn = (x0: number, x1: number, y0: number, y1: number, match: (r: number, g: number, b: number) => boolean): number => {
      let n = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = (y * png.width + x) * 4;
          if (match(png.data[i]!, png.data[i + 1]!, png.data[i + 2]!)) n++;
        }
      }
      return n;
    };
    const near = (hex: string) => {
      // Segment markers have opacity 0.9 over white.
      const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) * 0.9 + 255 * 0.1);
      return (r: number, g: number, b: number) => Math.abs(r - rgb[0]!) + Math.abs(g - rgb[1]!) + Math.abs(b - rgb[2]!) <= 30;
    };
    // Scene area (domain x 0..0.62 below the title): panes and points, not blank.
    const nonWhite = countIn(10, 700, 120, 790, (r, g, b) => r < 250 || g < 250 || b < 250);
    expect(nonWhite).toBeGreaterThan(690 * 670 * 0.3);
    // Every segment colour in the scene, and once in the legend (right of the cube), rows in segment order.
    const legendTop: number[] = [];
    for (const p of profiles) {
      expect(countIn(10, 600, 120, 790, near(segmentColor(p.id)))).toBeGreaterThan(100);
      let top = -1;
      for (let y = 140; y < 400 && top < 0; y++) if (countIn(600, 1200, y, y + 1, near(segmentColor(p.id))) > 0) top = y;
      expect(top, `legend marker of segment ${p.id}`).toBeGreaterThan(0);
      legendTop.push(top);
    }
    expect([...legendTop].sort((a, b) => a - b)).toEqual(legendTop);
  }, 120_000);
});
