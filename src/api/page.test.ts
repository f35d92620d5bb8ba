import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { buildApp, clusterViews } from './app';
import { plotlyScript } from '../figures/html';
import { CHROMIUM_ARGS, findChromium } from '../browser/render';
import { CUSTOMER_TRACE, pageFigure, renderPage, type PageTraining } from './page';
import { handCustomers, handModel, retailFixture, type RetailFixture } from './test-support';

const model = handModel();
const training: PageTraining = { data: handCustomers(), labels: [0, 0, 0, 1, 1, 1] };

describe('pageFigure', () => {
  it("is the report's 2D segments figure plus an empty customer trace last", () => {
    const fig = pageFigure({ model, training })!;
    expect(fig.data).toHaveLength(4); // 2 segments, centres, customer
    expect(fig.data[0].x).toEqual([20, 24, 22]); // incomes of ids 1-3
    expect(fig.data[1].y).toEqual([10, 20, 15]); // spending of ids 4-6
    expect(fig.data[2].x).toEqual([22, 85]); // centre incomes, raw units
    expect(fig.data[3]).toMatchObject({ name: CUSTOMER_TRACE, x: [], y: [] });
  });

  it('draws the centres only when no training customers are given', () => {
    const fig = pageFigure({ model })!;
    expect(fig.data[0].x).toEqual([]);
    expect(fig.data[2].y).toEqual([85, 15]);
  });
});

describe('renderPage', () => {
  it('escapes labels and cannot be broken out of by the figure JSON or the inlined script', () => {
    const evil = { ...model, profiles: model.profiles.map((p) => ({ ...p, label: '</script><b>x</b>' })) };
    const html = renderPage({ model: evil, clusters: clusterViews(evil), training, plotlyJs: 'var s = 1;' });
    expect(html).not.toContain('</script><b>');
    expect(html).toContain('&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;');
    expect(html.match(/<\/script>/g)).toHaveLength(2); // the inlined plotly and the page script
  });
});

const chromiumFound = findChromium();
const chromiumPath = 'path' in chromiumFound ? chromiumFound.path : null;
const skipReason = 'reason' in chromiumFound ? chromiumFound.reason : '';

describe.skipIf(!chromiumPath)(`the page at / in headless Chromium${chromiumPath ? '' : ` (SKIPPED: ${skipReason})`}`, () => {
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    app = buildApp({ model, training, plotlyJs: plotlyScript({ bundle: 'basic' }) });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: chromiumPath!,
      args: [...CHROMIUM_ARGS],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('fill the form, submit: shows the segment label and puts the customer on the chart', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) external.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    await page.waitForFunction(() => (document.getElementById('chart') as unknown as { data?: unknown[] }).data?.length === 4);

    await page.selectOption('#gender', 'Male');
    await page.fill('#age', '63');
    await page.fill('#annualIncome', '88');
    await page.fill('#spendingScore', '12');
    await page.click('#submit');
    await page.waitForSelector('#segment-label');
    expect(await page.textContent('#segment-label')).toBe(`Segment 1: ${model.profiles[1].label}`);
    expect(await page.getAttribute('#segment-row-1', 'class')).toBe('answer');

    const customerTrace = await page.evaluate(() => {
      const data = (document.getElementById('chart') as unknown as { data: { x: number[]; y: number[] }[] }).data;
      return data[data.length - 1];
    });
    expect([customerTrace.x, customerTrace.y]).toEqual([[88], [12]]);

    // a second customer in the other segment replaces the first answer
    await page.fill('#age', '21');
    await page.fill('#annualIncome', '20');
    await page.fill('#spendingScore', '88');
    await page.click('#submit');
    await page.waitForFunction(() => document.getElementById('segment-label')?.textContent?.startsWith('Segment 0'));
    expect(await page.textContent('#segment-label')).toBe(`Segment 0: ${model.profiles[0].label}`);
    expect(await page.getAttribute('#segment-row-0', 'class')).toBe('answer');
    expect(await page.getAttribute('#segment-row-1', 'class')).toBe('');

    expect(errors).toEqual([]);
    expect(external).toEqual([]); // self-contained: no CDN
    await page.close();
  });

  it('shows the API reason when the customer is out of range', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    // bypass the input's own min/max check to reach the server's validation
    await page.evaluate(() => document.getElementById('customer-form')!.setAttribute('novalidate', ''));
    await page.fill('#age', '150');
    await page.click('#submit');
    await page.waitForSelector('#result.error');
    expect(await page.textContent('#result')).toBe('Error: customers[0].age: must be <= 120 (got 150)');
    await page.close();
  });
});

describe.skipIf(!chromiumPath)(`a non-Mall model's page in headless Chromium${chromiumPath ? '' : ` (SKIPPED: ${skipReason})`}`, () => {
  let fx: RetailFixture;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    fx = await retailFixture();
    app = buildApp({ model: fx.model, training: { data: fx.data, labels: fx.labels }, plotlyJs: plotlyScript({ bundle: 'basic' }) });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: chromiumPath!, args: [...CHROMIUM_ARGS] });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("the form has the schema's inputs (title, unit, range) and selects (known values); a training customer entered lands in its segment", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    const controls = await page.$$eval('#customer-form [data-column]', (els) =>
      els.map((el) => ({
        column: el.getAttribute('data-column'),
        tag: el.tagName.toLowerCase(),
        label: el.parentElement!.firstChild!.textContent!.trim(),
        min: el.getAttribute('min'),
        max: el.getAttribute('max'),
        required: el.hasAttribute('required'),
        options: el.tagName === 'SELECT' ? Array.from((el as HTMLSelectElement).options, (o) => o.value) : null,
      })),
    );
    expect(controls).toEqual([
      { column: 'Region', tag: 'select', label: 'Region', min: null, max: null, required: false, options: ['', 'East', 'North', 'South', 'West'] },
      { column: 'Channel', tag: 'select', label: 'Channel', min: null, max: null, required: true, options: ['Store', 'Online', 'Both'] },
      { column: 'Visits (per month)', tag: 'input', label: 'Visits (per month)', min: '0', max: '100', required: true, options: null },
      { column: 'Basket (EUR)', tag: 'input', label: 'Basket (EUR)', min: '0', max: '100000', required: true, options: null },
      { column: 'Tenure (years)', tag: 'input', label: 'Tenure (years)', min: '0', max: '60', required: true, options: null },
      { column: 'Online share (%)', tag: 'input', label: 'Online share (%)', min: '0', max: '100', required: true, options: null },
      { column: 'Returns/yr', tag: 'input', label: 'Returns', min: '0', max: null, required: true, options: null },
    ]);
    // one training customer of each segment, typed in: the answer is the segment the pipeline gave it
    for (let segment = 0; segment < fx.model.k; segment++) {
      const i = Array.from(fx.labels).indexOf(segment);
      await page.selectOption('[data-column="Channel"]', fx.data.categorical.Channel[i]);
      await page.selectOption('[data-column="Region"]', fx.data.categorical.Region[i]);
      for (const column of ['Visits (per month)', 'Basket (EUR)', 'Tenure (years)', 'Online share (%)', 'Returns/yr'])
        await page.fill(`[data-column="${column}"]`, String(fx.data.numeric[column][i]));
      await page.click('#submit');
      await page.waitForFunction((s) => document.getElementById('segment-label')?.textContent?.startsWith(`Segment ${s}:`), segment);
      expect(await page.textContent('#segment-label')).toBe(`Segment ${segment}: ${fx.model.profiles[segment].label}`);
    }
    const traces = await page.evaluate(() => (document.getElementById('chart') as unknown as { data: { name: string; x: number[] }[] }).data);
    expect(traces[traces.length - 1].name).toBe(CUSTOMER_TRACE);
    expect(traces[traces.length - 1].x).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
