/**
 * npm run notebooks -- [--data PATH] [--schema FILE.json] [--features A,B] [--id COL] [--categorical X,Y] [--seed S] [--k-min A] [--k-max B] [--out DIR] [--notebook FILE ...] [--jupyter WHICH]
 * Executes notebooks/preprocessing.ipynb then notebooks/modeling.ipynb headless on the project's tslab kernel and
 * writes the executed notebooks and their HTML to <out>/reports/notebooks/. Exits 1 naming the failing cell.
 */
import { isUserError, NotebookRunError, runNotebooks } from '../src';
import { cliMain, intOption, listOption, parseFlags } from './cli';

const HELP = `Usage: npm run notebooks -- [--data PATH] [--schema FILE.json] [--features A,B,C] [--id COL] [--categorical X,Y]
       [--seed S] [--k-min A] [--k-max B] [--out DIR] [--notebook FILE ...] [--jupyter WHICH]
  --data PATH   raw CSV (default data/raw/Mall_Customers.csv)
  --schema FILE.json, --features A,B,C, --id COL, --categorical X,Y
                the table's description, as npm run report (names as in the CSV header; a flag wins over the file;
                without them the file must have the Mall columns)
  --seed S      random seed (default 42)
  --k-min A, --k-max B   sweep range (default 2..10)
  --out DIR     outputs under DIR (default: the project root): reports/notebooks/*.ipynb|html, data/processed, data/models
  --notebook FILE   run only this notebook (repeatable, in order; default: preprocessing then modeling)
  --jupyter WHICH   auto (default, or env SEGMENTATION_JUPYTER): .venv/bin/jupyter (npm run jupyter:setup) when present,
                    else jupyter on PATH; venv; system (PATH outside .venv, e.g. Debian's nbconvert 6.5); or a path`;

cliMain(async () => {
  const values = parseFlags(
    {
      data: { type: 'string' },
      schema: { type: 'string' },
      features: { type: 'string' },
      id: { type: 'string' },
      categorical: { type: 'string' },
      seed: { type: 'string' },
      'k-min': { type: 'string' },
      'k-max': { type: 'string' },
      out: { type: 'string' },
      notebook: { type: 'string', multiple: true },
      jupyter: { type: 'string' },
    },
    HELP,
  );
  if (values === null) return;
  const results = await runNotebooks({
    data: values.data,
    schema: values.schema,
    columns: { features: listOption(values.features), id: values.id, categorical: listOption(values.categorical) },
    seed: intOption(values.seed, '--seed'),
    kMin: intOption(values['k-min'], '--k-min'),
    kMax: intOption(values['k-max'], '--k-max'),
    out: values.out,
    notebooks: values.notebook,
    jupyter: values.jupyter,
    onProgress: (m) => process.stderr.write(`${m}\n`),
  });
  for (const r of results) console.log(`wrote ${r.ipynb} and ${r.html}`);
}, (e) => isUserError(e) || e instanceof NotebookRunError);
