import { describe, expect, it } from 'vitest';
import type { Customers } from '../data/clean';
import { MALL_SCHEMA } from '../data/schema';
import { OptionsError } from '../util/errors';
import { createRng, sampleWithoutReplacement } from '../util/random';
import { SEGMENT_PALETTE, segmentColor } from './colors';
import * as small from './__fixtures__/small';
import {
  modelSelectionFigure,
  profilesFigure,
  reportFigures,
  segments2DFigure,
  segments3DFigure,
  silhouetteFigure,
  type PlotlyFigure,
  type SegmentPoints,
} from './specs';

type Trace = Record<string, any>;
const traces = (fig: PlotlyFigure) => fig.data as Trace[];
const layout = (fig: PlotlyFigure) => fig.layout as Record<string, any>;
/** A spec survives JSON (what Plotly reads from a page or a notebook output): no NaN, Infinity, functions or typed arrays. */
const expectPlainJson = (fig: PlotlyFigure) => expect(JSON.parse(JSON.stringify(fig))).toEqual(fig);

describe('fixture (hand-computed means)', () => {
  it('profile means and population means match the rows', () => {
    for (const p of small.profiles) {
      const rows = [...small.labels.keys()].filter((i) => small.labels[i] === p.id);
      expect(rows.length).toBe(p.size);
      for (const column of ['Age', 'Annual Income (k$)', 'Spending Score (1-100)']) {
        const values = small.data.numeric[column]!;
        expect(rows.reduce((s, i) => s + values[i]!, 0) / rows.length).toBeCloseTo(p.means[column]!, 10);
      }
    }
    expect(small.population.Age).toBeCloseTo(40.285714, 5);
  });
});

describe('modelSelectionFigure', () => {
  const fig = modelSelectionFigure(small.sweep);

  it('plots silhouette on the left axis and inertia on the right, null silhouette as a gap', () => {
    const [sil, inertia] = traces(fig);
    expect(sil.x).toEqual([2, 3, 4]);
    expect(sil.y).toEqual([0.41, 0.52, null]);
    expect(sil.yaxis).toBe('y');
    expect(inertia.y).toEqual([30, 12.5, 8]);
    expect(inertia.yaxis).toBe('y2');
    expect(layout(fig).yaxis2.overlaying).toBe('y');
  });

  it('marks the chosen k with a star at its silhouette and a band around it', () => {
    const star = traces(fig)[2]!;
    expect(star.x).toEqual([3]);
    expect(star.y).toEqual([0.52]);
    expect(star.name).toBe('Chosen k = 3 (silhouette 0.520)');
    const band = layout(fig).shapes[0];
    expect([band.x0, band.x1]).toEqual([2.65, 3.35]);
  });

  it('sorts ks and leaves out the star when the chosen k has no silhouette', () => {
    const f = modelSelectionFigure({ ...small.sweep, ks: [4, 2, 3], selected: 4 });
    expect(traces(f)[0]!.x).toEqual([2, 3, 4]);
    expect(traces(f)).toHaveLength(2);
    expect(layout(f).annotations[0].text).toBe('<b>Chosen k = 4</b>');
  });

  it('with the criteria of each k, adds panels for Calinski-Harabasz, Davies-Bouldin, stability and the smallest share', () => {
    const criteria = {
      '2': { silhouette: 0.41, calinskiHarabasz: 20, daviesBouldin: 0.9, minShare: 0.4, stability: 0.95 },
      '3': { silhouette: 0.52, calinskiHarabasz: 31, daviesBouldin: 0.6, minShare: 0.25, stability: 0.9 },
      '4': { silhouette: null, calinskiHarabasz: 28, daviesBouldin: 0.7, minShare: 0.1, stability: 0.5 },
    };
    const f = modelSelectionFigure({ ...small.sweep, criteria });
    const extra = traces(f).slice(3);
    expect(extra.map((t) => [t.xaxis, t.yaxis, t.y])).toEqual([
      ['x2', 'y3', [20, 31, 28]],
      ['x3', 'y4', [0.9, 0.6, 0.7]],
      ['x4', 'y5', [0.95, 0.9, 0.5]],
      ['x4', 'y5', [0.4, 0.25, 0.1]],
    ]);
    expect(extra[0]!.marker.symbol).toEqual(['circle', 'star', 'circle']);
    expect(layout(f).yaxis.domain).toEqual([0.5, 1]);
    // the band stays in the top panel; a dashed line marks the stability threshold
    expect(layout(f).shapes[0].y0).toBe(0.5);
    expect(layout(f).shapes[1]).toMatchObject({ yref: 'y5', y0: 0.8, y1: 0.8 });
  });

  it('refuses a selected k outside ks and a missing inertia, naming the values', () => {
    expect(() => modelSelectionFigure({ ...small.sweep, selected: 7 })).toThrow(/selected = 7 is not in sweep.ks \(2, 3, 4\)/);
    expect(() => modelSelectionFigure({ ...small.sweep, inertia: { '2': 1, '3': 2 } })).toThrow(OptionsError);
  });

  it('is plain JSON whose axes say what they measure: k on integer ticks, silhouette left, inertia right', () => {
    expectPlainJson(fig);
    expect(layout(fig).xaxis.title.text).toBe('Number of segments k');
    expect(layout(fig).xaxis.tickvals).toEqual([2, 3, 4]);
    expect(layout(fig).yaxis.title.text).toBe('Mean silhouette (-1 to 1)');
    expect(layout(fig).yaxis2.title.text).toBe('Inertia (within-segment sum of squares)');
    expect(traces(fig)[0]!.hovertemplate).toBe('k = %{x}<br>mean silhouette %{y:.3f}<extra></extra>');
  });
});

describe('silhouetteFigure', () => {
  const fig = silhouetteFigure({ samples: small.silhouetteSamples, labels: small.labels, profiles: small.profiles });

  it('draws one bar group per segment in id order, values sorted high to low, with a gap between groups', () => {
    const t = traces(fig);
    expect(t.map((x) => x.marker.color)).toEqual([segmentColor(0), segmentColor(1), segmentColor(2)]);
    expect(t[0]!.x).toEqual([0.8, 0.6]);
    expect(t[1]!.x).toEqual([0.7, 0.5, 0.4]);
    expect(t[2]!.x).toEqual([0.3, -0.1]);
    // 7 samples: gap = max(2, round(0.14)) = 2 rows between groups
    expect(t[0]!.y).toEqual([0, 1]);
    expect(t[1]!.y).toEqual([4, 5, 6]);
    expect(t[2]!.y).toEqual([9, 10]);
    expect(layout(fig).yaxis.tickvals).toEqual([0.5, 5, 9.5]);
    expect(layout(fig).yaxis.ticktext).toEqual([
      '<b>Segment 0</b><br>Young, low income, high spending<br>n=2, mean 0.70',
      '<b>Segment 1</b><br>Older, high income, low spending<br>n=3, mean 0.53',
      '<b>Segment 2</b><br>Middle-aged, average income, average spending<br>n=2, mean 0.10',
    ]);
    expect(layout(fig).showlegend).toBe(false);
  });

  it('marks the overall mean (3.2 / 7) and each segment mean in the legend', () => {
    const line = layout(fig).shapes[0];
    expect(line.x0).toBeCloseTo(3.2 / 7, 12);
    expect(layout(fig).annotations[0].text).toBe('<b>mean 0.457</b>');
    expect(traces(fig)[1]!.name).toMatch(/mean 0.53$/);
    expect(layout(fig).xaxis.range).toEqual([-0.1, 1]);
  });

  it('refuses mismatched lengths, values outside [-1, 1] and labels without a profile', () => {
    expect(() => silhouetteFigure({ samples: [0.1], labels: small.labels, profiles: small.profiles })).toThrow(
      /labels has 7 entries but samples has 1/,
    );
    expect(() => silhouetteFigure({ samples: [1.5], labels: [0], profiles: small.profiles })).toThrow(/samples\[0\] = 1.5/);
    expect(() => silhouetteFigure({ samples: [0.5], labels: [9], profiles: small.profiles })).toThrow(/labels\[0\] = 9 has no profile \(profile ids: 1, 0, 2\)/);
  });

  it('is plain JSON; each bar names its segment and value on hover, the x axis the coefficient', () => {
    expectPlainJson(fig);
    expect(traces(fig).map((t) => t.type)).toEqual(['bar', 'bar', 'bar']);
    expect(traces(fig).map((t) => t.orientation)).toEqual(['h', 'h', 'h']);
    expect(traces(fig).map((t) => t.hovertemplate)).toEqual([0, 1, 2].map((id) => `Segment ${id}<br>silhouette %{x:.3f}<extra></extra>`));
    expect(layout(fig).xaxis.title.text).toBe('Silhouette coefficient (-1 to 1)');
  });
});

describe('segments2DFigure', () => {
  const fig = segments2DFigure(small.points);

  it('is titled "Customer Segmentation 2D" with income and spending axes in their units', () => {
    expect(layout(fig).title.text).toBe('Customer Segmentation 2D');
    expect(layout(fig).xaxis.title.text).toBe('Annual Income (k$)');
    expect(layout(fig).yaxis.title.text).toBe('Spending Score (1-100)');
  });

  it('draws a feature clustered as log1p on a log axis (all values > 0), and says log1p when zeros forbid one', () => {
    const withTransform = (schema: typeof small.data.schema) => ({
      ...schema,
      fields: schema.fields.map((f) => (f.name === 'Annual Income (k$)' ? { ...f, transform: 'log1p' as const } : f)),
    });
    const logged = segments2DFigure({ ...small.points, data: { ...small.data, schema: withTransform(small.data.schema) } });
    expect(layout(logged).xaxis.type).toBe('log');
    expect(layout(logged).xaxis.title.text).toBe('Annual Income (k$) (log scale)');
    expect(layout(logged).yaxis.type).toBeUndefined();
    const income = Float64Array.from(small.data.numeric['Annual Income (k$)']!, (v, i) => (i === 0 ? 0 : v));
    const zero = { ...small.data, schema: withTransform(small.data.schema), numeric: { ...small.data.numeric, 'Annual Income (k$)': income } };
    const linear = segments2DFigure({ ...small.points, data: zero });
    expect(layout(linear).xaxis.type).toBeUndefined();
    expect(layout(linear).xaxis.title.text).toBe('Annual Income (k$; log1p in clustering)');
  });

  it('puts each customer in its segment trace, with the label and size in the legend', () => {
    const [s0, s1, s2] = traces(fig);
    expect(s0!.name).toBe('Segment 0 · Young, low income, high spending (n=2)');
    expect(s0!.x).toEqual([15, 20]);
    expect(s0!.y).toEqual([80, 90]);
    expect(s1!.x).toEqual([80, 90, 85]);
    expect(s2!.customdata).toEqual([
      [6, 'Female', 35],
      [7, 'Female', 40],
    ]);
    expect([s0, s1, s2].map((t) => t!.marker.color)).toEqual(SEGMENT_PALETTE.slice(0, 3));
  });

  it('marks centres from profile.centroid, falling back to the means when a centroid is missing', () => {
    const centres = traces(fig)[3]!;
    expect(centres.name).toBe('Segment centres');
    expect(centres.x).toEqual([18, 84, 52.5]);
    expect(centres.y).toEqual([84, 16, 47.5]);
    expect(centres.marker.symbol).toBe('diamond');
  });

  it('refuses labels that do not match the customers', () => {
    expect(() => segments2DFigure({ ...small.points, labels: [0, 1] })).toThrow(/labels has 2 entries but customers has 7/);
    expect(() => segments2DFigure({ ...small.points, profiles: [...small.profiles, small.profiles[0]!] })).toThrow(/two profiles have segment id 1/);
  });

  it('is plain JSON; hovering a customer shows its id, gender, age and both plotted values with units', () => {
    expectPlainJson(fig);
    expect(traces(fig)[0]!.hovertemplate).toBe(
      'Customer %{customdata[0]} (%{customdata[1]}, %{customdata[2]} years)<br>Annual Income %{x} k$<br>Spending Score %{y}<extra>Segment 0</extra>',
    );
    for (const t of traces(fig).slice(0, 3)) expect(t.customdata).toHaveLength(t.x.length);
  });
});

describe('segments3DFigure', () => {
  const fig = segments3DFigure(small.points);

  it('is a WebGL scatter3d of Age, Income and Spending with the same colours as 2D', () => {
    expect(layout(fig).title.text).toBe('Customer Segmentation 3D');
    expect(traces(fig).every((t) => t.type === 'scatter3d')).toBe(true);
    const scene = layout(fig).scene;
    expect([scene.xaxis.title.text, scene.yaxis.title.text, scene.zaxis.title.text]).toEqual([
      'Age (years)',
      'Annual Income (k$)',
      'Spending Score (1-100)',
    ]);
    expect(traces(fig)[1]!.x).toEqual([50, 60, 55]);
    expect(traces(fig)[1]!.z).toEqual([10, 20, 15]);
    const colours2D = traces(segments2DFigure(small.points)).map((t) => JSON.stringify(t.marker.color));
    expect(traces(fig).map((t) => JSON.stringify(t.marker.color))).toEqual(colours2D);
  });

  it('places centres in all three dimensions', () => {
    const centres = traces(fig)[3]!;
    expect(centres.x).toEqual([21.5, 54, 37.5]);
  });

  it('is plain JSON; hovering a customer shows its id, gender and the three values with units; the camera is set', () => {
    expectPlainJson(fig);
    expect(traces(fig)[0]!.hovertemplate).toBe(
      'Customer %{customdata[0]} (%{customdata[1]})<br>Age %{x} years<br>Annual Income %{y} k$<br>Spending Score %{z}<extra>Segment 0</extra>',
    );
    for (const t of traces(fig)) expect([t.y.length, t.z.length]).toEqual([t.x.length, t.x.length]);
    expect(layout(fig).scene.camera.eye).toEqual({ x: 1.55, y: -1.55, z: 0.85 });
  });
});

describe('profilesFigure', () => {
  const fig = profilesFigure({ schema: MALL_SCHEMA, profiles: small.profiles, population: small.population });

  it('has five panels of one bar per segment, in the segment colours', () => {
    const t = traces(fig);
    expect(t).toHaveLength(15);
    expect(new Set(t.map((x) => x.xaxis))).toEqual(new Set(['x', 'x2', 'x3', 'x4', 'x5']));
    expect(t.filter((x) => x.showlegend).map((x) => x.marker.color)).toEqual(SEGMENT_PALETTE.slice(0, 3));
  });

  it('compares means, sizes and female share with the population', () => {
    const t = traces(fig);
    const panel = (axis: string) => t.filter((x) => x.xaxis === axis).map((x) => x.y[0]);
    expect(panel('x')).toEqual([21, 55, 37.5]);
    expect(panel('x4')).toEqual([2, 3, 2]);
    expect(panel('x5')).toEqual([50, 33.3, 100]);
    const lines = layout(fig).shapes.map((s: Trace) => s.y0);
    // population female share: (1 + 1 + 2) / 7 customers = 57.1 %; even split 7 / 3
    expect(lines).toEqual([40.29, 56.43, 44.29, 7 / 3, 57.1]);
    expect(layout(fig).annotations[0].text).toContain('population 40.3');
  });

  it('refuses a missing population mean', () => {
    const population = { ...small.population, Age: Number.NaN };
    expect(() => profilesFigure({ schema: MALL_SCHEMA, profiles: small.profiles, population })).toThrow(/population\["Age"\] is NaN/);
  });

  it('is plain JSON; every panel starts at 0 and is tall enough for its bars and the population line', () => {
    expectPlainJson(fig);
    const lines = layout(fig).shapes.map((s: Trace) => s.y0);
    ['', '2', '3', '4', '5'].forEach((n, i) => {
      const axis = layout(fig)[`yaxis${n}`];
      expect(axis.rangemode).toBe('tozero');
      expect(axis.range[0]).toBe(0);
      const tallest = Math.max(lines[i], ...traces(fig).filter((t) => t.yaxis === `y${n}`).map((t) => t.y[0]));
      expect(axis.range[1], `yaxis${n}`).toBeGreaterThan(tallest);
    });
    expect(traces(fig)[0]!.hovertemplate).toBe('Segment 0<br>Mean Age (years): %{text}<extra></extra>');
  });
});

describe('reportFigures', () => {
  it('returns the five charts in page order, file names without spaces, titles inside the figures', () => {
    const figures = reportFigures({
      sweep: small.sweep,
      points: small.points,
      silhouetteSamples: small.silhouetteSamples,
      population: small.population,
    });
    expect(figures.map((f) => [f.id, f.name, f.title])).toEqual([
      ['model-selection', 'model-selection', 'Model Selection'],
      ['silhouette', 'silhouette-by-segment', 'Silhouette by Segment'],
      ['profiles', 'segment-profiles', 'Segment Profiles'],
      ['segments-2d', 'customer-segmentation-2d', 'Customer Segmentation 2D'],
      ['segments-3d', 'customer-segmentation-3d', 'Customer Segmentation 3D'],
    ]);
    for (const f of figures) expect((f.figure.layout.title as { text: string }).text).toBe(f.title);
    expect(figures[3]!.figure).toEqual(segments2DFigure(small.points));
  });
});

/**
 * 30,000 customers in 3 segments of very unequal size: segment 1 is every third row (9,999 rows), segment 2 is the
 * single row 12,345, segment 0 the other 20,000. Profiles are the small fixture's with the sizes replaced.
 */
function largePoints(): SegmentPoints {
  const n = 30_000;
  const rows = Array.from({ length: n }, (_, i) => i);
  const data: Customers = {
    schema: MALL_SCHEMA,
    n,
    ids: rows.map((i) => i + 1),
    lines: Int32Array.from(rows, (i) => i + 2),
    numeric: {
      Age: Float64Array.from(rows, (i) => 18 + (i % 60)),
      'Annual Income (k$)': Float64Array.from(rows, (i) => i % 137),
      'Spending Score (1-100)': Float64Array.from(rows, (i) => 1 + (i % 100)),
    },
    categorical: { Gender: rows.map((i) => (i % 2 === 0 ? 'Female' : 'Male')) },
  };
  const labels = Int32Array.from({ length: n }, (_, i) => (i === 12_345 ? 2 : i % 3 === 0 ? 1 : 0));
  const sizes = [20_000, 9_999, 1];
  const profiles = small.profiles.map((p) => ({ ...p, size: sizes[p.id]!, share: sizes[p.id]! / n }));
  return { data, labels, profiles };
}

describe('segments2DFigure and segments3DFigure on a large table', () => {
  const big = largePoints();
  const segmentTraces = (fig: PlotlyFigure) => traces(fig).filter((t) => t.name !== 'Segment centres');
  const plotted = (fig: PlotlyFigure) => segmentTraces(fig).reduce((acc, t) => acc + t.x.length, 0);
  const figures = { '2D': segments2DFigure, '3D': segments3DFigure } as const;

  for (const [dim, figure] of Object.entries(figures)) {
    it(`${dim}: plots exactly maxPoints customers, default 10,000`, () => {
      expect(plotted(figure(big))).toBe(10_000);
      expect(plotted(figure(big, { maxPoints: 2_500 }))).toBe(2_500);
    });

    it(`${dim}: gives each segment its proportional share within 1 and keeps a 1-customer segment`, () => {
      const counts = segmentTraces(figure(big, { maxPoints: 10_000 })).map((t) => t.x.length);
      // trace order is segment id order 0, 1, 2; sizes 20,000, 9,999, 1 of 30,000
      expect(Math.abs(counts[0]! - (20_000 * 10_000) / 30_000)).toBeLessThanOrEqual(1);
      expect(Math.abs(counts[1]! - (9_999 * 10_000) / 30_000)).toBeLessThanOrEqual(1);
      expect(counts[2]).toBe(1);
      expect(segmentTraces(figure(big))[2]!.customdata[0][0]).toBe(12_346);
    });

    it(`${dim}: keeps each segment's customers in row order and in their own segment`, () => {
      for (const [s, t] of segmentTraces(figure(big, { seed: 4 })).entries()) {
        const ids: number[] = t.customdata.map((d: unknown[]) => d[0]);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.every((id) => big.labels[id - 1] === s)).toBe(true);
      }
    });

    it(`${dim}: draws, in each segment, its rows at the positions the segment's own random stream picks`, () => {
      for (const seed of [0, 5]) {
        for (const [s, t] of segmentTraces(figure(big, { seed, maxPoints: 3_000 })).entries()) {
          const rows = Array.from({ length: big.labels.length }, (_, i) => i).filter((i) => big.labels[i] === s);
          const positions = sampleWithoutReplacement(createRng(seed, s), rows.length, t.x.length).sort();
          expect(t.customdata.map((d: unknown[]) => d[0])).toEqual(Array.from(positions, (p) => rows[p]! + 1));
        }
      }
    });

    it(`${dim}: keeps the full segment sizes in the legend and leaves the centres alone`, () => {
      const fig = figure(big);
      expect(segmentTraces(fig).map((t) => t.name)).toEqual([
        'Segment 0 · Young, low income, high spending (n=20000)',
        'Segment 1 · Older, high income, low spending (n=9999)',
        'Segment 2 · Middle-aged, average income, average spending (n=1)',
      ]);
      expect(traces(fig).at(-1)).toEqual(traces(figure(big, { maxPoints: 30_000 })).at(-1));
    });

    it(`${dim}: same seed gives the same figure, another seed other points`, () => {
      expect(JSON.stringify(figure(big, { seed: 7 }))).toBe(JSON.stringify(figure(big, { seed: 7 })));
      expect(JSON.stringify(figure(big))).toBe(JSON.stringify(figure(big, { seed: 0 })));
      expect(segmentTraces(figure(big, { seed: 7 }))[0]!.customdata).not.toEqual(segmentTraces(figure(big, { seed: 8 }))[0]!.customdata);
    });

    it(`${dim}: draws every customer, as without options, when there are at most maxPoints`, () => {
      expect(figure(small.points, { maxPoints: 7, seed: 3 })).toEqual(figure(small.points));
      expect(figure(small.points, {})).toEqual(figure(small.points));
      expect(plotted(figure(big, { maxPoints: 30_000 }))).toBe(30_000);
    });

    it(`${dim}: refuses a bad maxPoints or seed, naming the function and option`, () => {
      const fn = `segments${dim}Figure`;
      for (const maxPoints of [0, -5, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => figure(small.points, { maxPoints })).toThrow(OptionsError);
        expect(() => figure(small.points, { maxPoints })).toThrow(new RegExp(`^${fn}: options\.maxPoints = .* is not an integer >= 1`));
      }
      for (const seed of [1.5, Number.NaN]) {
        expect(() => figure(small.points, { seed })).toThrow(new RegExp(`^${fn}: options\.seed = .* is not an integer`));
      }
      expect(() => figure(big, { maxPoints: 2 })).toThrow(/options\.maxPoints = 2 is less than the 3 segments with customers; pass maxPoints >= 3/);
    });
  }

  it('says in the subtitle when only a sample is drawn', () => {
    const subtitle = (fig: PlotlyFigure) => layout(fig).title.subtitle.text;
    expect(subtitle(segments2DFigure(big))).toBe(
      'Annual Income against Spending Score, 3 segments, 30,000 customers (a random 10,000 shown); diamonds: segment centres',
    );
    expect(subtitle(segments3DFigure(big, { maxPoints: 2_500 }))).toBe(
      'Age, Annual Income and Spending Score, 3 segments, 30,000 customers (a random 2,500 shown); diamonds: segment centres',
    );
    expect(subtitle(segments2DFigure(big, { maxPoints: 30_000 }))).toBe(
      'Annual Income against Spending Score, 3 segments, 30000 customers; diamonds: segment centres',
    );
    expect(subtitle(segments2DFigure(small.points))).toBe('Annual Income against Spending Score, 3 segments, 7 customers; diamonds: segment centres');
  });
});

describe('silhouetteFigure of a sample', () => {
  const input = { samples: small.silhouetteSamples, labels: small.labels, profiles: small.profiles };
  const subtitle = (fig: PlotlyFigure) => layout(fig).title.subtitle.text;

  it('says how many customers the samples were drawn from', () => {
    expect(subtitle(silhouetteFigure({ ...input, totalCustomers: 200_000 }))).toBe(
      'Per-customer silhouette of a random 7 of 200,000 customers, sorted within each segment; dashed line: mean 0.457',
    );
  });

  it('keeps the plain subtitle when totalCustomers is absent or equals the number of samples', () => {
    expect(subtitle(silhouetteFigure(input))).toBe('Per-customer silhouette, sorted within each segment; dashed line: mean 0.457');
    expect(silhouetteFigure({ ...input, totalCustomers: 7 })).toEqual(silhouetteFigure(input));
  });

  it('refuses a totalCustomers below the number of samples or not an integer', () => {
    for (const totalCustomers of [6, 7.5, Number.NaN]) {
      expect(() => silhouetteFigure({ ...input, totalCustomers })).toThrow(OptionsError);
      expect(() => silhouetteFigure({ ...input, totalCustomers })).toThrow(
        /^silhouetteFigure: totalCustomers = .* is not an integer >= samples\.length \(7\)/,
      );
    }
  });
});

describe('reportFigures on a large table', () => {
  it('draws the silhouette of a sample with its own labels and passes the scatter options to both scatters', () => {
    const big = largePoints();
    // rows 0, 4, 6, 10, 12, ...: 3j (segment 1) for even j, 3j + 1 (segment 0) for odd j
    const rows = Array.from({ length: 5_000 }, (_, j) => 3 * j + (j % 2));
    const figures = reportFigures({
      sweep: small.sweep,
      points: big,
      silhouetteSamples: rows.map((i) => (i % 10) / 10),
      silhouetteLabels: rows.map((i) => big.labels[i]!),
      population: small.population,
      scatter: { maxPoints: 1_000, seed: 3 },
    });
    const silhouette = figures[1]!.figure;
    expect((layout(silhouette).title.subtitle.text as string).startsWith('Per-customer silhouette of a random 5,000 of 30,000 customers,')).toBe(true);
    expect(traces(silhouette).map((t) => t.x.length)).toEqual([2_500, 2_500]);
    expect(figures[3]!.figure).toEqual(segments2DFigure(big, { maxPoints: 1_000, seed: 3 }));
    expect(figures[4]!.figure).toEqual(segments3DFigure(big, { maxPoints: 1_000, seed: 3 }));
  });
});
