import { describe, expect, it } from 'vitest';
import { OptionsError } from '../errors';
import { SEGMENT_PALETTE, segmentColor } from './colors';
import * as small from './__fixtures__/small';
import {
  AXIS_TITLES,
  modelSelectionFigure,
  profilesFigure,
  reportFigures,
  segments2DFigure,
  segments3DFigure,
  silhouetteFigure,
  type PlotlyFigure,
} from './specs';

type Trace = Record<string, any>;
const traces = (fig: PlotlyFigure) => fig.data as Trace[];
const layout = (fig: PlotlyFigure) => fig.layout as Record<string, any>;
const json = (fig: PlotlyFigure) => JSON.stringify(fig, null, 2) + '\n';

describe('fixture (hand-computed means)', () => {
  it('profile means and population means match the rows', () => {
    for (const p of small.profiles) {
      const rows = small.customers.filter((_, i) => small.labels[i] === p.id);
      expect(rows.length).toBe(p.size);
      expect(rows.reduce((s, c) => s + c.age, 0) / rows.length).toBeCloseTo(p.means.Age, 10);
      expect(rows.reduce((s, c) => s + c.income, 0) / rows.length).toBeCloseTo(p.means['Annual Income (k$)'], 10);
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

  it('refuses a selected k outside ks and a missing inertia, naming the values', () => {
    expect(() => modelSelectionFigure({ ...small.sweep, selected: 7 })).toThrow(/selected = 7 is not in sweep.ks \(2, 3, 4\)/);
    expect(() => modelSelectionFigure({ ...small.sweep, inertia: { '2': 1, '3': 2 } })).toThrow(OptionsError);
  });

  it('matches its JSON snapshot', async () => {
    await expect(json(fig)).toMatchFileSnapshot('./__snapshots__/modelSelection.json');
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

  it('matches its JSON snapshot', async () => {
    await expect(json(fig)).toMatchFileSnapshot('./__snapshots__/silhouette.json');
  });
});

describe('segments2DFigure', () => {
  const fig = segments2DFigure(small.points);

  it('is titled "Customer Segmentation 2D" with income and spending axes in their units', () => {
    expect(layout(fig).title.text).toBe('Customer Segmentation 2D');
    expect(layout(fig).xaxis.title.text).toBe('Annual Income (k$)');
    expect(layout(fig).yaxis.title.text).toBe('Spending Score (1-100)');
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

  it('matches its JSON snapshot', async () => {
    await expect(json(fig)).toMatchFileSnapshot('./__snapshots__/segments2D.json');
  });
});

describe('segments3DFigure', () => {
  const fig = segments3DFigure(small.points);

  it('is a WebGL scatter3d of Age, Income and Spending with the same colours as 2D', () => {
    expect(layout(fig).title.text).toBe('Customer Segmentation 3D');
    expect(traces(fig).every((t) => t.type === 'scatter3d')).toBe(true);
    const scene = layout(fig).scene;
    expect([scene.xaxis.title.text, scene.yaxis.title.text, scene.zaxis.title.text]).toEqual([
      AXIS_TITLES.Age,
      AXIS_TITLES['Annual Income (k$)'],
      AXIS_TITLES['Spending Score (1-100)'],
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

  it('matches its JSON snapshot', async () => {
    await expect(json(fig)).toMatchFileSnapshot('./__snapshots__/segments3D.json');
  });
});

describe('profilesFigure', () => {
  const fig = profilesFigure({ profiles: small.profiles, population: small.population });

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
    expect(() => profilesFigure({ profiles: small.profiles, population })).toThrow(/population\["Age"\] is NaN/);
  });

  it('matches its JSON snapshot', async () => {
    await expect(json(fig)).toMatchFileSnapshot('./__snapshots__/profiles.json');
  });
});

describe('reportFigures', () => {
  it('returns the five charts in page order, named as the original project names its PNGs', () => {
    const figures = reportFigures({
      sweep: small.sweep,
      points: small.points,
      silhouetteSamples: small.silhouetteSamples,
      population: small.population,
    });
    expect(figures.map((f) => [f.id, f.name])).toEqual([
      ['model-selection', 'Model Selection'],
      ['silhouette', 'Silhouette by Segment'],
      ['profiles', 'Segment Profiles'],
      ['segments-2d', 'Customer Segmentation 2D'],
      ['segments-3d', 'Customer Segmentation 3D'],
    ]);
    for (const f of figures) expect((f.figure.layout.title as { text: string }).text).toBe(f.title);
    expect(figures[3]!.figure).toEqual(segments2DFigure(small.points));
  });
});
