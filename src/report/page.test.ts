import { TEST_CHROMIUM } from '../../test/paths';
import { existsSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axisTitle, MALL_SCHEMA } from '../data/schema';
import { escapeHtml } from '../figures/html';
import * as small from '../figures/__fixtures__/small';
import { wide } from '../figures/__fixtures__/wide';
import { CHROMIUM_ARGS } from '../browser/render';
import { reportFigures } from '../figures/specs';
import { reportPage } from './page';
import type { Summary } from './types';

const CHROMIUM = TEST_CHROMIUM;
const hasChromium = existsSync(CHROMIUM);

const summary: Summary = {
  format: 'customer-segmentation-summary',
  version: 1,
  generatedAt: '2026-01-01T00:00:00.000Z',
  data: { path: 'data/raw/Mall_Customers.csv', synthetic: false, hash: 'sha256:0123456789abcdef' },
  rows: { read: 8, used: 7, dropped: 1, droppedBy: { 'missing Age': 1 }, repaired: 0 },
  warnings: ['1 row dropped: Age missing (line 9)', 'k=3 differs from the original project\'s k=4 <by rule>'],
  table: {
    schema: 'mall',
    title: 'Mall Customers (Kaggle)',
    id: 'CustomerID',
    numeric: ['Age', 'Annual Income (k$)', 'Spending Score (1-100)'],
    categorical: ['Gender'],
  },
  features: ['Age', 'Annual Income (k$)', 'Spending Score (1-100)'],
  skew: { 'Annual Income (k$)': { skewness: 1.6, transform: 'log1p' } },
  k: {
    selected: 3,
    rule: 'highest mean silhouette over k=2..4',
    range: [2, 4],
    fixed: null,
    original: 4,
    differsFromOriginal: true,
    reason: 'k=3: highest silhouette (0.5200) among ks <with> every segment >= 2%',
    criteria: {
      '2': { silhouette: 0.41, calinskiHarabasz: 20.5, daviesBouldin: 0.9, minShare: 0.4, stability: 0.95 },
      '3': { silhouette: 0.52, calinskiHarabasz: 31.25, daviesBouldin: 0.61, minShare: 2 / 7, stability: 0.9 },
      '4': { silhouette: null, calinskiHarabasz: 28, daviesBouldin: 0.7, minShare: 1 / 7, stability: 0.5 },
    },
  },
  silhouette: small.sweep.silhouette,
  kmeansMethod: 'k-means++, 10 restarts per k on all rows',
  silhouetteMethod: { sampled: null },
  inertia: small.sweep.inertia,
  clusters: small.profiles,
  outliers: [{ feature: 'Annual Income (k$)', lower: -10, upper: 132.5, count: 0, ids: [] }],
  backend: { name: 'wasm', reason: 'native backend not installed' },
  seed: 42,
  timings: { load: 0.01, total: 1.234 },
  outputs: ['summary.json', 'figures/customer-segmentation-2d.png'],
};
const figures = reportFigures({
  sweep: small.sweep,
  points: small.points,
  silhouetteSamples: small.silhouetteSamples,
  population: small.population,
});
const html = reportPage({ summary, figures, schema: MALL_SCHEMA });

describe('reportPage (text)', () => {
  it('shows the summary numbers, the rule and every warning, escaped', () => {
    expect(html).toContain('<div class="value">7</div><div class="label">customers used (of 8 read, 1 dropped)</div>');
    expect(html).toContain('<div class="value">0.520</div>');
    expect(html).toContain('A reference analysis of this table reported k = 4; this run chose k = 3');
    expect(html).toContain('<h1>Customer Segmentation: Mall Customers (Kaggle)</h1>');
    expect(html).toContain('k=3 differs from the original project&#39;s k=4 &lt;by rule&gt;');
    expect(html).toContain('<td><b>12.5</b></td>');
    expect(html).toContain('1.2 s');
  });

  it('names a log1p feature as such', () => {
    expect(html).toContain('clustering columns: Age, log1p(Annual Income (k$)), Spending Score (1-100)');
  });

  it('says why this k, escaped, and lists every criterion per k', () => {
    expect(html).toContain('<p id="k-reason">Why k = 3: k=3: highest silhouette (0.5200) among ks &lt;with&gt; every segment &gt;= 2%.</p>');
    expect(html).toContain('<th>Calinski-Harabasz</th><th>Davies-Bouldin</th><th>smallest segment</th><th>stability</th>');
    expect(html).toContain('<tr><td><b>3</b></td><td><b>0.520</b></td><td><b>12.5</b></td><td><b>31.3</b></td><td><b>0.610</b></td><td><b>28.6%</b></td><td><b>0.90</b></td></tr>');
  });

  it('lists each segment with its colour, label and size', () => {
    expect(html).toContain('<span class="swatch" style="background:#4e79a7"></span>Segment 0</td><td class="text">Young, low income, high spending</td><td>2</td><td>29%</td></tr>');
    expect(html.indexOf('>Segment 0<')).toBeLessThan(html.indexOf('>Segment 1<'));
  });

  it('shows every numeric column\'s mean and every category\'s share per segment, after the population', () => {
    // population: size-weighted segment means (2 * 21 + 3 * 55 + 2 * 37.5) / 7 = 40.3; female (1 + 1 + 2) / 7 = 57%
    expect(html).toContain('<tr><td class="text">Mean Age (years)</td><td>40.3</td><td>21.0</td><td>55.0</td><td>37.5</td></tr>');
    expect(html).toContain('<tr><td class="text">Mean Annual Income (k$)</td><td>56.4</td><td>17.5</td><td>85.0</td><td>52.5</td></tr>');
    expect(html).toContain('<tr><td class="text">Gender = Female</td><td>57%</td><td>50%</td><td>33%</td><td>100%</td></tr>');
    expect(html).toContain('<tr><td class="text">Gender = Male</td><td>43%</td><td>50%</td><td>67%</td><td>0%</td></tr>');
  });

  it('lists the table\'s columns and their use', () => {
    expect(html).toContain('<tr><td class="text">CustomerID</td><td class="text"></td><td class="text">id</td></tr>');
    expect(html).toContain('<tr><td class="text">Age</td><td class="text">Age (years)</td><td class="text">numeric, clustering feature</td></tr>');
    expect(html).toContain('<tr><td class="text">Gender</td><td class="text"></td><td class="text">categorical, profiled</td></tr>');
    expect(html).not.toContain('Principal components');
  });

  it('inlines plotly.js once, loads nothing from the network and draws every figure', () => {
    expect(html.match(/window\.Plotly = Plotly/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*href=/i);
    for (const f of figures) {
      expect(html).toContain(`<div class="chart" id="figure-${f.id}"`);
      expect(html).toContain(`Plotly.newPlot("figure-${f.id}"`);
    }
  });

  it('places the charts in the order reportFigures gives: model selection, silhouette, profiles, 2D, 3D', () => {
    const at = (id: string) => html.indexOf(`id="figure-${id}"`);
    expect(at('model-selection')).toBeLessThan(at('silhouette'));
    expect(at('silhouette')).toBeLessThan(at('profiles'));
    expect(at('profiles')).toBeLessThan(at('segments-2d'));
    expect(at('segments-2d')).toBeLessThan(at('segments-3d'));
  });

  it('says when the data is synthetic and appends charts it does not know', () => {
    const extra = { ...figures[0]!, id: 'extra-chart', name: 'Extra' };
    const page = reportPage({ summary: { ...summary, data: { ...summary.data, synthetic: true } }, figures: [...figures, extra] });
    expect(page).toContain('synthetic data: no file was found');
    expect(page).toContain('<h2 id="more">More charts</h2><div class="chart" id="figure-extra-chart"');
  });
});

describe('reportPage of a 12-feature table', () => {
  const fx = wide();
  const { schema } = fx.points.data;
  const wideSummary: Summary = {
    ...summary,
    data: { path: 'wide.csv', synthetic: false, hash: 'sha256:00' },
    warnings: [],
    table: { schema: 'wide', title: schema.title!, id: 'id', numeric: schema.features, categorical: ['plan', 'country'] },
    features: schema.features,
    k: { ...summary.k, selected: 3, original: null, differsFromOriginal: false },
    clusters: fx.profiles,
    outliers: [],
  };
  const wideFigures = reportFigures({
    sweep: small.sweep,
    points: fx.points,
    scaled: fx.scaled,
    silhouetteSamples: Array.from({ length: fx.points.data.n }, () => 0.2),
    population: fx.population,
  });
  const page = reportPage({ summary: wideSummary, figures: wideFigures, schema });

  it('names a table without title or schema name by its file', () => {
    const untitled = { ...wideSummary, data: { ...wideSummary.data, path: '/data/shop/customers.csv' }, table: { ...wideSummary.table, schema: 'custom', title: null } };
    expect(reportPage({ summary: untitled, figures: wideFigures })).toContain('<h1>Customer Segmentation: customers.csv</h1>');
  });

  it('has no Mall wording', () => {
    expect(page).not.toMatch(/Mall|Gender|Spending|CustomerID|original project/);
    expect(page).toContain('<h1>Customer Segmentation: Wide table (synthetic, 12 features)</h1>');
  });

  it('shows the mean of all 12 columns with units and the shares of every country', () => {
    for (const c of schema.features) expect(page).toContain(`<td class="text">Mean ${escapeHtml(axisTitle(schema, c))}</td>`);
    expect(page).toContain('<td class="text">Mean Average basket value (EUR)</td>');
    expect(page.match(/<td class="text">Mean /g)).toHaveLength(12);
    expect(page.match(/<td class="text">Country = /g)).toHaveLength(9);
  });

  it('lists the principal components of the 3D chart with their share of variance and largest loadings', () => {
    const components = wideFigures.find((f) => f.id === 'segments-3d')!.components!;
    expect(components.map((c) => c.name)).toEqual(['PC1', 'PC2', 'PC3']);
    expect(page).toContain('first three principal components of the standardized clustering columns');
    const c = components[0]!;
    expect(page).toContain(`<td class="text">PC1</td><td>${Math.round(c.explainedVarianceRatio * 100)}%</td><td class="text">${c.top[0]!.loading < 0 ? '−' : '+'}${Math.abs(c.top[0]!.loading).toFixed(2)} ${c.top[0]!.column}`);
  });

  it('gives the tall profile grid its own height', () => {
    const height = wideFigures.find((f) => f.id === 'profiles')!.figure.layout.height as number;
    expect(height).toBeGreaterThan(1000);
    expect(page).toContain(`<div class="chart" id="figure-profiles" style="height:${height}px"`);
  });
});

describe.skipIf(!hasChromium)(`reportPage in headless Chromium${hasChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`, () => {
  let browser: Browser;
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens from file:// offline with every chart drawn and no console error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-page-'));
    const path = join(dir, 'index.html');
    writeFileSync(path, html);
    const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    const external: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!/^(file|data|blob):/.test(r.url())) external.push(r.url());
    });
    await page.goto(`file://${path}`);
    await page.waitForFunction(
      (n) => document.querySelectorAll('.js-plotly-plot').length === n && document.querySelector('#figure-segments-3d canvas') !== null,
      figures.length,
      { timeout: 90_000 },
    );
    const drawn = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.js-plotly-plot')).map((el) => ({
        id: el.id,
        svg: el.querySelector('svg.main-svg') !== null,
        points: el.querySelectorAll('.point').length,
        canvas: el.querySelector('canvas') !== null,
      })),
    );
    expect(drawn.map((d) => d.id)).toEqual(figures.map((f) => `figure-${f.id}`));
    expect(drawn.every((d) => d.svg)).toBe(true);
    // 7 customers + 3 centres in 2D; 3 + 3 + 2 silhouette bars
    expect(drawn.find((d) => d.id === 'figure-segments-2d')!.points).toBe(10);
    expect(drawn.find((d) => d.id === 'figure-silhouette')!.points).toBe(7);
    expect(drawn.find((d) => d.id === 'figure-segments-3d')!.canvas).toBe(true);
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await context.close();
  });
});
