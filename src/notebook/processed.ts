/**
 * The modeling notebook's input: data/processed/preprocessed_data.csv (written by the preprocessing notebook) read
 * back and checked against the raw file it came from, so the model is fitted on exactly what preprocessing wrote
 * while profiles still see the customers' raw values.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { dataHash } from '../data/hash';
import { loadCustomersCsv } from '../data/load';
import { COLUMNS, NUMERIC_FEATURES, type FeatureName } from '../data/schema';
import { DataError } from '../errors';
import { encodeGender } from '../features/encode';
import type { Matrix } from '../model/matrix';
import { preprocess, type PreprocessOptions, type Preprocessed } from '../pipeline';

/** preprocessed_data.csv as numbers. */
export interface ProcessedTable {
  source: string;
  ids: number[];
  /** Gender codes (Female 0, Male 1), length n. */
  gender: number[];
  /** The standardized feature columns found, in file order. */
  features: FeatureName[];
  /** Standardized values, shape [n, features.length]. */
  scaled: Matrix;
}

/**
 * Parses the text of preprocessed_data.csv (CustomerID, Gender code, one standardized column per feature). Pure.
 * @throws DataError naming `source` when a column is missing or a cell is not a number.
 */
export function parseProcessedCsv(text: string, source = 'preprocessed_data.csv'): ProcessedTable {
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const header = records.length ? Object.keys(records[0]) : text.split(/\r?\n/)[0].split(',');
  const features = NUMERIC_FEATURES.filter((f) => header.includes(f));
  const missing = [COLUMNS.id, COLUMNS.gender].filter((c) => !header.includes(c));
  if (missing.length || features.length === 0)
    throw new DataError(
      `${source} lacks ${[...missing, ...(features.length ? [] : ['any feature column'])].join(', ')} (found: ${header.join(', ')}); re-run notebooks/preprocessing.ipynb`,
      source,
    );
  const number = (r: Record<string, string>, column: string, i: number) => {
    const v = Number(r[column]);
    if (r[column] === '' || !Number.isFinite(v))
      throw new DataError(`${source} row ${i + 2}, column "${column}": "${r[column]}" is not a number; re-run notebooks/preprocessing.ipynb`, source);
    return v;
  };
  const data = new Float64Array(records.length * features.length);
  records.forEach((r, i) => features.forEach((f, j) => (data[i * features.length + j] = number(r, f, i))));
  return {
    source,
    ids: records.map((r, i) => number(r, COLUMNS.id, i)),
    gender: records.map((r, i) => number(r, COLUMNS.gender, i)),
    features,
    scaled: { rows: records.length, cols: features.length, data },
  };
}

/**
 * The first difference between a processed table and preprocessing of the raw data, as a sentence, or null when
 * they agree (same customers in the same order, same gender codes, same features, values within `tolerance`). Pure.
 */
export function processedMismatch(processed: ProcessedTable, prep: Preprocessed, tolerance = 1e-9): string | null {
  if (processed.features.join() !== prep.features.join())
    return `features differ (${processed.features.join(', ')} vs ${prep.features.join(', ')})`;
  if (processed.ids.length !== prep.customers.length)
    return `${processed.ids.length} rows vs ${prep.customers.length} clean customers`;
  for (let i = 0; i < processed.ids.length; i++) {
    const c = prep.customers[i];
    if (processed.ids[i] !== c.id) return `row ${i + 1} is CustomerID ${processed.ids[i]}, expected ${c.id}`;
    if (processed.gender[i] !== encodeGender(c.gender))
      return `CustomerID ${c.id} Gender code ${processed.gender[i]}, expected ${encodeGender(c.gender)}`;
    for (let j = 0; j < prep.features.length; j++) {
      const a = processed.scaled.data[i * processed.scaled.cols + j];
      const b = prep.scaled.data[i * prep.scaled.cols + j];
      if (Math.abs(a - b) > tolerance) return `CustomerID ${c.id} ${prep.features[j]} is ${a}, expected ${b}`;
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
  /** Preprocessing options the preprocessing notebook used. Default: as `preprocess` (3 features, drop rows). */
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
}

/**
 * Reads preprocessed_data.csv and the raw CSV, re-runs `preprocess` on the raw data and checks that it gives the
 * processed file's rows and values, so a stale or edited processed file is caught before modeling.
 *
 * @throws DataError when either file is missing or unreadable, or naming the first difference when they disagree.
 */
export async function loadPreprocessed(options: LoadPreprocessedOptions): Promise<LoadedPreprocessed> {
  const { processed: processedPath, raw, preprocess: preprocessOptions = {} } = options;
  let processedText: string;
  try {
    processedText = await readFile(processedPath, 'utf8');
  } catch {
    throw new DataError(`${processedPath} cannot be read; run notebooks/preprocessing.ipynb first (it writes this file)`, processedPath);
  }
  const processed = parseProcessedCsv(processedText, processedPath);
  const { table, text } = await loadCustomersCsv(raw);
  const prep = preprocess(table, { features: processed.features, ...preprocessOptions });
  const mismatch = processedMismatch(processed, prep);
  if (mismatch)
    throw new DataError(`${processedPath} does not match preprocessing of ${raw}: ${mismatch}; re-run notebooks/preprocessing.ipynb on this data`, processedPath);
  return { prep, processed, hash: dataHash(text) };
}
