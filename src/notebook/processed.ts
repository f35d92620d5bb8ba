/**
 * The modeling notebook's input: data/processed/preprocessed_data.csv (written by the preprocessing notebook) read
 * back and checked against the raw file it came from, so the model is fitted on exactly what preprocessing wrote
 * while profiles still see the customers' raw values. Works for any schema: the file's first column is the id, then
 * one integer code per categorical column, then one standardized column per clustering column (see preprocessedCsv).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { dataHash } from '../data/hash';
import { loadCustomersCsv } from '../data/load';
import { categoricalColumns, type SchemaChoice } from '../data/schema';
import { DataError } from '../util/errors';
import { categoryCodes } from '../features/encode';
import type { Matrix } from '../util/matrix';
import { cleanCustomers } from '../data/clean';
import { applyTransforms } from '../features/transform';
import { prepareFeatures, type PreprocessOptions, type Preprocessed } from '../segmentation/pipeline';
import { idColumn } from '../report/tables';

/** preprocessed_data.csv as read. */
export interface ProcessedTable {
  source: string;
  /** Name of the id column (the file's first column: the schema's id, or "row"). */
  idColumn: string;
  /** Id of each row, as written, length n. */
  ids: string[];
  /** The categorical columns found, in file order. */
  categorical: string[];
  /** Integer code of each row per categorical column (index in the column's values; see categoryCodes), length n each. */
  codes: Record<string, number[]>;
  /** The standardized clustering columns, in file order. */
  features: string[];
  /** Standardized values, shape [n, features.length]. */
  scaled: Matrix;
}

/** Options of {@link parseProcessedCsv}. */
export interface ParseProcessedOptions {
  /** Name used in messages. Default 'preprocessed_data.csv'. */
  source?: string;
  /** Columns read as integer category codes (the schema's categorical columns); every one must be present. Default: none. */
  categorical?: readonly string[];
}

const RERUN = 're-run notebooks/preprocessing.ipynb';

/**
 * Parses the text of preprocessed_data.csv: the first column is the id, the `categorical` columns are integer codes,
 * every other column is a standardized clustering column. Pure.
 * @throws DataError naming `source` when a categorical column or every feature column is missing, or a cell is not
 * a number (a code: not a non-negative integer).
 */
export function parseProcessedCsv(text: string, options: ParseProcessedOptions = {}): ProcessedTable {
  const { source = 'preprocessed_data.csv', categorical: expectedCategorical = [] } = options;
  const rows = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  const header = rows[0] ?? [];
  const records = rows.slice(1);
  const categorical = header.filter((h, i) => i > 0 && expectedCategorical.includes(h));
  const features = header.filter((h, i) => i > 0 && !expectedCategorical.includes(h));
  const missing = expectedCategorical.filter((c) => !header.includes(c));
  if (header.length === 0 || missing.length > 0 || features.length === 0)
    throw new DataError(
      `${source} lacks ${[...missing, ...(features.length ? [] : ['any feature column'])].join(', ')} (found: ${header.join(', ') || 'nothing'}); ${RERUN}`,
      source,
    );
  const at = new Map(header.map((h, i) => [h, i] as const));
  const cell = (r: string[], column: string) => r[at.get(column) as number] ?? '';
  const number = (r: string[], column: string, i: number) => {
    const text = cell(r, column);
    const v = Number(text);
    if (text === '' || !Number.isFinite(v)) throw new DataError(`${source} row ${i + 2}, column "${column}": "${text}" is not a number; ${RERUN}`, source);
    return v;
  };
  const code = (r: string[], column: string, i: number) => {
    const v = number(r, column, i);
    if (!Number.isInteger(v) || v < 0) throw new DataError(`${source} row ${i + 2}, column "${column}": "${cell(r, column)}" is not a category code (0, 1, ...); ${RERUN}`, source);
    return v;
  };
  const data = new Float64Array(records.length * features.length);
  records.forEach((r, i) => features.forEach((f, j) => (data[i * features.length + j] = number(r, f, i))));
  return {
    source,
    idColumn: header[0],
    ids: records.map((r) => r[0] ?? ''),
    categorical,
    codes: Object.fromEntries(categorical.map((c) => [c, records.map((r, i) => code(r, c, i))])),
    features,
    scaled: { rows: records.length, cols: features.length, data },
  };
}

/**
 * The first difference between a processed table and preprocessing of the raw data, as a sentence, or null when
 * they agree (same id column, categorical and clustering columns; same customers in the same order; same category
 * codes; standardized values within `tolerance`). Pure.
 */
export function processedMismatch(processed: ProcessedTable, prep: Preprocessed, tolerance = 1e-9): string | null {
  const { data } = prep;
  const idName = idColumn(data);
  const categorical = categoricalColumns(data.schema);
  if (processed.idColumn !== idName) return `the id column is "${processed.idColumn}", expected "${idName}"`;
  if (processed.categorical.join() !== categorical.join())
    return `categorical columns differ (${processed.categorical.join(', ') || 'none'} vs ${categorical.join(', ') || 'none'})`;
  if (processed.features.join() !== prep.features.join()) return `features differ (${processed.features.join(', ')} vs ${prep.features.join(', ')})`;
  if (processed.ids.length !== data.n) return `${processed.ids.length} rows vs ${data.n} clean customers`;
  const codes = Object.fromEntries(categorical.map((c) => [c, categoryCodes(data.schema, data.categorical[c], c)]));
  for (let i = 0; i < data.n; i++) {
    const id = String(data.ids[i]);
    if (processed.ids[i] !== id) return `row ${i + 1} is ${idName} ${processed.ids[i]}, expected ${id}`;
    for (const c of categorical)
      if (processed.codes[c][i] !== codes[c][i]) return `${idName} ${id} ${c} code ${processed.codes[c][i]}, expected ${codes[c][i]}`;
    for (let j = 0; j < prep.features.length; j++) {
      const a = processed.scaled.data[i * processed.scaled.cols + j];
      const b = prep.scaled.data[i * prep.scaled.cols + j];
      if (!(Math.abs(a - b) <= tolerance)) return `${idName} ${id} ${prep.features[j]} is ${a}, expected ${b}`;
    }
  }
  return null;
}

/** Options of {@link loadPreprocessed}. */
export interface LoadPreprocessedOptions {
  /** preprocessed_data.csv written by the preprocessing notebook. Required. */
  processed: string;
  /** The raw CSV it was made from (for raw values in profiles and the data hash). Required. */
  raw: string;
  /** The schema and column flags the preprocessing notebook used (see resolveSchema). Default: none (the Mall schema
   * for a table with the Mall columns). */
  schema?: SchemaChoice;
  /** Preprocessing options the preprocessing notebook used. Default: as `preprocess` (drop rows with missing cells). */
  preprocess?: PreprocessOptions;
}

/** What the modeling notebook starts from. */
export interface LoadedPreprocessed {
  /** Preprocessing of the raw file, verified equal to the processed file. */
  prep: Preprocessed;
  /** The processed file as read. */
  processed: ProcessedTable;
  /** dataHash of the raw file's text (the same hash `npm run report` records). */
  hash: string;
  /** Warnings about skewed features with the suggested transform (the same notes `npm run report` prints). */
  skewWarnings: string[];
}

/**
 * Reads preprocessed_data.csv and the raw CSV, re-runs `preprocess` on the raw data with the same schema and checks
 * that it gives the processed file's columns, rows and values, so a stale or edited processed file (or one made with
 * other columns) is caught before modeling.
 *
 * @throws DataError when either file is missing or unreadable, or naming the first difference when they disagree;
 * the errors of loadCustomersCsv for the raw file and the schema.
 */
export async function loadPreprocessed(options: LoadPreprocessedOptions): Promise<LoadedPreprocessed> {
  const { processed: processedPath, raw, schema, preprocess: preprocessOptions = {} } = options;
  let processedText: string;
  try {
    processedText = await readFile(processedPath, 'utf8');
  } catch {
    throw new DataError(`${processedPath} cannot be read; run notebooks/preprocessing.ipynb first (it writes this file)`, processedPath);
  }
  const { table, text } = await loadCustomersCsv(raw, { schema });
  // The schema's transforms, and the skew notes the report gives (see applyTransforms).
  const transformed = applyTransforms(cleanCustomers(table, preprocessOptions.clean));
  const prep = prepareFeatures(transformed.cleaning);
  const processed = parseProcessedCsv(processedText, { source: processedPath, categorical: categoricalColumns(prep.data.schema) });
  const mismatch = processedMismatch(processed, prep);
  if (mismatch)
    throw new DataError(`${processedPath} does not match preprocessing of ${raw}: ${mismatch}; re-run notebooks/preprocessing.ipynb on this data with the same schema`, processedPath);
  return { prep, processed, hash: dataHash(text), skewWarnings: transformed.warnings };
}

/** Options of {@link processedRecords}. */
export interface ProcessedRecordsOptions {
  /** Rows from the top. Default: all. */
  count?: number;
}

/**
 * Rows of a processed table as records keyed by the file's column names (id as text, codes, standardized values), for
 * showing the file in a notebook. Pure.
 */
export function processedRecords(processed: ProcessedTable, options: ProcessedRecordsOptions = {}): Record<string, string | number>[] {
  const { count = processed.ids.length } = options;
  const { cols, data } = processed.scaled;
  return processed.ids.slice(0, count).map((id, i) => {
    const row: Record<string, string | number> = { [processed.idColumn]: id };
    for (const c of processed.categorical) row[c] = processed.codes[c][i];
    processed.features.forEach((f, j) => (row[f] = data[i * cols + j]));
    return row;
  });
}
