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
import { CHROMIUM_ARGS } from '../src/browser/render';
import { cleanCustomers } from '../src/data/clean';
import { exampleTable } from '../src/data/examples';
import { parseCustomersCsv } from '../src/data/parse';
import { duplicateRows } from '../src/notebook/explore';
import { hasCommand, HAS_MALL, MALL_CSV, ROOT, TEST_CHROMIUM, titled } from './paths';

/** The non-Mall run: a generated retail table (seeded, with spoiled cells) and the flags that describe it. */
const RETAIL = exampleTable({ kind: 'retail', rows: 300, seed: 7, dirty: true });
const RETAIL_CHOICE = { features: ['age_years', 'income_eur', 'basket_eur', 'visits_per_month', 'channel'], id: 'customer_ref', categorical: ['channel', 'region'] };
const RETAIL_FLAGS = ['--features', RETAIL_CHOICE.features.join(','), '--id', RETAIL_CHOICE.id, '--categorical', RETAIL_CHOICE.categorical.join(',')];

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

/**
 * Runs `npm run notebooks` and `npm run report` on the same data side by side (`common` flags for both, `notebookOnly`
 * for the notebooks); the report must succeed. Fills `executed` with the executed notebooks that exist.
 */
async function notebooksBesideReport(
  label: string,
  common: string[],
  notebookOnly: string[],
  out: string,
  reportOut: string,
  executed: Record<string, Notebook>,
): Promise<{ result: { code: number; stdout: string; stderr: string }; summary: any }> {
  const t0 = performance.now();
  const [nb, report] = await Promise.all([tsx('notebooks.ts', [...common, '--out', out, ...notebookOnly]), tsx('report.ts', [...common, '--out', reportOut])]);
  process.stderr.write(`notebooks + report${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n${nb.stderr}`);
  expect(report.code, report.stderr).toBe(0);
  for (const name of NAMES) {
    const file = join(out, 'reports/notebooks', `${name}.ipynb`);
    if (existsSync(file)) executed[name] = parseNotebook(await readFile(file, 'utf8'), file);
  }
  return { result: nb, summary: JSON.parse(await readFile(join(reportOut, 'reports/summary.json'), 'utf8')) };
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
    for (const p of ['SCHEMA', 'FEATURES', 'ID', 'CATEGORICAL']) expect(cellSource(code[0])).toMatch(new RegExp(`^const ${p}: [^=]+ = null; //`, 'm'));
  });

  it.each(NAMES)('%s.ipynb calls src/ and defines no analysis of its own', async (name) => {
    const nb = await committed(name);
    const code = nb.cells.filter((c) => c.cell_type === 'code').map(cellSource);
    const imports = code.join('\n').match(/from '[^']+'/g) ?? [];
    for (const spec of imports) expect(spec).toMatch(/^from '(\.\/src\/index|danfojs-node|path|fs)'$/);
    // The notebooks run the steps themselves: they never hand over to the report's run.
    expect(code.join('\n')).not.toMatch(/\brunReport\b/);
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

const CHROMIUM = TEST_CHROMIUM;
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
].map((j) => ({ ...j, skip: j.missing || (HAS_MALL ? '' : `${MALL_CSV} absent`) }));

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
        ({ result, summary } = await notebooksBesideReport('', ['--data', MALL_CSV, '--seed', '42'], ['--jupyter', choice], out, reportOut, executed));
      }, 420_000);

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

const SKIP_OTHER = hasCommand('jupyter-nbconvert', ['--version']) || existsSync(VENV_JUPYTER) ? '' : 'no nbconvert (apt-get install jupyter-nbconvert, or npm run jupyter:setup)';

describe.skipIf(SKIP_OTHER !== '')(
  `npm run notebooks on a generated retail table with --features --id --categorical${SKIP_OTHER ? ` (skipped: ${SKIP_OTHER})` : ''}`,
  () => {
    let out: string;
    let reportOut: string;
    let csv: string;
    let result: { code: number; stdout: string; stderr: string };
    let summary: any;
    const executed: Record<string, Notebook> = {};

    beforeAll(async () => {
      out = await mkdtemp(join(tmpdir(), 'notebooks-retail-'));
      reportOut = await mkdtemp(join(tmpdir(), 'notebooks-retail-report-'));
      csv = join(out, 'retail.csv');
      await writeFile(csv, RETAIL.csv);
      ({ result, summary } = await notebooksBesideReport(' on the retail table', ['--data', csv, ...RETAIL_FLAGS], [], out, reportOut, executed));
    }, 420_000);

    it('exits 0 with no error output in either notebook, every code cell executed', () => {
      expect(result.code, result.stderr).toBe(0);
      for (const name of NAMES) {
        expect(findCellErrors(executed[name]), name).toEqual([]);
        expect(executed[name].cells.filter((c) => c.cell_type === 'code').every((c) => typeof c.execution_count === 'number')).toBe(true);
        expect(existsSync(join(out, 'reports/notebooks', `${name}.html`))).toBe(true);
      }
    });

    it('wrote the flags into the parameters cells', () => {
      for (const name of NAMES) {
        const params = cellSource(executed[name].cells.find((c) => c.metadata.tags?.includes('parameters'))!);
        expect(params).toContain(`const DATA_PATH = ${JSON.stringify(csv)};`);
        expect(params).toContain('const SCHEMA: string | null = null;');
        expect(params).toContain(`const FEATURES: string[] | null = ${JSON.stringify(RETAIL_CHOICE.features)};`);
        expect(params).toContain('const ID: string | null = "customer_ref";');
        expect(params).toContain('const CATEGORICAL: string[] | null = ["channel","region"];');
      }
    });

    it('preprocessing looks at the table with its own columns and shows what cleaning did', () => {
      const cleaning = cleanCustomers(parseCustomersCsv(RETAIL.csv, { schema: RETAIL_CHOICE }));
      const dup = duplicateRows(cleaning);
      expect(cleaning.rows.dropped, 'the generated table has rows cleaning drops').toBeGreaterThan(0);
      const text = streamText(executed.preprocessing);
      expect(text).toContain('clustering features: age_years, income_eur, basket_eur, visits_per_month, channel');
      expect(text).toContain('columns of the file not used: tenure_months, online_share');
      expect(text).toContain(`rows read 300, used ${cleaning.rows.used}, dropped ${cleaning.rows.dropped}`);
      expect(text).toContain(`duplicate rows dropped: ${dup.exact}`);
      const html = JSON.stringify(executed.preprocessing.cells.flatMap((c) => c.outputs ?? []));
      for (const column of ['customer_ref', 'region', 'channel', 'age_years', 'income_eur', 'basket_eur', 'visits_per_month', 'channel=online']) expect(html).toContain(column);
      expect(html).toMatch(/data:image\/png/); // the distribution chart
    });

    it('writes outputs named after the table\'s columns, byte for byte what npm run report writes', async () => {
      const processed = await readFile(join(out, 'data/processed/preprocessed_data.csv'), 'utf8');
      // The dirty table (seed 7) has an empty channel cell: a missing clustering category drops its row (docs/rows.md),
      // so no "(missing)" column.
      expect(processed.split('\n')[0]).toBe(
        'customer_ref,region,channel,age_years,income_eur,basket_eur,visits_per_month,channel=both,channel=online,channel=store',
      );
      const clustered = await readFile(join(out, 'data/processed/clustered_data.csv'), 'utf8');
      // the table's own column order (customer_ref, region, age_years, income_eur, visits_per_month, basket_eur, ..., channel)
      expect(clustered.split('\n')[0]).toBe('customer_ref,region,age_years,income_eur,visits_per_month,basket_eur,channel,Cluster');
      const model = JSON.parse(await readFile(join(out, 'data/models/clustering_model.json'), 'utf8'));
      expect(model.features).toEqual(['age_years', 'income_eur', 'basket_eur', 'visits_per_month', 'channel=both', 'channel=online', 'channel=store']);
      for (const f of ['data/processed/preprocessed_data.csv', 'data/processed/clustered_data.csv', 'data/models/clustering_model.json'])
        expect(await readFile(join(out, f), 'utf8'), f).toBe(await readFile(join(reportOut, f), 'utf8'));
    });

    it('shows the same selected k, silhouette and segment sizes as npm run report', () => {
      const m = /Selected k=(\d+) \(([^)]*)\); mean silhouette ([\d.]+); segment sizes ([\d, ]+)/.exec(streamText(executed.modeling));
      expect(m, 'the "Selected k=" line of modeling.ipynb').not.toBeNull();
      const k = Number(m![1]);
      expect(k).toBe(summary.k.selected);
      expect(Number(m![3])).toBeCloseTo(summary.silhouette[String(k)], 4);
      expect(m![4].split(', ').map(Number)).toEqual(summary.clusters.map((c: { size: number }) => c.size));
    });

    it('predicts customers of the table with the saved model: each lands in the segment training gave it', () => {
      const predictions = (executed.modeling.cells.at(-1)!.outputs ?? []).map((o) => String((o.data as Record<string, unknown> | undefined)?.['text/html'] ?? '')).join('');
      const rows = [...predictions.matchAll(/<tr><td>(C-\d+)<\/td>(.*?)<\/tr>/g)].map((r) => [...r[2].matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1]));
      expect(rows).toHaveLength(5);
      // cells after the id: channel, region, age_years, income_eur, basket_eur, visits_per_month, segment, segment in training
      for (const r of rows) expect(r[6], 'segment = segment in training').toBe(r[7]);
    });

    it('draws every chart with a static image, the 3D one on principal components', async () => {
      const html = await readFile(join(out, 'reports/notebooks/modeling.html'), 'utf8');
      expect((html.match(/<img [^>]*src="data:image\/(png|svg\+xml)[^"]*"/g) ?? []).length).toBeGreaterThanOrEqual(5);
      expect(html).toMatch(/PC1 \(\d+% of variance\)/);
    });
  },
);
