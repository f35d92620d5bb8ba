/**
 * npm run serve -- [--port 8000] [--host 127.0.0.1] [--model data/models/clustering_model.json] [--data-dir data/processed]
 * Serves the prediction API (src/api/app.ts) until SIGTERM or SIGINT, then lets in-flight requests finish and exits 0.
 * A missing or unusable model file: one line on stderr, exit 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { buildApp } from '../src/api/app';
import type { PagePoint } from '../src/api/page';
import { COLUMNS } from '../src/data/schema';
import { isUserError, OptionsError } from '../src/errors';
import { loadModel } from '../src/io/modelFile';
import { cliMain, intOption } from './cli';

/** How long in-flight requests get to finish after SIGTERM/SIGINT before their connections are cut. */
const GRACE_MS = 10_000;

const HELP = `Usage: npm run serve -- [--port 8000] [--host 127.0.0.1] [--model data/models/clustering_model.json] [--data-dir data/processed] [--log]`;

/**
 * Training customers for the page's chart from DIR/clustered_data.csv, or none when the file is absent or unreadable
 * (the chart then shows the segment centres only). The second value says which, for the start-up line.
 */
function loadPoints(dataDir: string): [PagePoint[], string] {
  const path = join(dataDir, 'clustered_data.csv');
  if (!existsSync(path)) return [[], `no ${path}: chart shows centres only`];
  try {
    const rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    const points = rows.map((r) => ({
      age: Number(r[COLUMNS.age]),
      annualIncome: Number(r[COLUMNS.income]),
      spendingScore: Number(r[COLUMNS.spending]),
      cluster: Number(r.Cluster),
    }));
    const ok = points.filter((p) => Object.values(p).every(Number.isFinite));
    return [ok, `${ok.length} training customers from ${path}`];
  } catch (e) {
    return [[], `${path} unreadable (${(e as Error).message.split('\n')[0]}): chart shows centres only`];
  }
}

/** plotly.js for the page: the figures module's bundle when present, else the basic (scatter-only) build. */
function loadPlotly(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const html = require('../src/figures/html') as { plotlyScript?: () => string };
    if (typeof html.plotlyScript === 'function') return html.plotlyScript();
  } catch {
    // figures module absent: fall through
  }
  try {
    return readFileSync(require.resolve('plotly.js-basic-dist-min'), 'utf8');
  } catch {
    return '';
  }
}

cliMain(async () => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      model: { type: 'string' },
      'data-dir': { type: 'string' },
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const { host = '127.0.0.1', model: modelPath = 'data/models/clustering_model.json', 'data-dir': dataDir = 'data/processed' } = values;
  const port = intOption(values.port, '--port') ?? 8000;
  if (port < 0 || port > 65535) throw new OptionsError(`--port must be 0-65535, got ${port}`, 'port');

  const model = await loadModel(modelPath);
  const [points, pointsNote] = loadPoints(dataDir);
  const app = buildApp({ model, points, plotlyJs: loadPlotly(), logger: values.log ?? false });
  let address: string;
  try {
    address = await app.listen({ port, host });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new OptionsError(`Cannot listen on ${host}:${port} (${code}); choose another --port or --host`, 'port');
    throw e;
  }
  console.log(`Serving ${modelPath} (k=${model.k}, ${model.dataHash.slice(0, 19)}…) at ${address}  [${pointsNote}]`);

  // Resolve when closed: cliMain then exits 0. fastify.close() stops accepting, lets in-flight requests finish and
  // closes idle keep-alive connections.
  await new Promise<void>((resolve, reject) => {
    let closing = false;
    const stop = (signal: string) => {
      if (closing) return;
      closing = true;
      console.log(`${signal}: closing (in-flight requests finish first)`);
      // A client that never finishes its request must not hold the process forever.
      setTimeout(() => app.server.closeAllConnections(), GRACE_MS).unref();
      app.close().then(resolve, reject);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  console.log('closed');
}, isUserError);
