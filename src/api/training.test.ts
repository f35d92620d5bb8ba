import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/modelFile';
import { predict, type SegmentModel } from '../segmentation/artifact';
import { HAS_MALL, MALL_CSV, ROOT } from '../../test/paths';
import { buildApp } from './app';

// End to end on the real data: `npm run report` into a temp dir, then the API serves its model.
const DATA = MALL_CSV;
const TSX = require.resolve('tsx/cli');

describe.skipIf(!HAS_MALL)(`the training customers round-trip through the API${HAS_MALL ? '' : ` (SKIPPED: ${MALL_CSV} not found)`}`, () => {
  let out: string;
  let model: SegmentModel;
  let app: FastifyInstance;
  let base: string;
  let raw: Record<string, string>[];
  let clustered: Map<number, number>;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'api-report-'));
    await promisify(execFile)(process.execPath, [TSX, 'scripts/report.ts', '--data', DATA, '--out', out], { cwd: ROOT });
    model = await loadModel(join(out, 'data/models/clustering_model.json'));
    raw = parse(readFileSync(DATA, 'utf8'), { columns: true, skip_empty_lines: true });
    const rows = parse(readFileSync(join(out, 'data/processed/clustered_data.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    clustered = new Map(rows.map((r) => [Number(r.CustomerID), Number(r.Cluster)]));
    app = buildApp({ model });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('all 200 rows of Mall_Customers.csv, posted in one batch, come back in their clustered_data.csv clusters', async () => {
    expect(raw).toHaveLength(200);
    expect(clustered.size).toBe(200);
    const customers = raw.map((r) => ({
      gender: r.Gender,
      age: Number(r.Age),
      annualIncome: Number(r['Annual Income (k$)']),
      spendingScore: Number(r['Spending Score (1-100)']),
    }));
    const res = await fetch(`${base}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customers }) });
    expect(res.status).toBe(200);
    const { predictions } = (await res.json()) as { predictions: { cluster: number; label: string }[] };
    expect(predictions).toHaveLength(200);
    const expected = raw.map((r) => clustered.get(Number(r.CustomerID)));
    expect(predictions.map((p) => p.cluster)).toEqual(expected);
    // and the same objects as the library's predict (which reads the Mall camelCase names too)
    expect(predictions).toEqual(predict(model, customers));
  });

  it('an independent reference from the CSV alone agrees: nearest centre, distance and label words, recomputed by hand', async () => {
    // Standardize the three features by hand (population std, as StandardScaler) from the 200 CSV rows.
    const columns = ['Age', 'Annual Income (k$)', 'Spending Score (1-100)'];
    expect(model.features).toEqual(columns);
    const values = columns.map((c) => raw.map((r) => Number(r[c])));
    const mean = values.map((v) => v.reduce((a, b) => a + b, 0) / v.length);
    const std = values.map((v, j) => Math.sqrt(v.reduce((a, b) => a + (b - mean[j]) ** 2, 0) / v.length));
    const customers = raw.map((r) => ({ CustomerID: Number(r.CustomerID), Age: Number(r.Age), 'Annual Income (k$)': Number(r['Annual Income (k$)']), 'Spending Score (1-100)': Number(r['Spending Score (1-100)']) }));
    const res = await fetch(`${base}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customers }) });
    const { predictions } = (await res.json()) as { predictions: { id: number; cluster: number; label: string; distance: number }[] };
    // the model's centres back in raw units with the model's scaler, then re-standardized with the hand scaler
    const centres = model.centroids.map((c) => c.map((v, j) => (v * model.scaler.scale[j] + model.scaler.mean[j] - mean[j]) / std[j]));
    raw.forEach((_, i) => {
      const point = columns.map((_, j) => (values[j][i] - mean[j]) / std[j]);
      const d = centres.map((c) => Math.hypot(...c.map((v, j) => point[j] - v)));
      const nearest = d.indexOf(Math.min(...d));
      expect(predictions[i].id).toBe(customers[i].CustomerID);
      expect(predictions[i].cluster).toBe(nearest);
      expect(predictions[i].distance).toBeCloseTo(d[nearest], 9);
    });
    // Label words: each segment's mean (over its CSV rows) minus the population mean, in population SDs: below 0.25
    // the middle word, then "slightly <comparative>", the low/high word from 0.5, "much <comparative>" from 1 SD;
    // the Mall schema's words, in feature order.
    const words = [['Young', 'Middle-aged', 'Older'], ['low income', 'average income', 'high income'], ['low spending', 'average spending', 'high spending']];
    const comparatives = [['younger', 'older'], ['lower income', 'higher income'], ['lower spending', 'higher spending']];
    for (let k = 0; k < model.k; k++) {
      const rows = raw.map((_, i) => i).filter((i) => clustered.get(customers[i].CustomerID) === k);
      const said = columns.map((_, j) => {
        const z = (rows.reduce((a, i) => a + values[j][i], 0) / rows.length - mean[j]) / std[j];
        const side = z < 0 ? 0 : 1;
        if (Math.abs(z) < 0.25) return words[j][1];
        if (Math.abs(z) < 0.5) return `slightly ${comparatives[j][side]}`;
        if (Math.abs(z) < 1) return words[j][2 * side];
        return `much ${comparatives[j][side]}`;
      });
      const expectedLabel = said.join(', ');
      const label = predictions.find((p) => p.cluster === k)?.label ?? '';
      expect(label.toLowerCase().startsWith(expectedLabel.toLowerCase())).toBe(true);
    }
  });

  it('GET /clusters agrees with the model: k segments whose sizes add up to the 200 customers', async () => {
    const body = (await (await fetch(`${base}/clusters`)).json()) as { k: number; reason: string; clusters: { size: number; share: number; label: string }[] };
    expect(body.k).toBe(model.k);
    // the same labels and the same reason for k as the report's summary
    const summary = JSON.parse(readFileSync(join(out, 'reports/summary.json'), 'utf8')) as { k: { reason: string }; clusters: { label: string }[] };
    expect(body.reason).toBe(summary.k.reason);
    expect(body.clusters.map((c) => c.label)).toEqual(summary.clusters.map((c) => c.label));
    expect(body.clusters.reduce((a, c) => a + c.size, 0)).toBe(200);
    expect(body.clusters.reduce((a, c) => a + c.share, 0)).toBeCloseTo(1, 12);
    const counts = new Map<number, number>();
    for (const c of clustered.values()) counts.set(c, (counts.get(c) ?? 0) + 1);
    body.clusters.forEach((c, id) => expect(c.size).toBe(counts.get(id)));
  });

  it('npm run serve on the report outputs: the page is built from clustered_data.csv', async () => {
    const child = spawn(
      process.execPath,
      [TSX, 'scripts/serve.ts', '--port', '0', '--model', join(out, 'data/models/clustering_model.json'), '--data-dir', join(out, 'data/processed')],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    try {
      const start = Date.now();
      while (!/at http:\/\/127\.0\.0\.1:\d+/.test(stdout) && Date.now() - start < 30_000) await new Promise((r) => setTimeout(r, 25));
      const url = stdout.match(/at (http:\/\/127\.0\.0\.1:\d+)/)![1];
      expect(stdout).toContain('chart shows 200 training customers');
      const html = await (await fetch(`${url}/`)).text();
      expect(html).toContain('Customer Segmentation 2D');
      expect(html.length).toBeGreaterThan(1_000_000); // plotly.js inlined
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
