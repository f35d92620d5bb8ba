import { mkdtemp, readFile, readdir, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { HAS_MALL, MALL_CSV, ROOT, titled } from './paths';
import { nonProgressLines } from './support/progress';
import { findChromium } from '../src/browser/render';
import sklearn from './fixtures/mall_sklearn_sweep.json';
import before from './fixtures/mall_report_before_schemas.json';
import { createHash } from 'node:crypto';
import { runScript } from './support/cli';

const report = (args: string[], cwd = ROOT, env: Record<string, string> = {}) => runScript('report', args, { cwd, env });

const DATA_FILES = ['data/processed/preprocessed_data.csv', 'data/processed/clustered_data.csv', 'data/models/clustering_model.json'];

describe.skipIf(!HAS_MALL)(titled('npm run report on the real Mall data', !HAS_MALL, `${MALL_CSV} absent`), () => {
  let out: string;
  let summary: any;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'report-'));
    const r = await report(['--data', MALL_CSV, '--out', out]);
    expect(r.stderr + r.stdout).toContain('k=');
    expect(r.stdout.trimEnd().split('\n').pop()).toMatch(/^wrote \d+ files; see (.+)$/);
    expect(r.stdout.trimEnd().split('\n').pop()!.split('; see ')[1]).toBe(join(out, 'reports/summary.txt'));
    expect(r.code).toBe(0);
    summary = JSON.parse(await readFile(join(out, 'reports/summary.json'), 'utf8'));
  });

  it('uses all 200 rows and selects the k scikit-learn selects', () => {
    expect(summary.rows).toMatchObject({ read: 200, used: 200, dropped: 0 });
    expect(summary.k.selected).toBe(sklearn.best_k);
    expect(summary.features).toEqual(['Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
  });

  it('matches scikit-learn silhouette within 0.01 and inertia within 0.5% (2% for k >= 7) for every k', () => {
    for (const [k, ref] of Object.entries(sklearn.k)) {
      expect(Math.abs(summary.silhouette[k] - ref.silhouette), `silhouette k=${k}`).toBeLessThan(0.01);
      const limit = Number(k) >= 7 ? 1.02 : 1.005;
      expect(summary.inertia[k] / ref.inertia, `inertia k=${k}`).toBeLessThan(limit);
    }
  });

  it('writes every output with the documented columns and no empty or NaN cell', async () => {
    const pre = (await readFile(join(out, DATA_FILES[0]), 'utf8')).trimEnd().split('\n');
    expect(pre[0]).toBe('CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)');
    expect(pre).toHaveLength(201);
    const clustered = (await readFile(join(out, DATA_FILES[1]), 'utf8')).trimEnd().split('\n');
    expect(clustered[0]).toBe('CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100),Cluster');
    const clusters = new Set(clustered.slice(1).map((l) => Number(l.split(',')[5])));
    expect([...clusters].sort()).toEqual([...Array(summary.k.selected).keys()]);
    for (const line of [...pre, ...clustered]) expect(line).not.toMatch(/(^|,)(,|$)|NaN|undefined|null/);
    const sizes = summary.clusters.map((c: any) => c.size);
    expect(sizes.reduce((a: number, b: number) => a + b, 0)).toBe(200);
    expect(new Set(summary.clusters.map((c: any) => c.label)).size).toBe(summary.k.selected);
    const text = await readFile(join(out, 'reports/summary.txt'), 'utf8');
    expect(text).toContain(`Selected k = ${summary.k.selected}`);
    expect(summary.backend.name).toMatch(/native|wasm|cpu/);
    expect(summary.seed).toBe(42);
  });

  const browser = findChromium();
  const noChromium = 'reason' in browser;
  it.skipIf(noChromium)(titled('renders every figure as PNG (>= 1200x800) and HTML, and the report page', noChromium, 'reason' in browser ? browser.reason : ''), async () => {
    const names = ['customer-segmentation-2d', 'customer-segmentation-3d', 'model-selection', 'silhouette-by-segment', 'segment-profiles'];
    for (const name of names) {
      const png = PNG.sync.read(await readFile(join(out, 'reports/figures', `${name}.png`)));
      expect(png.width, name).toBeGreaterThanOrEqual(1200);
      expect(png.height, name).toBeGreaterThanOrEqual(800);
      expect(await readFile(join(out, 'reports/figures', `${name}.html`), 'utf8')).not.toMatch(/<script[^>]+src=["']https?:/);
      expect(summary.outputs).toContain(`reports/figures/${name}.png`);
    }
    const page = await readFile(join(out, 'reports/index.html'), 'utf8');
    for (const c of summary.clusters) expect(page).toContain(c.label);
    expect(summary.timings.figures).toBeGreaterThan(0);
  });

  it('gives the results of the report before schemas: data files byte for byte, the model apart from its format name, version, schema and category shares, summary values', async () => {
    for (const [file, sha] of Object.entries(before.data_sha256)) {
      expect(createHash('sha256').update(await readFile(join(out, file))).digest('hex'), file).toBe(sha);
    }
    const model = JSON.parse(await readFile(join(out, DATA_FILES[2]), 'utf8'));
    const v1 = JSON.parse(await readFile(join(ROOT, 'src/segmentation/__fixtures__/mall_model_v1.json'), 'utf8'));
    expect(model.version).toBe(2);
    expect(model.schema.name).toBe('mall');
    expect(model.format).toBe('customer-segmentation-model');
    expect(model.generatedBy).toBe('customer-segmentation 0.1.0');
    expect([v1.format, v1.generatedBy]).toEqual(['mall-segmentation-model', 'mall-customer-segmentation 0.1.0']);
    const { version: _v2, schema: _s, encoding: _e, format: _f2, generatedBy: _g2, ...rest } = model;
    const { version: _v1, format: _f1, generatedBy: _g1, ...restV1 } = v1;
    // Labels are worded from standardized differences (and the k rule is named in full): everything else is equal.
    const unworded = ({ categories: _c, label: _l, levels: _v, differences: _d, ...p }: Record<string, unknown>) => p;
    rest.profiles = rest.profiles.map(unworded);
    restV1.profiles = restV1.profiles.map(unworded);
    // The silhouettes are float64 sums (scikit-learn's to ~1e-16, see src/model/silhouette.test.ts); the stored ones
    // came from float32 distances and are within 1e-7 of them. Everything else is equal.
    const closeTo = (actual: Record<string, number>, expected: Record<string, number>, what: string) => {
      expect(Object.keys(actual), what).toEqual(Object.keys(expected));
      for (const k of Object.keys(expected)) expect(Math.abs(actual[k] - expected[k]), `${what} k=${k}`).toBeLessThan(1e-7);
    };
    closeTo(rest.metrics.silhouette, restV1.metrics.silhouette, 'model silhouette');
    closeTo(summary.silhouette, before.silhouette, 'summary silhouette');
    const { reason: _reason, silhouette: _silhouette, ...metrics } = rest.metrics;
    rest.metrics = { silhouette: restV1.metrics.silhouette, ...metrics, rule: restV1.metrics.rule };
    expect(JSON.stringify(rest, null, 2)).toBe(JSON.stringify({ ...restV1, dataHash: rest.dataHash }, null, 2));
    expect(rest.dataHash).toBe(v1.dataHash);
    for (const key of ['rows', 'features', 'inertia', 'outliers', 'seed', 'warnings'] as const) expect(summary[key], key).toEqual(before[key]);
    const { rule: _rule, ...beforeK } = before.k;
    expect(summary.k).toMatchObject(beforeK);
    expect(summary.k.rule).toBe('highest mean silhouette among stable ks with every segment >= 2% over k=2..10');
    expect(summary.clusters.map(unworded)).toEqual(before.clusters.map(unworded));
    expect(summary.clusters.map((c: { label: string }) => c.label)).toEqual([
      'Slightly older, much lower income, much lower spending',
      'Slightly younger, high income, much higher spending',
      'Middle-aged, much higher income, much lower spending',
      'Young, much lower income, much higher spending',
      'Much older, average income, average spending',
      'Young, average income, average spending',
    ]);
    expect(Object.keys(summary.k.criteria)).toEqual(Object.keys(summary.silhouette));
    expect(summary.k.reason).toMatch(/^k=6: highest silhouette \(0\.4274\) over k=2\.\.10; /);
    expect(summary.clusters[0].categories.Gender).toEqual(before.clusters[0].gender);
  });

  it('gives byte-identical data files and model on a second run with the same seed', async () => {
    const out2 = await mkdtemp(join(tmpdir(), 'report-'));
    expect((await report(['--data', MALL_CSV, '--out', out2, '--no-png'])).code).toBe(0);
    for (const f of DATA_FILES) expect(await readFile(join(out2, f), 'utf8'), f).toBe(await readFile(join(out, f), 'utf8'));
  });

  it('refuses an unusable file with one line, leaving earlier outputs untouched', async () => {
    const before = await Promise.all(DATA_FILES.map(async (f) => (await stat(join(out, f))).mtimeMs));
    const bad = join(out, 'bad.csv');
    await writeFile(bad, 'CustomerID,Gender,Age,Annual Income (k$)\n1,Male,19,15\n');
    const r = await report(['--data', bad, '--out', out, '--no-png']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/Spending Score \(1-100\)".*missing.*bad\.csv/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    const after = await Promise.all(DATA_FILES.map(async (f) => (await stat(join(out, f))).mtimeMs));
    expect(after).toEqual(before);
    expect((await readdir(out)).filter((f) => f.startsWith('.staging'))).toEqual([]);
  });

  it('refuses --k larger than the data and a missing --data file', async () => {
    const small = join(out, 'small.csv');
    await writeFile(small, 'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n1,Male,19,15,39\n2,Female,21,15,81\n3,Female,40,60,50\n');
    const r = await report(['--data', small, '--out', out, '--k', '5', '--no-png']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/k=5/);
    const missing = await report(['--data', join(out, 'nope.csv'), '--out', out, '--no-png']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.csv/);
  });

  it('refuses an --impute or --unknown-category that is not one of the policies, in one line', async () => {
    for (const [flag, value, choices] of [['--impute', 'mean', 'drop, median'], ['--unknown-category', 'skip', 'ignore, error']]) {
      const r = await report(['--out', out, flag, value, '--no-png']);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(`error: ${flag} "${value}" is not one of ${choices}`);
    }
  });
});

describe('npm run report on other data', () => {
  it('cleans a dirty file with every row accounted for and no empty cell in the outputs', async () => {
    const out = await mkdtemp(join(tmpdir(), 'report-dirty-'));
    const rows = ['\ufeffCustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100),Extra'];
    for (let i = 1; i <= 60; i++) rows.push(`${i},${i % 2 ? ' female' : 'MALE'},${18 + (i * 7) % 50},${15 + (i * 13) % 120},${1 + (i * 37) % 100},x`);
    rows.push('61,Female,,40,50,x', '62,Male,200,40,50,x', '63,Female,30,40,101,x', '64,Male,30,-5,50,x', '1,Female,19,15,39,x', '65,Robot,30,40,50,x', '', '66,Female,thirty,40,50,x');
    rows.push(rows[5]); // exact duplicate of customer 5
    await writeFile(join(out, 'dirty.csv'), rows.join('\r\n') + '\r\n');
    const r = await report(['--data', join(out, 'dirty.csv'), '--out', out, '--k-max', '5', '--no-png']);
    expect(nonProgressLines(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    const s = JSON.parse(await readFile(join(out, 'reports/summary.json'), 'utf8'));
    expect(s.rows.read).toBe(68); // 60 good + 7 bad non-blank lines + 1 exact duplicate; the blank line is not a row
    expect(s.rows.used).toBe(60);
    expect(s.rows.read).toBe(s.rows.used + s.rows.dropped);
    expect(Object.values(s.rows.droppedBy).reduce((a: number, b) => a + (b as number), 0)).toBe(s.rows.dropped);
    for (const f of DATA_FILES.slice(0, 2)) expect(await readFile(join(out, f), 'utf8')).not.toMatch(/,,|,\n|NaN/);
  });

  it('falls back to built-in synthetic data, loudly, when the default data file is absent', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'report-synth-'));
    await mkdir(join(cwd, 'data'), { recursive: true });
    const r = await report(['--out', cwd, '--k-max', '6', '--no-png'], cwd);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/SYNTHETIC DATA/);
    expect(r.stdout).toMatch(/SYNTHETIC/);
    const s = JSON.parse(await readFile(join(cwd, 'reports/summary.json'), 'utf8'));
    expect(s.data.synthetic).toBe(true);
    expect(s.warnings.join(' ')).toMatch(/SYNTHETIC DATA/);
    expect(await readFile(join(cwd, 'reports/summary.txt'), 'utf8')).toMatch(/SYNTHETIC DATA/);
  });

  it('still finishes without a browser, writes the HTML figures and says in one line how to enable PNGs', async () => {
    const out = await mkdtemp(join(tmpdir(), 'report-nobrowser-'));
    const r = await report(['--data', join(ROOT, 'src/data/__fixtures__/dirty.csv'), '--out', out, '--k-max', '3'], ROOT, {
      CHROMIUM_PATH: '/nonexistent/chromium',
    });
    expect(r.code).toBe(0);
    const notes = r.stderr.split('\n').filter((l) => /PNG/.test(l));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/PNG figures skipped.*(apt-get install chromium|CHROMIUM_PATH)/);
    const files = await readdir(join(out, 'reports/figures'));
    expect(files.filter((f) => f.endsWith('.html'))).toHaveLength(5);
    expect(files.filter((f) => f.endsWith('.png'))).toEqual([]);
    const s = JSON.parse(await readFile(join(out, 'reports/summary.json'), 'utf8'));
    expect(s.warnings.join('\n')).toMatch(/PNG figures skipped/);
  });
});
