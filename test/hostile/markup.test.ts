/**
 * Markup planted in every data-derived field (the table's title, column names and units, ids, categories, segment
 * words that become labels, warnings) goes through a real report run and the API page, then the pages are opened in
 * Chromium: no planted script runs (each would set a global), and the planted text reads back as text.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { clusterViews } from '../../src/api/app';
import { renderPage } from '../../src/api/page';
import { plotlyScript } from '../../src/figures/html';
import { CHROMIUM_ARGS, findChromium } from '../../src/browser/render';
import { loadModel } from '../../src/io/modelFile';
import { OUTPUTS, runReport } from '../../src/report/run';

/** Each payload sets window.__pwned to its number if it ever runs. */
const payload = (n: number, kind: 'img' | 'script' | 'svg') =>
  kind === 'img' ? `<img src=x onerror="window.__pwned=${n}">` : kind === 'svg' ? `"><svg onload=window.__pwned=${n}>` : `</script><script>window.__pwned=${n}</script>`;

const ID = `Id${payload(1, 'svg')}`;
const AGE = `Age${payload(2, 'script')}`;
const INCOME = `Income ${payload(3, 'img')}`;
const SEGMENT = `Seg'${payload(4, 'script')}`;
const CATEGORIES = [payload(5, 'script'), payload(6, 'img'), '&amp; plain'];
const TITLE = `Shop ${payload(7, 'img')}`;
const HOSTILE_ID = payload(8, 'img');
const WORDS = [`Low${payload(9, 'img')}`, 'Mid', `High${payload(10, 'script')}`];

function hostileCsv(): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const lines = [[ID, AGE, INCOME, SEGMENT].map(quote).join(',')];
  let row = 0;
  for (const [age, income] of [[22, 20], [45, 60], [65, 100]]) {
    for (let i = 0; i < 20; i++) {
      row++;
      lines.push([quote(`c${row}`), age + (i % 5), income + (i % 7), quote(CATEGORIES[row % 3])].join(','));
    }
  }
  // an income far outside the fences: its id lands in the outliers table
  lines.push([quote(HOSTILE_ID), 40, 900, quote(CATEGORIES[0])].join(','));
  // a row with an unusable age: its line number and reason land in the warnings
  lines.push([quote('bad-age'), quote(payload(11, 'img')), 50, quote(CATEGORIES[1])].join(','));
  return lines.join('\n') + '\n';
}

function hostileSchema() {
  return {
    name: 'hostile',
    title: TITLE,
    primaryKey: ID,
    features: [AGE, INCOME],
    categorical: [SEGMENT],
    fields: [
      { name: ID, type: 'string' },
      { name: AGE, type: 'number', title: AGE, unit: payload(12, 'img'), words: WORDS, comparatives: ['lower<b>', 'higher<i>'] },
      { name: INCOME, type: 'number' },
      { name: SEGMENT, type: 'string' },
    ],
  };
}

const found = findChromium();
const chromiumPath = 'path' in found ? found.path : null;
const skipReason = 'reason' in found ? found.reason : '';

describe('planted markup never runs', () => {
  let dir: string;
  let reportHtml: string;
  let figureFiles: string[];
  let apiHtml: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hostile-markup-'));
    await writeFile(join(dir, 'hostile.csv'), hostileCsv());
    await writeFile(join(dir, 'schema.json'), JSON.stringify(hostileSchema()));
    await runReport({ data: join(dir, 'hostile.csv'), schemaFile: join(dir, 'schema.json'), out: join(dir, 'out'), k: 3, png: false, backend: 'cpu' });
    reportHtml = join(dir, 'out', OUTPUTS.page);
    const figDir = join(dir, 'out', OUTPUTS.figures);
    figureFiles = (await readdir(figDir)).filter((f) => f.endsWith('.html')).map((f) => join(figDir, f));
    const model = await loadModel(join(dir, 'out', OUTPUTS.model));
    apiHtml = join(dir, 'api.html');
    await writeFile(apiHtml, renderPage({ model, clusters: clusterViews(model), plotlyJs: plotlyScript({ bundle: 'basic' }) }));
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the page text carries every payload escaped, never as markup', async () => {
    const text = await readFile(reportHtml, 'utf8');
    // booleans and counts, not the 1 MB page, in the failure message
    const markup = text.slice(0, text.indexOf('<script>'));
    const drawing = text.slice(text.lastIndexOf('<script>') + 8, text.lastIndexOf('</script>'));
    expect(/<img|<svg/i.test(markup)).toBe(false);
    expect(drawing.includes('window.__pwned=8') && !drawing.includes('<')).toBe(true);
    expect(text.includes('&lt;img src=x onerror=&quot;window.__pwned=8&quot;&gt;')).toBe(true);
    // the script elements: only the page's own (plotly.js and the drawing code)
    expect(text.match(/<\/script>/gi)?.length).toBe(2);
  });

  describe.skipIf(!chromiumPath)(`in headless Chromium${chromiumPath ? '' : ` (skipped: ${skipReason})`}`, () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: chromiumPath!, args: [...CHROMIUM_ARGS] });
    });
    afterAll(async () => {
      await browser?.close();
    });

    async function open(file: string): Promise<{ page: Page; text: string; pwned: unknown }> {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(file).href);
      // give an onerror/onload handler its chance to fire
      await page.waitForFunction(() => document.readyState === 'complete');
      await page.waitForTimeout(300);
      const pwned = await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
      const text = await page.evaluate(() => document.body.innerText);
      return { page, text, pwned };
    }

    it('index.html: no payload runs and the planted names, ids, categories and words read back as text', async () => {
      const { page, text, pwned } = await open(reportHtml);
      expect(pwned).toBeUndefined();
      expect(text).toContain(TITLE);
      expect(text).toContain(HOSTILE_ID); // the outliers table
      expect(text).toContain(ID.replace(/^Id/, 'Id')); // column list
      expect(text).toContain(AGE);
      expect(text).toContain(INCOME);
      expect(text).toContain(`${SEGMENT} = ${CATEGORIES[0]}`);
      expect(text).toContain(`${SEGMENT} = ${CATEGORIES[2]}`);
      expect(text).toMatch(/line 63/); // the warning about the unusable age
      // every segment's label reads back as text (labels are worded from the planted words and comparatives)
      const summary = JSON.parse(await readFile(join(dir, 'out', OUTPUTS.summaryJson), 'utf8')) as { clusters: { label: string }[] };
      for (const { label } of summary.clusters) expect(text).toContain(label);
      expect([...WORDS, 'lower<b>', 'higher<i>'].some((w) => summary.clusters.some(({ label }) => label.includes(w)))).toBe(true);
      // every chart was drawn: the planted names did not break the drawing script
      const drawn = await page.evaluate(() => Array.from(document.querySelectorAll('.chart')).every((el) => (el as unknown as { data?: unknown[] }).data !== undefined));
      expect(drawn).toBe(true);
      await page.close();
    }, 60_000);

    it('every figure page: no payload runs and the chart is drawn', async () => {
      expect(figureFiles.length).toBeGreaterThanOrEqual(4);
      for (const file of figureFiles) {
        const { page, pwned } = await open(file);
        expect(pwned, file).toBeUndefined();
        const drawn = await page.evaluate(() => (document.querySelector('div[id^="figure-"]') as unknown as { data?: unknown[] }).data !== undefined);
        expect(drawn, file).toBe(true);
        await page.close();
      }
    }, 120_000);

    it('the API page: no payload runs; title, labels, form labels and categories read back', async () => {
      const { page, text, pwned } = await open(apiHtml);
      expect(pwned).toBeUndefined();
      expect(text).toContain(TITLE);
      expect(text).toContain(INCOME);
      const options = await page.evaluate(() => Array.from(document.querySelectorAll('option')).map((o) => o.value));
      expect(options).toEqual(expect.arrayContaining(CATEGORIES));
      await page.close();
    }, 60_000);
  });
});
