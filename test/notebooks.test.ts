import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { cellSource, cellsWithOutputs, findCellErrors, parseNotebook, type Notebook } from '../src/notebook/ipynb';
import { resolveJupyter, VENV_DIR, venvBin } from '../src/notebook/jupyterEnv';
import { KERNEL_NAME } from '../src/notebook/kernelspec';
import { CHROMIUM_ARGS } from '../src/figures/render';
import { hasCommand, HAS_MALL, MALL_CSV, ROOT, titled } from './paths';

const run = promisify(execFile);
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const NAMES = ['preprocessing', 'modeling'] as const;

async function committed(name: string): Promise<Notebook> {
  const file = join(ROOT, 'notebooks', `${name}.ipynb`);
  return parseNotebook(await readFile(file, 'utf8'), file);
}


async function tsx(script: string, args: string[]) {
  try {
    const r = await run(TSX, [join(ROOT, 'scripts', script), ...args], { cwd: ROOT, maxBuffer: 1 << 26 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

function streamText(nb: Notebook): string {
  return nb.cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o) => o.output_type === 'stream')
    .map((o) => (Array.isArray(o.text) ? o.text.join('') : String(o.text ?? '')))
    .join('');
}

describe('notebooks as committed', () => {
  it.each(NAMES)('%s.ipynb has no outputs or execution counts', async (name) => {
    const nb = await committed(name);
    expect(cellsWithOutputs(nb), `cells with outputs in notebooks/${name}.ipynb: clear outputs before committing`).toEqual([]);
  });

  it.each(NAMES)('%s.ipynb asks for the project kernel and has one parameters cell at the top', async (name) => {
    const nb = await committed(name);
    expect((nb.metadata.kernelspec as { name: string }).name).toBe(KERNEL_NAME);
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    expect(code[0].metadata.tags).toEqual(['parameters']);
    expect(code.filter((c) => c.metadata.tags?.includes('parameters'))).toHaveLength(1);
    expect(cellSource(code[0])).toMatch(/^const DATA_PATH = /m);
    expect(cellSource(code[0])).toMatch(/^const OUT_DIR = /m);
  });

  it.each(NAMES)('%s.ipynb calls src/ and defines no analysis of its own', async (name) => {
    const nb = await committed(name);
    const code = nb.cells.filter((c) => c.cell_type === 'code').map(cellSource);
    const imports = code.join('\n').match(/from '[^']+'/g) ?? [];
    for (const spec of imports) expect(spec).toMatch(/^from '(\.\/src\/[\w/]+|danfojs-node|path)'$/);
    for (const source of code) {
      expect(source).not.toMatch(/\bfunction\b|\bclass\b|Math\.|\breduce\(|\bfor \(let/);
    }
    // Every step is introduced by a markdown cell.
    nb.cells.forEach((c, i) => {
      if (i > 3 && c.cell_type === 'code') expect(nb.cells[i - 1].cell_type, `cell ${i + 1} of ${name}`).toBe('markdown');
    });
  });

  it('modeling.ipynb declares the k range and seed as parameters', async () => {
    const params = cellSource((await committed('modeling')).cells.find((c) => c.metadata.tags?.includes('parameters'))!);
    for (const p of ['SEED', 'K_MIN', 'K_MAX']) expect(params).toMatch(new RegExp(`^const ${p} = `, 'm'));
  });
});

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);

/** The project's nbconvert 7 (`npm run jupyter:setup`) and the one on PATH outside it (Debian's 6.5 in CI): each runs the notebooks. */
const VENV_JUPYTER = venvBin(join(ROOT, VENV_DIR), 'jupyter');
function systemJupyter(): string | null {
  try {
    const { command } = resolveJupyter('system', { root: ROOT });
    return hasCommand(command, ['nbconvert', '--version']) ? command : null;
  } catch {
    return null;
  }
}
const JUPYTERS = [
  { label: 'nbconvert 7 from .venv', choice: 'venv', version: /^7\./, missing: existsSync(VENV_JUPYTER) ? '' : `${VENV_DIR}/bin/jupyter absent (npm run jupyter:setup)` },
  { label: 'nbconvert on PATH (Debian 6.5)', choice: 'system', version: /^\d+\./, missing: systemJupyter() ? '' : 'no jupyter-nbconvert on PATH outside .venv' },
].map((j) => ({ ...j, skip: j.missing || (HAS_MALL ? '' : '../shared/data/Mall_Customers.csv absent') }));

for (const { label, choice, version, skip } of JUPYTERS) {
  describe.skipIf(skip !== '')(
    titled(`npm run notebooks --jupyter ${choice} on the Mall data (${label})`, skip !== '', skip),
    () => {
      let out: string;
      let reportOut: string;
      let result: { code: number; stdout: string; stderr: string };
      let summary: any;
      const executed: Record<string, Notebook> = {};

      beforeAll(async () => {
        out = await mkdtemp(join(tmpdir(), 'notebooks-'));
        reportOut = await mkdtemp(join(tmpdir(), 'notebooks-report-'));
        const t0 = performance.now();
        const [nb, report] = await Promise.all([
          tsx('notebooks.ts', ['--data', MALL_CSV, '--seed', '42', '--out', out, '--jupyter', choice]),
          tsx('report.ts', ['--data', MALL_CSV, '--seed', '42', '--out', reportOut]),
        ]);
        process.stderr.write(`notebooks + report: ${((performance.now() - t0) / 1000).toFixed(1)} s\n${nb.stderr}`);
        result = nb;
        expect(report.code, report.stderr).toBe(0);
        summary = JSON.parse(await readFile(join(reportOut, 'reports/summary.json'), 'utf8'));
        for (const name of NAMES) {
          const file = join(out, 'reports/notebooks', `${name}.ipynb`);
          if (existsSync(file)) executed[name] = parseNotebook(await readFile(file, 'utf8'), file);
        }
      }, 240_000);

      it('exits 0 and writes executed .ipynb and .html for both notebooks, with no error output', () => {
        expect(result.code, result.stderr).toBe(0);
        const used = /^nbconvert (\S+) \((.*)\)$/m.exec(result.stderr);
        expect(used?.[1]).toMatch(version);
        if (choice === 'venv') expect(used?.[2]).toBe(`${VENV_DIR}/bin/jupyter`);
        else expect(used?.[2]).not.toContain(VENV_DIR);
        for (const name of NAMES) {
          expect(existsSync(join(out, 'reports/notebooks', `${name}.html`))).toBe(true);
          expect(findCellErrors(executed[name])).toEqual([]);
          const code = executed[name].cells.filter((c) => c.cell_type === 'code');
          expect(code.every((c) => typeof c.execution_count === 'number')).toBe(true);
        }
      });

      it('ran with the data path and seed given on the command line', () => {
        const params = cellSource(executed.modeling.cells.find((c) => c.metadata.tags?.includes('parameters'))!);
        expect(params).toContain(`const DATA_PATH = ${JSON.stringify(MALL_CSV)};`);
        expect(params).toContain('const SEED = 42;');
        expect(params).toContain(`const OUT_DIR = ${JSON.stringify(out)};`);
      });

      it('shows the same selected k, silhouette and segment sizes as npm run report', () => {
        const m = /Selected k=(\d+) \(([^)]*)\); mean silhouette ([\d.]+); segment sizes ([\d, ]+)/.exec(streamText(executed.modeling));
        expect(m, 'the "Selected k=" line of modeling.ipynb').not.toBeNull();
        const k = Number(m![1]);
        expect(k).toBe(summary.k.selected);
        expect(m![2]).toBe(summary.k.rule);
        expect(Number(m![3])).toBeCloseTo(summary.silhouette[String(k)], 4);
        expect(m![4].split(', ').map(Number)).toEqual(summary.clusters.map((c: { size: number }) => c.size));
      });

      it('writes the same processed data, clustered data and model bytes as the report', async () => {
        for (const f of ['data/processed/preprocessed_data.csv', 'data/processed/clustered_data.csv', 'data/models/clustering_model.json'])
          expect(await readFile(join(out, f), 'utf8'), f).toBe(await readFile(join(reportOut, f), 'utf8'));
      });

      it('puts a static image of every chart into the HTML export', async () => {
        const html = await readFile(join(out, 'reports/notebooks/modeling.html'), 'utf8');
        const images = html.match(/<img [^>]*src="data:image\/(png|svg\+xml)[^"]*"/g) ?? [];
        expect(images.length).toBeGreaterThanOrEqual(5); // model selection, silhouette, profiles, 2D, 3D
        const pre = await readFile(join(out, 'reports/notebooks/preprocessing.html'), 'utf8');
        expect(pre.match(/<img [^>]*src="data:image\/(png|svg\+xml)/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
      });

      it.skipIf(!HAS_CHROMIUM)(
        titled('the HTML export shows every chart in a browser: the images with scripts off, live Plotly charts with them on', !HAS_CHROMIUM, `${CHROMIUM} not found`),
        async () => {
          const { chromium } = await import('playwright-core');
          const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
          try {
            const url = `file://${join(out, 'reports/notebooks/modeling.html')}`;
            // offline: the template's CDN scripts (require.js, MathJax) fail at once, as they would without a network.
            const still = await (await browser.newContext({ javaScriptEnabled: false, offline: true })).newPage();
            await still.goto(url);
            const widths = await still.$$eval('img[src^="data:image/png"]', (els) => els.map((e) => (e as HTMLImageElement).naturalWidth));
            expect(widths).toEqual([1200, 1200, 1200, 1200, 1200]);
            const live = await (await browser.newContext({ offline: true })).newPage();
            await live.goto(url);
            await live.waitForFunction(() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5, undefined, { timeout: 90_000 });
            expect(await live.$$eval('.js-plotly-plot', (els) => els.map((e) => (e as unknown as { data?: unknown[] }).data?.length ?? 0))).toHaveLength(5);
          } finally {
            await browser.close();
          }
        },
        120_000,
      );

      it('exits 1 with one line naming the notebook and the failing cell, and keeps the executed notebook', async () => {
        const badOut = await mkdtemp(join(tmpdir(), 'notebooks-bad-'));
        const bad = join(badOut, 'bad.csv');
        await writeFile(bad, 'CustomerID,Gender,Age,Annual Income (k$)\n1,Male,19,15\n');
        // A small notebook (the failure path does not need the full ones): parameters, an import, a failing load.
        const cells = [
          { cell_type: 'code', metadata: { tags: ['parameters'] }, source: "const DATA_PATH = 'x.csv';\nconst OUT_DIR = '.';", outputs: [], execution_count: null },
          { cell_type: 'code', metadata: {}, source: "import { loadCustomersCsv } from './src/data/load';", outputs: [], execution_count: null },
          { cell_type: 'code', metadata: {}, source: 'const { table } = await loadCustomersCsv(DATA_PATH);\nconsole.log(table.read);', outputs: [], execution_count: null },
        ];
        const small = join(badOut, 'small.ipynb');
        await writeFile(small, JSON.stringify({ cells, metadata: { kernelspec: { name: KERNEL_NAME, display_name: 'x', language: 'typescript' } }, nbformat: 4, nbformat_minor: 4 }));
        const r = await tsx('notebooks.ts', ['--data', bad, '--out', badOut, '--notebook', small, '--jupyter', choice]);
        expect(r.code).toBe(1);
        const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('error:'));
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^error: .*small.ipynb cell 3 \[const \{ table \} = await loadCustomersCsv\(DATA_PATH\);\] failed: DataError: .*Spending Score/);
        expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
        const executedSmall = parseNotebook(await readFile(join(badOut, 'reports/notebooks/small.ipynb'), 'utf8'));
        expect(findCellErrors(executedSmall).map((e) => [e.cell, e.ename])).toEqual([[3, 'DataError']]);
      }, 120_000);
    },
  );
}
