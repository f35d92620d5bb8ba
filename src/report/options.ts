// The report run's options: what a caller may set, the defaults, and the checks made before any work.
import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { SchemaChoice } from '../data/schema';
import type { TransactionsSpec } from '../data/transactions/sql';
import type { TransformChoice } from '../features/transform';
import { sameFile } from '../io/atomic';
import { OUTPUTS } from '../io/layout';
import type { ProgressEvent } from '../io/progress';
import type { BackendName } from '../model/backend';
import type { KRule } from '../model/selectK';
import type { Renderer } from '../browser/render';
import { OptionsError } from '../util/errors';
import { DEFAULT_SEED } from '../util/random';
import type { Summary } from './types';

/** The project root: the folder above src/. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** Options of {@link runReport}; the CLI flags map one to one. */
export interface ReportOptions {
  /** CSV to read. Default: data/raw/Mall_Customers.csv in the working directory; when absent there, built-in synthetic data. */
  data?: string;
  /** Schema JSON file describing the table (`--schema`). Default: none (the Mall schema for the Mall columns). */
  schemaFile?: string;
  /** Clustering features, id and categorical columns (`--features`, `--id`, `--categorical`); win over the file. */
  columns?: Omit<SchemaChoice, 'schema'>;
  /** Columns of the 2D chart (`--plot-x`, `--plot-y`). Default: the schema's `plot`, else the two features that
   * best separate the segments. */
  plot?: { x?: string; y?: string };
  /** Folder all outputs go under. Default: the project root. */
  out?: string;
  /** Fixed k (overrides the sweep). Default: none. */
  k?: number;
  /** Sweep range. Default 2..10. */
  kMin?: number;
  kMax?: number;
  /** Transforms of numeric features (`--transform`): 'auto' or per column, on top of the schema's. Default: the schema's. */
  transform?: TransformChoice;
  /** How k is chosen (`--k-rule`, see KRule). Default 'stable-silhouette'. */
  kRule?: KRule;
  /** Smallest share of customers every segment of the chosen k must hold (`--min-segment-share`). Default 0.02. */
  minSegmentShare?: number;
  /** Random seed for k-means++ and sampling. Default 42. */
  seed?: number;
  /** TensorFlow.js backend: 'auto', 'native', 'wasm' or 'cpu'. Default: env SEGMENTATION_BACKEND, else 'auto'. */
  backend?: BackendName | 'auto';
  /**
   * Most threads of the k-means and silhouette (`--threads`); 1 = in-process only. Default: env SEGMENTATION_THREADS,
   * else every core. The outputs are the same for every thread count (see SweepOptions.threads).
   */
  threads?: number;
  /** Write text cells starting with = + - @ tab or CR in the CSV outputs with a leading ' so spreadsheets show them as
   * text, not formulas (`--no-csv-guard` turns it off). Default true. */
  csvGuard?: boolean;
  /** Render PNG figures in headless Chromium (HTML figures are always written). Default true; without a browser the
   * report still finishes and says how to enable PNGs. */
  png?: boolean;
  /**
   * A renderer already being started (the CLI starts the browser before it loads the model code, to take it off the
   * critical path); runReport closes it when done. Default: started here with {@link REPORT_RENDERER} when `png`.
   */
  renderer?: Promise<{ renderer: Renderer | null; reason?: string }>;
  /**
   * Do not wait for the browser to exit after the outputs are written (for a command that exits right after;
   * see Renderer.close). Default false.
   */
  detachBrowser?: boolean;
  /**
   * The data file is an orders table (`--transactions --customer COL --date COL --amount COL [--order COL]
   * [--quantity COL] [--as-of DATE] [--date-format FMT]`): aggregated per customer in DuckDB first, then clustered on
   * recency_days, frequency and monetary (log1p on the last two), with RFM scores beside. `db` and `table`/`sql`
   * read the orders from a DuckDB database file instead of `data`. Default: the schema file's `transactions`, else none.
   */
  transactions?: TransactionsSpec & { db?: string; table?: string; sql?: string };
  /** Progress of each phase: work done, total and rows (the CLI draws it with ProgressDisplay). Default: none. */
  onProgress?: (event: ProgressEvent) => void;
  /** Notes and warnings as they come ("NOTE: ...", "WARNING: ..."; all are also in the summary). Default: none. */
  onMessage?: (text: string) => void;
}

/** What a finished run returns. */
export interface ReportResult {
  summary: Summary;
  /** Absolute paths of the files written. */
  files: string[];
}

/** {@link ReportOptions} with the defaults the run phases share applied (the others stay optional). */
export type ReportSettings = ReportOptions &
  Required<Pick<ReportOptions, 'out' | 'kMin' | 'kMax' | 'seed' | 'png' | 'csvGuard' | 'onProgress' | 'onMessage'>>;

/** Applies the defaults documented on {@link ReportOptions}, in one place. */
export function reportSettings(options: ReportOptions): ReportSettings {
  const { out = PROJECT_ROOT, kMin = 2, kMax = 10, seed = DEFAULT_SEED, png = true, onProgress = () => {}, onMessage = () => {} } = options;
  return { ...options, out, kMin, kMax, seed, png, csvGuard: options.csvGuard ?? true, onProgress, onMessage };
}

/**
 * Refuses an output folder that is a file, and one whose outputs would replace the input file (same device and inode,
 * through any symbolic or hard link): checked before any work, so the input is never touched.
 */
export function checkOutputFolder(out: string, data: string | undefined): void {
  try {
    if (!statSync(out).isDirectory()) throw new OptionsError(`--out ${out} is a file, not a folder; pass --out <a folder> (it is created when missing)`, 'out');
  } catch (e) {
    if (e instanceof OptionsError) throw e;
  }
  if (data === undefined) return;
  for (const rel of Object.values(OUTPUTS)) {
    const target = join(out, rel);
    if (sameFile(target, data)) {
      throw new OptionsError(`--data ${data} is the output file ${target} of --out ${out}; a run would replace its own input. Copy the input elsewhere or pass another --out`, 'out');
    }
  }
}

/** A path as the summary and messages show it: relative to the working directory when under it, else absolute. */
export function relativeOrAbsolute(p: string): string {
  const r = relative(process.cwd(), resolve(p));
  return r.startsWith('..') ? resolve(p) : r;
}
