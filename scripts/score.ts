/**
 * npm run score -- --model PATH --data FILE.csv|FILE.parquet --out FILE.csv
 * Scores a file of any size in bounded memory (streaming), with the same answers as `predict`.
 */
import { isUserError, OptionsError } from '../src/errors';
import { loadModel } from '../src/io/modelFile';
import { scoreFile } from '../src/io/score';
import { cliMain, parseFlags } from './cli';

const HELP = `Usage: npm run score -- --model PATH --data FILE.csv|FILE.parquet --out FILE.csv
  --model PATH   the saved model (default data/models/clustering_model.json)
  --data FILE    the customers to score: CSV or Parquet, columns named as in the model's schema (others ignored)
  --out FILE     where to write id, cluster, label, distance, outlier, error (one line per input row)`;

cliMain(async () => {
  const values = parseFlags({ model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' } }, HELP);
  if (values === null) return;
  if (!values.data) throw new OptionsError('--data FILE is required: the CSV or Parquet file to score', 'data');
  if (!values.out) throw new OptionsError('--out FILE is required: where to write the scores', 'out');
  const model = await loadModel(values.model ?? 'data/models/clustering_model.json');
  const started = performance.now();
  const tty = process.stderr.isTTY;
  const result = await scoreFile(model, values.data, values.out, {
    onProgress: (rows) => {
      if (tty) process.stderr.write(`\r\x1b[2Kscoring: ${rows.toLocaleString('en-US')} rows, ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
  });
  if (tty) process.stderr.write('\r\x1b[2K');
  console.log(`scored ${result.scored} of ${result.rows} rows into ${values.out} in ${((performance.now() - started) / 1000).toFixed(2)} s` + (result.refused ? `; ${result.refused} refused, e.g. ${result.examples[0]}` : ''));
}, isUserError);
