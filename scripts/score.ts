/**
 * npm run score -- --model PATH --data FILE.csv|FILE.parquet --out FILE.csv
 * Scores a file of any size in bounded memory (streaming), with the same answers as `predict`.
 */
import { rename, writeFile } from 'node:fs/promises';
import {
  isUserError,
  OptionsError,
  loadModel,
  ProgressDisplay,
  tempPathBeside,
  checkScoreOutput,
  scoreFile,
  scoreTransactions,
} from '../src';
import { cliMain, parseFlags } from './cli';

const HELP = `Usage: npm run score -- --model PATH --data FILE.csv|FILE.parquet --out FILE.csv
  --model PATH   the saved model (default data/models/clustering_model.json)
  --data FILE    the customers to score: CSV or Parquet, columns named as in the model's schema (others ignored)
  --out FILE     where to write id, cluster, label, distance, outlier, error (one line per input row)
  --no-csv-guard write text cells starting with = + - @ as they are (default: with a leading ' so spreadsheets
                 do not run them as formulas)
       npm run score -- --model PATH --transactions --data new_orders.csv|.parquet [--as-of YYYY-MM-DD] --out FILE.csv
  --transactions the model was trained on orders: the file holds orders (the model's column names), aggregated per
                 customer first; writes the id, the features, cluster, label, distance, outlier, R, F, M, RFM,
                 rfm_segment, one line per customer
  --as-of DATE   with --transactions (default: the day after the last date in the file)`;

cliMain(async () => {
  const values = parseFlags(
    {
      model: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      'no-csv-guard': { type: 'boolean' },
      transactions: { type: 'boolean' },
      'as-of': { type: 'string' },
    },
    HELP,
  );
  if (values === null) return;
  if (!values.data) throw new OptionsError('--data FILE is required: the CSV or Parquet file to score', 'data');
  if (!values.out) throw new OptionsError('--out FILE is required: where to write the scores', 'out');
  const model = await loadModel(values.model ?? 'data/models/clustering_model.json');
  if (values['as-of'] !== undefined && !values.transactions) throw new OptionsError('--as-of is for --transactions', 'as-of');
  if (values.transactions) {
    checkScoreOutput(values.data, values.out);
    const result = await scoreTransactions(model, { source: { file: values.data }, asOf: values['as-of'], csvGuard: !values['no-csv-guard'] });
    const temp = tempPathBeside(values.out);
    await writeFile(temp, result.csv);
    await rename(temp, values.out);
    console.log(`scored ${result.customers} customers from ${result.checks.linesUsed} of ${result.checks.linesRead} order lines (as of ${result.checks.asOf}) into ${values.out}`);
    for (const w of result.warnings) console.log(`  ${w}`);
    return;
  }
  const started = performance.now();
  const display = new ProgressDisplay();
  const result = await scoreFile(model, values.data, values.out, {
    csvGuard: !values['no-csv-guard'],
    onProgress: (p) => display.update({ phase: 'scoring', done: p.done, total: p.total, unit: p.unit, rows: p.unit === 'rows' ? undefined : p.rows }),
  });
  display.end();
  console.log(`scored ${result.scored} of ${result.rows} rows into ${values.out} in ${((performance.now() - started) / 1000).toFixed(2)} s` + (result.refused ? `; ${result.refused} refused, e.g. ${result.examples[0]}` : '') + (result.flagged ? `; ${result.flagged} scored with warnings (see the warnings column)` : ''));
}, isUserError);
