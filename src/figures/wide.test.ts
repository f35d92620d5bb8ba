/** Figure specs of tables that are not the Mall table: 5 features (retail) and 12 features (wide). */
import { describe, expect, it } from 'vitest';
import { fitPca } from '../features/pca';
import { OptionsError } from '../util/errors';
import { retail, wide } from './__fixtures__/wide';
import * as small from './__fixtures__/small';
import { gridColumns, panelGrid, profilesFigure } from './profiles';
import { sceneAxes, segments3DFigure } from './segments3D';
import { segments2DFigure } from './segments2D';
import { reportFigures, type PlotlyFigure } from './specs';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const traces = (fig: PlotlyFigure): Any[] => fig.data as Any[];
const layout = (fig: PlotlyFigure): Any => fig.layout as Any;

describe('segments2DFigure of other tables', () => {
  it('5 features: the best-separating pair, axis titles with units, hover with the id, category and values', () => {
    const fx = retail();
    const fig = segments2DFigure(fx.points);
    expect(layout(fig).xaxis.title.text).toBe('Orders per year');
    expect(layout(fig).yaxis.title.text).toBe('Average basket (EUR)');
    const t = traces(fig)[0];
    expect(t.hovertemplate).toBe(
      'Customer %{customdata[0]} (%{customdata[1]}, %{customdata[2]}, %{customdata[3]} days, %{customdata[4]} months)' +
        '<br>Orders per year %{x}<br>Average basket %{y} EUR<extra>Segment 0</extra>',
    );
    // row 0: region and channel by the fixture's rule; 90 + 10 * (-3/8) days, 24 + 15 * (-4/8) months
    expect(t.customdata[0]).toEqual(['C001', 'South', 'Store', 86.25, 16.5]);
    expect(layout(fig).title.subtitle.text).toBe('Orders per year against Average basket, 4 segments, 48 customers; diamonds: segment centres');
  });

  it('draws the columns asked for, centres at the segment means of a column not clustered', () => {
    const fx = retail();
    const fig = segments2DFigure(fx.points, { plot: { x: 'age', y: 'tenure_months' } });
    expect(layout(fig).xaxis.title.text).toBe('Age (years)');
    const centres = traces(fig).at(-1);
    expect(centres.x).toEqual(fx.profiles.map((p) => Math.round(p.means.age! * 1000) / 1000));
    expect(() => segments2DFigure(fx.points, { plot: { x: 'region' } })).toThrow(OptionsError);
  });

  it('12 features: breaks long legend names into lines', () => {
    const fig = segments2DFigure(wide().points);
    expect(traces(fig)[0].name).toContain('<br>');
    expect(traces(segments2DFigure(small.points))[0].name).not.toContain('<br>');
  });
});

describe('segments3DFigure from principal components', () => {
  for (const [name, make, columns] of [['5 features (4 numeric + region one-hot)', retail, 8], ['12 features', wide, 12]] as const) {
    it(`${name}: PC1-3 of the standardized matrix, axis titles with the share of variance`, () => {
      const fx = make();
      const axes = sceneAxes(fx.points.data, fx.points.labels, fx.scaled);
      expect(axes.kind).toBe('components');
      if (axes.kind !== 'components') return;
      expect(axes.columns).toBe(columns);
      const pca = fitPca(fx.scaled, { nComponents: 3, sign: 'components' });
      expect(axes.components.map((c) => c.explainedVarianceRatio)).toEqual(pca.explainedVarianceRatio);
      const fig = segments3DFigure(fx.points, { scaled: fx.scaled });
      const scene = layout(fig).scene;
      expect(scene.xaxis.title.text).toBe(`PC1 (${Math.round(pca.explainedVarianceRatio[0]! * 100)}% of variance)`);
      // row 0's coordinates: (x - mean) . component
      const row0 = Array.from(fx.scaled.data.subarray(0, columns));
      const score = (j: number) => row0.reduce((s, v, f) => s + (v - pca.mean[f]!) * pca.components[j]![f]!, 0);
      expect(traces(fig)[0].x[0]).toBeCloseTo(score(0), 4);
      expect(traces(fig)[0].z[0]).toBeCloseTo(score(2), 4);
      expect(traces(fig)[0].hovertemplate).toContain('PC1 %{x:.2f}<br>PC2 %{y:.2f}<br>PC3 %{z:.2f}');
    });

    it(`${name}: lists the top 3 loadings of each component, largest first, with signs, in a note`, () => {
      const fx = make();
      const fig = segments3DFigure(fx.points, { scaled: fx.scaled });
      const axes = sceneAxes(fx.points.data, fx.points.labels, fx.scaled);
      if (axes.kind !== 'components') throw new Error('expected components');
      for (const c of axes.components) {
        expect(c.top).toHaveLength(3);
        const abs = c.top.map((t) => Math.abs(t.loading));
        expect([...abs].sort((a, b) => b - a)).toEqual(abs);
      }
      const note = layout(fig).annotations[0].text as string;
      expect(note).toContain('<b>Largest loadings</b>');
      expect(note).toContain(`<b>PC1</b>: ${axes.components[0]!.top[0]!.loading < 0 ? '−' : '+'}${Math.abs(axes.components[0]!.top[0]!.loading).toFixed(2)}`);
    });
  }

  it('names one-hot columns "Title=value" in the loadings', () => {
    const fx = retail();
    const axes = sceneAxes(fx.points.data, fx.points.labels, fx.scaled);
    if (axes.kind !== 'components') throw new Error('expected components');
    expect(axes.components.flatMap((c) => c.top.map((t) => t.column)).some((n) => /^Region=(North|South|East|West)$/.test(n))).toBe(true);
  });

  it('centres are the segment means of the scores', () => {
    const fx = wide();
    const fig = segments3DFigure(fx.points, { scaled: fx.scaled });
    const members = traces(fig)[0];
    const centres = traces(fig).at(-1);
    const mean = members.x.reduce((s: number, v: number) => s + v, 0) / members.x.length;
    expect(centres.x[0]).toBeCloseTo(mean, 2);
  });

  it('asks for the standardized matrix when components are needed, and checks its shape', () => {
    const fx = wide();
    expect(() => segments3DFigure(fx.points)).toThrow(/12 clustering columns, drawn as principal components; pass options.scaled/);
    expect(() => segments3DFigure(fx.points, { scaled: retail().scaled })).toThrow(/scaled has shape \[48, 8\] but the data has 60 customers and 12 clustering columns/);
  });
});

describe('profilesFigure of other tables', () => {
  it('puts the panels on a grid sized by their count: Mall 3 + 2, 14 panels 4 per row, taller', () => {
    expect([1, 3, 5, 6, 8, 15, 16, 17].map(gridColumns)).toEqual([1, 3, 3, 3, 4, 4, 4, 5]);
    const mall = panelGrid(5);
    expect(mall.map((c) => c.x)).toEqual([[0, 0.29], [0.355, 0.645], [0.71, 1], [0, 0.46], [0.54, 1]]);
    expect(mall.map((c) => c.y)).toEqual([[0.6, 0.94], [0.6, 0.94], [0.6, 0.94], [0, 0.34], [0, 0.34]]);
    expect(mall.height).toBe(800);
    const twelve = panelGrid(15);
    expect(twelve.rows).toBe(4);
    expect(twelve.height).toBe(1448);
  });

  it('12 features: one mean panel per numeric column, sizes, plan (stacked) and country (7 values + other)', () => {
    const fx = wide();
    const fig = profilesFigure({ schema: fx.points.data.schema, profiles: fx.profiles, population: fx.population });
    const titles = (layout(fig).annotations as Any[]).map((a) => (a.text as string).replace(/<br>/g, ' ').replace(/<[^>]+>/g, ''));
    expect(titles.filter((t) => t.startsWith('Mean '))).toHaveLength(12);
    expect(titles[0]).toMatch(/^Mean Store visits per month dashed line: population/);
    expect(titles.at(-2)).toMatch(/^Plan: mix per segment \(%\)/);
    // 4 rows of 184 px panels, one more heading line above the top row ("Mean Store visits per month" wraps)
    expect(layout(fig).height).toBe(1448 + 19);
    const country = traces(fig).filter((t) => t.xaxis === 'x15');
    expect(country.map((t) => t.name)).toHaveLength(7);
    expect(country.at(-1).name).toBe('other');
    // each stacked bar (5 segments + All) sums to 100 %
    for (let col = 0; col < 6; col++) expect(country.reduce((s, t) => s + t.y[col], 0)).toBeCloseTo(100, 0);
    expect(country[0].x).toEqual(['0', '1', '2', '3', '4', 'All']);
  });

  it('5 features: a 2-value category as the share of its less frequent value; a 3+-value one stacked', () => {
    const fx = retail();
    const fig = profilesFigure({ schema: fx.points.data.schema, profiles: fx.profiles, population: fx.population });
    const texts = (layout(fig).annotations as Any[]).map((a) => (a.text as string).replace(/<br>/g, ' '));
    // Store is a third of the customers ((i + s) % 3 === 0), Online two thirds
    expect(texts.some((t) => t.startsWith('<b>Channel: Store share (%), rest online</b>'))).toBe(true);
    expect(texts.some((t) => t.startsWith('<b>Region: mix per segment (%)</b>'))).toBe(true);
    // the schema's positive value wins over the less frequent one
    const schema = { ...fx.points.data.schema, fields: fx.points.data.schema.fields.map((f) => (f.name === 'channel' ? { ...f, positive: 'Online' } : f)) };
    const positive = profilesFigure({ schema, profiles: fx.profiles, population: fx.population });
    expect((layout(positive).annotations as Any[]).some((a) => (a.text as string).replace(/<br>/g, ' ').startsWith('<b>Channel: Online share (%), rest store</b>'))).toBe(true);
    // 2 rows; one more heading line above the top row ("Mean Days since last order (days)" wraps)
    expect(layout(fig).height).toBe(800 + 19);
  });
});

describe('reportFigures of a 12-feature table', () => {
  it('returns the five charts with the same names, the 3D one carrying its components', () => {
    const fx = wide();
    const figures = reportFigures({ sweep: small.sweep, points: fx.points, scaled: fx.scaled, silhouetteSamples: new Array(60).fill(0.1), population: fx.population });
    expect(figures.map((f) => f.name)).toEqual(['model-selection', 'silhouette-by-segment', 'segment-profiles', 'customer-segmentation-2d', 'customer-segmentation-3d']);
    expect(figures.map((f) => f.title)).toEqual(['Model Selection', 'Silhouette by Segment', 'Segment Profiles', 'Customer Segmentation 2D', 'Customer Segmentation 3D']);
    expect(figures.map((f) => (f.figure.layout as { title: { text: string } }).title.text)).toEqual(figures.map((f) => f.title));
    expect(figures[4]!.components?.map((c) => c.name)).toEqual(['PC1', 'PC2', 'PC3']);
    expect(figures.slice(0, 4).every((f) => f.components === undefined)).toBe(true);
  });

  it('leaves the 3D chart out for a table with two numeric features and nothing else', () => {
    const data = { ...small.data, schema: { ...small.data.schema, features: ['Age', 'Annual Income (k$)'], plot: undefined, fields: small.data.schema.fields.filter((f) => f.name !== 'Spending Score (1-100)') } };
    const figures = reportFigures({ sweep: small.sweep, points: { ...small.points, data }, silhouetteSamples: small.silhouetteSamples, population: small.population });
    expect(figures.map((f) => f.id)).toEqual(['model-selection', 'silhouette', 'profiles', 'segments-2d']);
  });
});
