/**
 * The modeling notebook live: Debian's classic `jupyter notebook` on 127.0.0.1, opened in headless Chromium, Cell >
 * Run All through the menu; charts must render and no cell may error. Saves reports/notebook-live.png.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyParameters, parseNotebook } from '../src/notebook/ipynb';
import { installKernelSpec } from '../src/notebook/kernelspec';
import { hasCommand, HAS_MALL, MALL_CSV, ROOT, TEST_CHROMIUM } from './paths';
import { freePort, stopJupyter, waitForJupyter } from './support/jupyterServer';
import { CHROMIUM_ARGS } from '../src/browser/render';

const run = promisify(execFile);
const CHROMIUM = TEST_CHROMIUM;
const SCREENSHOT = join(ROOT, 'reports', 'notebook-live.png');



const HAS_NOTEBOOK = hasCommand('jupyter-notebook', ['--version']);
const HAS_CHROMIUM = existsSync(CHROMIUM);
const skipReason = !HAS_NOTEBOOK ? 'jupyter-notebook not installed' : !HAS_CHROMIUM ? `${CHROMIUM} not found` : !HAS_MALL ? `${MALL_CSV} absent` : '';

describe.skipIf(skipReason !== '')(`modeling.ipynb live in Jupyter Notebook and Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let base: string;
  let token: string;
  const serverLog: string[] = [];

  beforeAll(async () => {
    const work = await mkdtemp(join(tmpdir(), 'notebook-live-'));
    // The modeling notebook reads preprocessed_data.csv under OUT_DIR: let the report write it there.
    await run(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'report.ts'), '--data', MALL_CSV, '--out', work], { cwd: ROOT });
    const source = join(ROOT, 'notebooks', 'modeling.ipynb');
    const { notebook } = applyParameters(parseNotebook(await readFile(source, 'utf8'), source), { DATA_PATH: MALL_CSV, OUT_DIR: work });
    await writeFile(join(work, 'modeling.ipynb'), JSON.stringify(notebook));
    const jupyterDir = join(ROOT, '.jupyter');
    await installKernelSpec({ root: ROOT, dataDir: jupyterDir });

    const port = await freePort();
    token = randomBytes(16).toString('hex');
    base = `http://127.0.0.1:${port}`;
    server = spawn(
      'jupyter-notebook',
      ['--no-browser', `--port=${port}`, '--ip=127.0.0.1', `--NotebookApp.token=${token}`, `--notebook-dir=${work}`, ...(process.getuid?.() === 0 ? ['--allow-root'] : [])],
      {
        cwd: work,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          JUPYTER_PATH: [jupyterDir, process.env.JUPYTER_PATH].filter(Boolean).join(delimiter),
          PYDEVD_DISABLE_FILE_VALIDATION: '1',
          // This test is about the live charts; the kernel's PNG copies are checked by the headless run, so skip them
          // here (renderForNotebook then shows the live chart with a note) and save a second browser's start.
          CHROMIUM_PATH: join(work, 'no-chromium-for-the-kernel'),
        },
      },
    );
    await waitForJupyter(server, base, token, 30_000, 'jupyter notebook', serverLog);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopJupyter(server, 15_000);
  });

  it('runs all cells from the Cell menu: charts render, no cell errors', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${base}/notebooks/modeling.ipynb?token=${token}`);
    await page.waitForFunction(
      () => {
        const nb = (window as any).Jupyter?.notebook;
        return Boolean(nb?.kernel?.is_connected?.() && nb.kernel_selector?.current_selection === 'customer-segmentation-tslab');
      },
      undefined,
      { timeout: 60_000 },
    );
    await page.click('#celllink');
    await page.click('#run_all_cells');
    await page.waitForFunction(
      () => {
        const nb = (window as any).Jupyter.notebook;
        const cells = nb.get_cells().filter((c: any) => c.cell_type === 'code');
        const done = cells.every((c: any) => typeof c.input_prompt_number === 'number');
        return (done && !document.querySelector('#kernel_indicator_icon.kernel_busy_icon')) || document.querySelector('.output_error') !== null;
      },
      undefined,
      { timeout: 180_000, polling: 500 },
    );
    const errors = await page.$$eval('.output_error', (els) => els.map((e) => e.textContent?.slice(0, 300)));
    expect(errors).toEqual([]);
    // Interactive charts: model selection, silhouette, profiles, 2D, 3D, each drawn by plotly.js in the page.
    await page.waitForFunction(() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5, undefined, { timeout: 60_000 });
    const plots = await page.$$eval('.js-plotly-plot', (els) => els.map((e) => (e as any).data?.length ?? 0));
    expect(plots.length).toBeGreaterThanOrEqual(5);
    expect(plots.every((n) => n > 0)).toBe(true);
    const text = await page.$$eval('.output_subarea', (els) => els.map((e) => e.textContent ?? '').join('\n'));
    expect(text).toMatch(/Selected k=\d+/);
    expect(pageErrors).toEqual([]);

    // Classic Notebook scrolls inside #site, so make the viewport as tall as the notebook to capture all of it.
    const height = await page.evaluate(() => document.querySelector('#notebook-container')?.scrollHeight ?? 900);
    await page.setViewportSize({ width: 1280, height: Math.min(height + 150, 16_000) });
    await page.waitForTimeout(500);
    await mkdir(join(ROOT, 'reports'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  }, 240_000);
});
