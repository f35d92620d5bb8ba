/**
 * The notebooks live in JupyterLab 4 (the project's .venv/, `npm run jupyter:setup`) in headless Chromium, as an analyst
 * uses them: Run > Run All Cells on preprocessing.ipynb then modeling.ipynb (charts interactive, tables, no errors,
 * the project kernel), Tab completion and Shift+Tab inspection of src/ exports, a type error's message, Kernel >
 * Restart Kernel and Run All Cells after editing src/, and an executed notebook opened untrusted. Screenshots go to
 * reports/lab-*.png; the time from Run All to idle is printed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { applyParameters, parseNotebook, type Cell } from '../src/notebook/ipynb';
import { VENV_DIR, venvBin, venvDataDir } from '../src/notebook/jupyterEnv';
import { KERNEL_DISPLAY_NAME, KERNEL_LAUNCHER, KERNEL_NAME } from '../src/notebook/kernelspec';
import { runNotebooks } from '../src/notebook/run';
import { HAS_MALL, MALL_CSV, ROOT, TEST_CHROMIUM, titled } from './paths';
import { freePort, stopJupyter, waitForJupyter } from './support/jupyterServer';
import { CHROMIUM_ARGS } from '../src/browser/render';

const run = promisify(execFile);
const CHROMIUM = TEST_CHROMIUM;
const VENV = join(ROOT, VENV_DIR);
const JUPYTER_LAB = venvBin(VENV, 'jupyter-lab');
const JUPYTER = venvBin(VENV, 'jupyter');
const REPORTS = join(ROOT, 'reports');

const skipReason = !existsSync(JUPYTER_LAB)
  ? `${VENV_DIR}/bin/jupyter-lab absent (npm run jupyter:setup)`
  : !existsSync(CHROMIUM)
    ? `${CHROMIUM} not found`
    : !HAS_MALL
      ? `${MALL_CSV} absent`
      : '';


const code = (source: string): Cell => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null });
const notebookJson = (cells: Cell[]) =>
  JSON.stringify({ cells, metadata: { kernelspec: { name: KERNEL_NAME, display_name: KERNEL_DISPLAY_NAME, language: 'typescript' } }, nbformat: 4, nbformat_minor: 5 });

/** What the page's JupyterLab says about the open notebook (read through `window.jupyterapp`). */
interface NotebookState {
  path: string;
  kernel: string | null;
  codeCells: number;
  counts: (number | null)[];
  errors: { cell: number; ename: string; evalue: string }[];
  trusted: boolean[];
}

/** The state of the notebook in the main area (runs in the page). */
function notebookState(): NotebookState {
  const panel = (window as any).jupyterapp.shell.currentWidget;
  const cells = panel.content.widgets.filter((c: any) => c.model.type === 'code');
  return {
    path: panel.context.path,
    kernel: panel.sessionContext.session?.kernel?.status ?? null,
    codeCells: cells.length,
    counts: cells.map((c: any) => c.model.executionCount ?? null),
    errors: panel.content.widgets.flatMap((c: any, i: number) =>
      c.model.type === 'code' ? c.model.outputs.toJSON().filter((o: any) => o.output_type === 'error').map((o: any) => ({ cell: i + 1, ename: o.ename, evalue: o.evalue })) : [],
    ),
    trusted: cells.map((c: any) => Boolean(c.model.trusted)),
  };
}

describe.skipIf(skipReason !== '')(titled('the notebooks live in JupyterLab 4 and Chromium', skipReason !== '', skipReason), () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let work: string;
  let root: string;
  let base: string;
  let token: string;
  let labEnv: NodeJS.ProcessEnv;
  const serverLog: string[] = [];

  beforeAll(async () => {
    for (const old of await readdir(REPORTS).catch(() => [] as string[])) if (/^lab-failed-.*\.png$/.test(old)) await rm(join(REPORTS, old));
    work = await mkdtemp(join(tmpdir(), 'notebook-lab-'));
    root = join(work, 'root');
    const home = join(work, 'jupyter');
    await mkdir(root, { recursive: true });
    // The modeling notebook reads preprocessed_data.csv under OUT_DIR: the report writes it there first, so each test
    // stands alone (the Lab run of preprocessing.ipynb writes the same bytes again).
    await run(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'report.ts'), '--data', MALL_CSV, '--out', root, '--no-png'], { cwd: ROOT });
    for (const name of ['preprocessing', 'modeling']) {
      const source = join(ROOT, 'notebooks', `${name}.ipynb`);
      const { notebook } = applyParameters(parseNotebook(await readFile(source, 'utf8'), source), { DATA_PATH: MALL_CSV, OUT_DIR: root });
      await writeFile(join(root, `${name}.ipynb`), JSON.stringify(notebook, null, 1));
    }
    // A JupyterLab of its own: config, data (trust database), settings and workspaces in the temp folder, no news
    // toast. No JUPYTER_PATH: the kernel must come from where `npm run kernel` / `jupyter:setup` put it for this Lab.
    const settings = join(home, 'lab-settings');
    await mkdir(join(settings, '@jupyterlab', 'apputils-extension'), { recursive: true });
    await writeFile(join(settings, '@jupyterlab', 'apputils-extension', 'notification.jupyterlab-settings'), JSON.stringify({ fetchNews: 'false', checkForUpdates: false }));
    labEnv = {
      ...process.env,
      JUPYTER_CONFIG_DIR: join(home, 'config'),
      JUPYTER_DATA_DIR: join(home, 'data'),
      JUPYTERLAB_SETTINGS_DIR: settings,
      JUPYTERLAB_WORKSPACES_DIR: join(home, 'workspaces'),
      JUPYTER_PATH: '',
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    };
    const port = await freePort();
    token = randomBytes(16).toString('hex');
    base = `http://127.0.0.1:${port}`;
    server = spawn(
      JUPYTER_LAB,
      [
        '--no-browser',
        '--ip=127.0.0.1',
        `--port=${port}`,
        `--IdentityProvider.token=${token}`,
        `--ServerApp.root_dir=${root}`,
        // window.jupyterapp, so the test can read cell models and the kernel state (as JupyterLab's own Galata tests do).
        '--LabApp.expose_app_in_browser=True',
        ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
      ],
      { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: labEnv },
    );
    await waitForJupyter(server, base, token, 60_000, 'jupyter lab', serverLog);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stopJupyter(server, 20_000);
    if (work) await rm(work, { recursive: true, force: true });
  }, 60_000);

  async function api(path: string, init?: RequestInit): Promise<any> {
    const res = await fetch(`${base}${path}${path.includes('?') ? '&' : '?'}token=${token}`, init);
    if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status}`);
    return res.status === 204 ? null : res.json();
  }

  /** Shuts every kernel of the server down (each tslab kernel keeps a Chromium for PNGs while it runs). */
  async function shutdownKernels(): Promise<void> {
    for (const s of (await api('/api/sessions')) as { id: string }[]) await api(`/api/sessions/${s.id}`, { method: 'DELETE' });
  }

  const pageErrors = new WeakMap<Page, string[]>();

  /** An item of the open menu, by its label as shown. */
  const menuItem = (page: Page, label: string) =>
    page.locator('.lm-Menu-item', { has: page.locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });

  async function openNotebook(path: string): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    pageErrors.set(page, errors);
    // What the page showed when a test failed, beside the other screenshots.
    onTestFailed(async () => {
      if (!page.isClosed()) await page.screenshot({ path: join(REPORTS, `lab-failed-${path.replace(/\W+/g, '-')}.png`) });
    });
    // ?reset: a fresh workspace, so tabs of earlier tests are not restored (each would start its kernel again).
    await page.goto(`${base}/lab/tree/${path}?reset&token=${token}`);
    await page.waitForFunction(
      (p) => {
        const panel = (window as any).jupyterapp?.shell?.currentWidget;
        return panel?.context?.path === p && panel.context.isReady && panel.sessionContext?.session?.kernel?.status === 'idle';
      },
      path,
      { timeout: 120_000, polling: 250 },
    );
    return page;
  }

  /** Makes the viewport as tall as the notebook (JupyterLab scrolls inside its panel) and saves a screenshot from the top. */
  async function screenshot(page: Page, file: string): Promise<void> {
    const outer = '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer';
    const height = await page.$eval(outer, (el) => el.scrollHeight);
    await page.setViewportSize({ width: 1400, height: Math.min(height + 250, 16_000) });
    await page.$eval(outer, (el) => el.scrollTo(0, 0));
    await page.waitForTimeout(1500);
    await mkdir(REPORTS, { recursive: true });
    await page.screenshot({ path: join(REPORTS, file) });
  }

  it('lists the project kernel in the .venv JupyterLab (npm run kernel / jupyter:setup put it there)', async () => {
    const { stdout } = await run(JUPYTER, ['kernelspec', 'list', '--json'], { env: labEnv });
    const spec = JSON.parse(stdout).kernelspecs[KERNEL_NAME];
    expect(spec, `no ${KERNEL_NAME} kernel in ${JUPYTER} kernelspec list: run npm run kernel`).toBeDefined();
    expect(spec.resource_dir).toBe(join(venvDataDir(VENV), 'kernels', KERNEL_NAME));
    expect(spec.spec.argv.slice(1)).toEqual([join(ROOT, KERNEL_LAUNCHER), '{connection_file}']);
    expect(spec.spec.display_name).toBe(KERNEL_DISPLAY_NAME);
    expect(Object.keys((await api('/api/kernelspecs')).kernelspecs)).toContain(KERNEL_NAME);
  });

  const RUNS = [
    { name: 'preprocessing', charts: 1, tables: 10 },
    { name: 'modeling', charts: 5, tables: 4 },
  ];
  for (const { name, charts, tables } of RUNS) {
    it(`${name}.ipynb: Run > Run All Cells on the project kernel; charts interactive, tables drawn, no errors`, async () => {
      const page = await openNotebook(`${name}.ipynb`);
      const kernelName = await page.locator('.jp-NotebookPanel-toolbar .jp-Toolbar-kernelName').first().textContent();
      expect(kernelName?.trim()).toBe(KERNEL_DISPLAY_NAME);

      await page.locator('.lm-MenuBar-item', { hasText: /^Run$/ }).click();
      const t0 = performance.now();
      await menuItem(page, 'Run All Cells').click();
      await page.waitForFunction(
        () => {
          const panel = (window as any).jupyterapp.shell.currentWidget;
          const cells = panel.content.widgets.filter((c: any) => c.model.type === 'code');
          const done = cells.every((c: any) => typeof c.model.executionCount === 'number');
          const failed = cells.some((c: any) => c.model.outputs.toJSON().some((o: any) => o.output_type === 'error'));
          return (done || failed) && panel.sessionContext.session?.kernel?.status === 'idle';
        },
        undefined,
        { timeout: 600_000, polling: 100 },
      );
      const seconds = (performance.now() - t0) / 1000;
      process.stderr.write(`JupyterLab ${name}.ipynb: Run All to idle ${seconds.toFixed(1)} s\n`);

      const state = await page.evaluate(notebookState);
      expect(state.errors).toEqual([]);
      expect(state.counts).toEqual(state.counts.map((_, i) => i + 1));
      expect(state.kernel).toBe('idle');
      expect(await page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]').count()).toBe(0);

      // Every chart output becomes a live Plotly chart (an SVG or WebGL main layer) and drops its PNG stand-in.
      await page.waitForFunction(
        (n) => {
          const figures = Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .mcs-figure'));
          return figures.length === n && figures.every((f) => f.querySelector('.js-plotly-plot .main-svg, .js-plotly-plot canvas') && !f.querySelector('.mcs-static'));
        },
        charts,
        { timeout: 120_000, polling: 250 },
      );
      const traces = await page.$$eval('.jp-NotebookPanel:not(.lm-mod-hidden) .mcs-figure .js-plotly-plot', (els) => els.map((e) => (e as unknown as { data?: unknown[] }).data?.length ?? 0));
      expect(traces).toHaveLength(charts);
      expect(traces.every((n) => n > 0)).toBe(true);

      const tableCount = await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output.jp-RenderedHTMLCommon table').count();
      expect(tableCount).toBeGreaterThanOrEqual(tables);
      if (name === 'modeling') {
        const text = await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output').allTextContents();
        expect(/Selected k=\d+ \([^)]*\)/.exec(text.join('\n'))?.[0]).toBe('Selected k=6 (highest mean silhouette among stable ks with every segment >= 2% over k=2..10)');
      }
      expect(pageErrors.get(page)).toEqual([]);
      await screenshot(page, `lab-${name}.png`);
      await page.close();
      await shutdownKernels();
    }, 720_000);
  }

  it('completes and inspects src/ exports with Tab and Shift+Tab; a type error and a thrown error show once, readable, in their cell', async () => {
    await writeFile(join(root, 'analyst.ipynb'), notebookJson([code(''), code(''), code('')]));
    const page = await openNotebook('analyst.ipynb');
    const source = (i: number) => page.evaluate((n) => (window as any).jupyterapp.shell.currentWidget.content.widgets[n].model.sharedModel.getSource() as string, i);

    // Tab completion: an export of src/ imported in the same cell, not yet run.
    await page.locator('.jp-Cell').nth(0).locator('.cm-content').click();
    await page.keyboard.insertText("import { sweepK } from './src/index';\n");
    await page.keyboard.type('swe');
    await page.keyboard.press('Tab');
    const completer = page.locator('.jp-Completer:not(.lm-mod-hidden)');
    await completer.waitFor({ timeout: 60_000 });
    expect(await completer.locator('.jp-Completer-item .jp-Completer-match').allTextContents()).toContain('sweepK');
    await page.keyboard.press('Enter');
    expect(await source(0)).toBe("import { sweepK } from './src/index';\nsweepK");

    // Shift+Tab: the signature and the TSDoc of sweepK.
    await page.keyboard.press('Shift+Tab');
    const tooltip = page.locator('.jp-Tooltip');
    await tooltip.waitFor({ timeout: 60_000 });
    const help = (await tooltip.textContent()) ?? '';
    expect(help).toContain('function sweepK(X: Matrix, options?: SweepOptions): Promise<SweepResult>');
    expect(help).toContain('Fits k-means for every k in kMin..kMax');
    await page.screenshot({ path: join(REPORTS, 'lab-inspect.png') });
    await page.keyboard.press('Escape');

    // A type error: the cell shows TypeScript's message with its line and column, and nothing of the kernel's insides.
    await page.locator('.jp-Cell').nth(1).locator('.cm-content').click();
    await page.keyboard.type("const segments: number = 'six';");
    await page.waitForFunction(() => (window as any).jupyterapp.shell.currentWidget.content.widgets[1].model.sharedModel.getSource() === "const segments: number = 'six';");
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction(() => typeof (window as any).jupyterapp.shell.currentWidget.content.widgets[1].model.executionCount === 'number', undefined, { timeout: 120_000 });
    expect(await source(1)).toBe("const segments: number = 'six';");
    const state = await page.evaluate(notebookState);
    expect(state.errors).toEqual([{ cell: 2, ename: 'TypeScriptError', evalue: "1:7 - Type 'string' is not assignable to type 'number'." }]);
    const shown = (await page.locator('.jp-Cell').nth(1).locator('.jp-OutputArea').textContent()) ?? '';
    expect(shown).toBe("TypeScriptError: 1:7 - Type 'string' is not assignable to type 'number'."); // once, as the error output
    expect(await page.locator('.jp-Cell').nth(0).locator('.jp-OutputArea-output').count()).toBe(0);

    // An error thrown in src/: its class, message and stack down to the cell, without the kernel's own frames.
    // tslab aborts, silently, every request that reaches it within 200 ms of a failed cell (how it stops Run All at an
    // error, tslab issue #19); a person reads the error first, so this test waits as long before running the next cell.
    await page.waitForTimeout(500);
    await page.locator('.jp-Cell').nth(2).locator('.cm-content').click();
    const failing = "import { loadCustomersCsv } from './src/index';\nawait loadCustomersCsv('no-such-file.csv');";
    await page.keyboard.insertText(failing);
    // Run only once the cell's model has the text (the editor hands it over asynchronously; an empty cell is not run).
    await page.waitForFunction((text) => (window as any).jupyterapp.shell.currentWidget.content.widgets[2].model.sharedModel.getSource() === text, failing);
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction(() => typeof (window as any).jupyterapp.shell.currentWidget.content.widgets[2].model.executionCount === 'number', undefined, { timeout: 120_000 });
    const thrown = (await page.evaluate(notebookState)).errors.find((e) => e.cell === 3);
    expect(thrown?.ename).toBe('DataError');
    expect(thrown?.evalue).toMatch(/^Data file not found: no-such-file\.csv\. Download Mall_Customers\.csv/);
    const stack = (await page.locator('.jp-Cell').nth(2).locator('.jp-OutputArea').textContent()) ?? '';
    expect(stack).toMatch(/^DataError: Data file not found: no-such-file\.csv/);
    expect(stack).toMatch(/at loadCustomersCsv \(.*src[\\/]data[\\/]load/);
    expect(stack.match(/Data file not found/g)).toHaveLength(1);
    expect(stack).not.toMatch(/\u001b|node_modules[\\/]tslab|tslab-kernel/);
    await screenshot(page, 'lab-analyst.png');
    await page.close();
    await shutdownKernels();
  }, 240_000);

  it('picks up an edited src/ file with Kernel > Restart Kernel and Run All Cells', async () => {
    // A module under src/ that the notebook reaches through another one (a plain re-run would keep the old version).
    const dir = join(ROOT, 'src', `lab-probe-${randomBytes(4).toString('hex')}`);
    const rel = `./src/${dir.split('/').pop()}`;
    try {
      await mkdir(dir);
      await writeFile(join(dir, 'value.ts'), "export const probeValue: string = 'before';\n");
      await writeFile(join(dir, 'index.ts'), "import { probeValue } from './value';\nexport const probeMessage = (): string => `probe value: ${probeValue}`;\n");
      await writeFile(join(root, 'restart.ipynb'), notebookJson([code(`import { probeMessage } from '${rel}/index';\nconsole.log(probeMessage());`)]));
      const page = await openNotebook('restart.ipynb');
      const printed = () => page.evaluate(() => (window as any).jupyterapp.shell.currentWidget.content.widgets[0].model.outputs.toJSON().map((o: any) => o.text ?? o.evalue).join(''));
      await page.locator('.lm-MenuBar-item', { hasText: /^Run$/ }).click();
      await menuItem(page, 'Run All Cells').click();
      await page.waitForFunction(() => (window as any).jupyterapp.shell.currentWidget.content.widgets[0].model.outputs.length > 0, undefined, { timeout: 120_000 });
      expect(await printed()).toBe('probe value: before\n');

      await writeFile(join(dir, 'value.ts'), "export const probeValue: string = 'after';\n");
      await page.locator('.lm-MenuBar-item', { hasText: /^Kernel$/ }).click();
      await menuItem(page, 'Restart Kernel and Run All Cells…').click();
      await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept', { hasText: 'Restart' }).click();
      await page.waitForFunction(
        () => {
          const outputs = (window as any).jupyterapp.shell.currentWidget.content.widgets[0].model.outputs.toJSON();
          return outputs.some((o: any) => /after|Error/.test(o.text ?? o.ename ?? ''));
        },
        undefined,
        { timeout: 120_000 },
      );
      expect(await printed()).toBe('probe value: after\n');
      await page.close();
      await shutdownKernels();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('shows every chart of an executed, untrusted notebook as an image (npm run notebooks output opened later)', async () => {
    // Executed headless with the project's nbconvert 7: never trusted in this JupyterLab, so its scripts do not run.
    const [executed] = await runNotebooks({ data: MALL_CSV, out: root, notebooks: [join(root, 'modeling.ipynb')], jupyter: 'venv' });
    expect(executed.ipynb).toBe(join(root, 'reports', 'notebooks', 'modeling.ipynb'));
    const page = await openNotebook('reports/notebooks/modeling.ipynb');
    const state = await page.evaluate(notebookState);
    expect(state.trusted.every((t) => t === false)).toBe(true);
    expect(state.counts.every((c) => typeof c === 'number')).toBe(true);
    // One image per chart, in the cell that drew it; no live chart (plotly.js did not run).
    const perCell = await page.evaluate(() =>
      (window as any).jupyterapp.shell.currentWidget.content.widgets
        .filter((c: any) => c.model.type === 'code')
        .map((c: any) => ({ charts: (c.model.sharedModel.getSource().match(/renderForNotebook\(/g) ?? []).length, images: c.node.querySelectorAll('.jp-OutputArea img[src^="data:image/png"]').length }))
        .filter((c: { charts: number; images: number }) => c.charts > 0 || c.images > 0),
    );
    expect(perCell).toEqual([{ charts: 1, images: 1 }, { charts: 1, images: 1 }, { charts: 1, images: 1 }, { charts: 2, images: 2 }]);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.jp-OutputArea img[src^="data:image/png"]')).every((i) => (i as HTMLImageElement).complete), undefined, { timeout: 30_000 });
    const widths = await page.$$eval('.jp-OutputArea img[src^="data:image/png"]', (els) => els.map((e) => (e as HTMLImageElement).naturalWidth));
    expect(widths).toEqual([1200, 1200, 1200, 1200, 1200]);
    expect(await page.locator('.js-plotly-plot').count()).toBe(0);
    await screenshot(page, 'lab-modeling-untrusted.png');
    await page.close();
    await shutdownKernels();
  }, 300_000);
});
