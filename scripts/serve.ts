/**
 * npm run serve -- [--port 8000] [--host 127.0.0.1] [--model data/models/clustering_model.json] [--data-dir data/processed]
 * Serves the prediction API (src/api/app.ts) until SIGTERM or SIGINT, then lets in-flight requests finish and exits 0.
 * A missing or unusable model file: one line on stderr, exit 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../src/api/app';
import { pageFigure, pageTraining, type PageTraining } from '../src/api/page';
import { bundleFor, plotlyScript, isUserError, OptionsError, loadModel, type SegmentModel } from '../src';
import { cliMain, intOption, parseFlags } from './cli';

/** How long in-flight requests get to finish after SIGTERM/SIGINT before their connections are cut. */
const GRACE_MS = 10_000;

const HELP = `Usage: npm run serve -- [--port 8000] [--host 127.0.0.1] [--model data/models/clustering_model.json] [--data-dir data/processed] [--log]`;

/**
 * Training customers and their segments for the page's chart, from DIR/clustered_data.csv read with the model's
 * schema (pageTraining); none when the file is absent or unusable (the chart then shows the segment centres only).
 * The note says which, for the start-up line.
 */
function loadTraining(dataDir: string, model: SegmentModel): { training?: PageTraining; note: string } {
  const path = join(dataDir, 'clustered_data.csv');
  if (!existsSync(path)) return { note: `no ${path}: chart shows segment centres only` };
  try {
    const { training, dropped, disagree } = pageTraining(readFileSync(path, 'utf8'), model, path);
    const extra = [
      dropped > 0 ? `${dropped} rows dropped by cleaning` : '',
      disagree > 0 ? `${disagree} rows' Cluster differs from this model's assignment (a file from another model?); drawn as the model assigns them` : '',
    ].filter(Boolean);
    return { training, note: `chart shows ${training.data.n} training customers from ${path}${extra.length ? ` (${extra.join('; ')})` : ''}` };
  } catch (e) {
    return { note: `${path} unusable (${(e as Error).message.split('\n')[0]}): chart shows segment centres only` };
  }
}

cliMain(async () => {
  const values = parseFlags(
    {
      port: { type: 'string' },
      host: { type: 'string' },
      model: { type: 'string' },
      'data-dir': { type: 'string' },
      log: { type: 'boolean' },
    },
    HELP,
  );
  if (values === null) return;
  const { host = '127.0.0.1', model: modelPath = 'data/models/clustering_model.json', 'data-dir': dataDir = 'data/processed' } = values;
  const port = intOption(values.port, '--port') ?? 8000;
  if (port < 0 || port > 65535) throw new OptionsError(`--port must be 0-65535, got ${port}`, 'port');

  const model = await loadModel(modelPath);
  const { training, note } = loadTraining(dataDir, model);
  const figure = pageFigure({ model, training });
  const plotlyJs = figure ? plotlyScript({ bundle: bundleFor([figure]) }) : '';
  const app = buildApp({ model, training, plotlyJs, logger: values.log ?? false });
  let address: string;
  try {
    address = await app.listen({ port, host });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new OptionsError(`Cannot listen on ${host}:${port} (${code}); choose another --port or --host`, 'port');
    throw e;
  }
  console.log(`Serving ${modelPath} (table ${model.schema.name ?? 'custom'}, k=${model.k}, ${model.dataHash.slice(0, 19)}…) at ${address}  [${note}]`);

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
