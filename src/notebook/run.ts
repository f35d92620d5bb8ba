import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, delimiter, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { OptionsError } from '../util/errors';
import { applyParameters, findCellErrors, parseNotebook, stripAnsi, type ParameterValue } from './ipynb';
import { JUPYTER_ENV, resolveJupyter, type JupyterChoice, type JupyterCommand } from './jupyterEnv';
import { KERNEL_NAME, installKernelSpec } from './kernelspec';

const run = promisify(execFile);

/** The project root: the folder above src/ (defined here so the runner does not load the model code). */
const PROJECT_ROOT = resolve(__dirname, '..', '..');
/** The notebooks' default data file, relative to the project root (as `npm run report`). */
const DEFAULT_DATA = 'data/raw/Mall_Customers.csv';

/** The notebooks, in the order they run (modeling reads what preprocessing writes). */
export const NOTEBOOKS = ['preprocessing', 'modeling'] as const;
/** Where executed notebooks and their HTML go, under `out`. */
export const NOTEBOOK_OUTPUT_DIR = 'reports/notebooks';
/** Jupyter data folder of the project (gitignored); the runner puts it on JUPYTER_PATH. */
export const PROJECT_JUPYTER_DIR = '.jupyter';

/** A notebook run that could not finish: Jupyter missing, the kernel not starting, or a cell raising. */
export class NotebookRunError extends Error {
  override name = 'NotebookRunError';
  constructor(
    message: string,
    /** Notebook file (e.g. notebooks/modeling.ipynb), when one was running. */
    readonly notebook?: string,
    /** 1-based cell number of the first failing cell. */
    readonly cell?: number,
  ) {
    super(message);
  }
}

/** Options of {@link runNotebooks}; `npm run notebooks` flags map one to one. */
export interface NotebookRunOptions {
  /** Raw CSV the notebooks read. Default: data/raw/Mall_Customers.csv under the project root. */
  data?: string;
  /** Schema JSON file describing the table (`--schema`), written into SCHEMA. Default: null (the Mall schema for the Mall columns). */
  schema?: string;
  /** Clustering features, id and categorical columns (`--features a,b`, `--id c`, `--categorical x,y`), written into
   * FEATURES, ID and CATEGORICAL; each wins over the schema file. Default: null (the schema's). */
  columns?: { features?: readonly string[]; id?: string; categorical?: readonly string[] };
  /** Seed for k-means++ and sampling. Default: the notebooks' own (42). */
  seed?: number;
  /** Sweep range. Default: the notebooks' own (2..10). */
  kMin?: number;
  kMax?: number;
  /** Folder outputs go under (data/processed, data/models, reports/notebooks), as `npm run report --out`. Default: the project root. */
  out?: string;
  /** Seconds one cell may run. Default 900. */
  cellTimeout?: number;
  /** Notebooks to run, in order. Default: notebooks/preprocessing.ipynb then notebooks/modeling.ipynb. */
  notebooks?: readonly string[];
  /**
   * Which Jupyter runs nbconvert: 'auto' (the project's `.venv/` from `npm run jupyter:setup`, nbconvert 7, when
   * installed, else `jupyter` on PATH), 'venv', 'system' (PATH, skipping `.venv`, e.g. Debian's nbconvert 6.5) or the
   * path of a `jupyter` executable. Default: env SEGMENTATION_JUPYTER, else 'auto'.
   */
  jupyter?: JupyterChoice;
  /** Progress lines. Default: none. */
  onProgress?: (message: string) => void;
}

/** One executed notebook. */
export interface ExecutedNotebook {
  name: string;
  /** Absolute paths of the executed notebook and its HTML export. */
  ipynb: string;
  html: string;
  /** Wall-clock seconds of execution (kernel start included) and of the HTML export. */
  seconds: number;
  htmlSeconds: number;
  /** The `jupyter` that ran it and its nbconvert version (e.g. "7.17.2"). */
  jupyter: JupyterCommand & { nbconvert: string };
}

/**
 * Executes notebooks/preprocessing.ipynb then notebooks/modeling.ipynb headless with `jupyter nbconvert --execute`
 * on the project tslab kernel (written to <root>/.jupyter first), with the given data path, schema file and column
 * flags (null when not given), seed and k range written into each notebook's "parameters" cell, and writes the
 * executed `.ipynb` plus an HTML export to `<out>/reports/notebooks/`. Stops at the first notebook with an error output.
 *
 * @throws NotebookRunError naming the notebook and cell when a cell raises, or when Jupyter is missing.
 * @throws OptionsError for a data or schema file that does not exist or a bad k range.
 */
export async function runNotebooks(options: NotebookRunOptions = {}): Promise<ExecutedNotebook[]> {
  const {
    data = join(PROJECT_ROOT, DEFAULT_DATA),
    schema,
    columns = {},
    seed,
    kMin,
    kMax,
    out = PROJECT_ROOT,
    cellTimeout = 900,
    notebooks = NOTEBOOKS.map((n) => join(PROJECT_ROOT, 'notebooks', `${n}.ipynb`)),
    jupyter: choice = process.env[JUPYTER_ENV] || 'auto',
    onProgress = () => {},
  } = options;
  const dataPath = resolve(data);
  if (!existsSync(dataPath))
    throw new OptionsError(`data file not found: ${dataPath}; download Mall_Customers.csv into data/raw/ (see README) or pass --data PATH`, 'data');
  if (kMin !== undefined && kMax !== undefined && kMin > kMax)
    throw new OptionsError(`--k-min ${kMin} is larger than --k-max ${kMax}`, 'kMin');
  const schemaPath = schema === undefined ? null : resolve(schema);
  if (schemaPath !== null && !existsSync(schemaPath)) throw new OptionsError(`schema file not found: ${schemaPath}; pass --schema <path to a schema JSON file>`, 'schema');
  const outDir = resolve(out);
  const params: Record<string, ParameterValue> = {
    DATA_PATH: dataPath,
    OUT_DIR: outDir,
    SCHEMA: schemaPath,
    FEATURES: columns.features ?? null,
    ID: columns.id ?? null,
    CATEGORICAL: columns.categorical ?? null,
  };
  if (seed !== undefined) params.SEED = seed;
  if (kMin !== undefined) params.K_MIN = kMin;
  if (kMax !== undefined) params.K_MAX = kMax;

  const found = resolveJupyter(choice, { root: PROJECT_ROOT });
  const jupyterDir = join(PROJECT_ROOT, PROJECT_JUPYTER_DIR);
  await installKernelSpec({ root: PROJECT_ROOT, dataDir: jupyterDir });
  const env = {
    ...process.env,
    JUPYTER_PATH: [jupyterDir, process.env.JUPYTER_PATH].filter(Boolean).join(delimiter),
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  const jupyter = { ...found, nbconvert: await nbconvertVersion(found.command, env) };
  onProgress(`nbconvert ${jupyter.nbconvert} (${displayPath(jupyter.command)})`);

  const reportDir = join(outDir, NOTEBOOK_OUTPUT_DIR);
  await mkdir(reportDir, { recursive: true });
  const results: ExecutedNotebook[] = [];
  // Table parameters left at null need not be declared (a small notebook may not read the table at all).
  const unused = new Set(Object.keys(params).filter((p) => p !== 'DATA_PATH' && p !== 'OUT_DIR' && params[p] !== null));
  for (const file of notebooks) {
    const name = basename(file, '.ipynb');
    const source = displayPath(resolve(file), PROJECT_ROOT);
    if (!existsSync(file)) throw new OptionsError(`notebook not found: ${source}`, 'notebooks');
    const original = parseNotebook(await readFile(file, 'utf8'), source);
    const { notebook, applied } = applyParameters(original, params, source);
    applied.forEach((p) => unused.delete(p));
    const ipynb = join(reportDir, `${name}.ipynb`);
    await writeFile(ipynb, JSON.stringify(notebook, null, 1) + '\n');

    onProgress(`executing ${source}`);
    const t0 = performance.now();
    await nbconvert(
      jupyter.command,
      ['--to', 'notebook', '--execute', '--inplace', '--allow-errors', `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
        `--ExecutePreprocessor.timeout=${cellTimeout}`, '--ExecutePreprocessor.startup_timeout=120', ipynb],
      env,
      source,
    );
    const seconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await nbconvert(jupyter.command, ['--to', 'html', '--output-dir', reportDir, ipynb], env, source);
    const html = join(reportDir, `${name}.html`);
    const result = { name, ipynb, html, seconds, htmlSeconds: (performance.now() - t1) / 1000, jupyter };
    results.push(result);
    onProgress(`${source}: executed in ${seconds.toFixed(1)} s, HTML in ${result.htmlSeconds.toFixed(1)} s`);

    const errors = findCellErrors(parseNotebook(await readFile(ipynb, 'utf8'), ipynb));
    if (errors.length > 0) {
      const e = errors[0];
      const more = errors.length > 1 ? ` (+${errors.length - 1} more error output(s))` : '';
      throw new NotebookRunError(
        `${source} cell ${e.cell} [${e.firstLine}] failed: ${e.ename}: ${e.evalue}${more}; see ${displayPath(ipynb)}`,
        source,
        e.cell,
      );
    }
  }
  if (unused.size > 0)
    throw new NotebookRunError(`no notebook run declares parameter(s) ${[...unused].join(', ')} in its "parameters" cell`);
  return results;
}

async function nbconvertVersion(jupyter: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    return (await run(jupyter, ['nbconvert', '--version'], { env })).stdout.trim();
  } catch {
    throw new NotebookRunError(
      `${jupyter} nbconvert does not run; install Jupyter (npm run jupyter:setup, or apt-get install jupyter-nbconvert python3-nbclient) and retry`,
    );
  }
}

async function nbconvert(jupyter: string, args: string[], env: NodeJS.ProcessEnv, source: string): Promise<void> {
  try {
    await run(jupyter, ['nbconvert', ...args], { env, cwd: PROJECT_ROOT, maxBuffer: 1 << 26 });
  } catch (e) {
    const stderr = stripAnsi(String((e as { stderr?: string }).stderr ?? ''));
    const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^\d+\.\d+s - |Debugger warning|frozen_modules|^\[NbConvertApp\]/.test(l));
    const reason = lines.filter((l) => /Error|error|failed|Timeout|died/.test(l)).pop() ?? lines.pop() ?? (e as Error).message;
    throw new NotebookRunError(`${source}: jupyter nbconvert failed: ${reason}`, source);
  }
}

function displayPath(p: string, from = process.cwd()): string {
  const r = relative(from, p);
  return r.startsWith('..') ? p : r;
}
