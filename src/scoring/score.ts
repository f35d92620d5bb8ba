/**
 * Scoring a file of any size in bounded memory: rows are read as a stream (CSV as the report reads it, Parquet through
 * DuckDB in batches), each is given its segment by the library's `predict`, and the answers are written as they come.
 */
import { createWriteStream, existsSync, statSync, type WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { DataError, OptionsError } from '../util/errors';
import { removeStaleTemps, sameFile, tempPathBeside } from '../io/atomic';
import { csvCell as guardedCell } from '../util/csv';
import { headerKey } from '../data/schema';
import { csvFileBatches } from '../data/load';
import { isParquet, parquetBatches, parquetRowCount } from '../data/parquet';
import { predict, RecordError, type SegmentModel } from '../segmentation/artifact';

/** Options of {@link scoreFile}. */
export interface ScoreOptions {
  /** Called after each batch read (64 KiB of CSV, ~65,000 Parquet rows) with the rows scored, the work done and its
   * total (bytes of a CSV file, rows of a Parquet file). Default: none. */
  onProgress?: (progress: { rows: number; done: number; total: number; unit: 'bytes' | 'rows' }) => void;
  /** Write text cells starting with = + - @ tab or CR with a leading ' (spreadsheet formula guard, see csvCell). Default true. */
  csvGuard?: boolean;
}

/** What a scoring run did. */
export interface ScoreResult {
  /** Data rows read. */
  rows: number;
  /** Rows given a segment. */
  scored: number;
  /** Rows `predict` refused (a missing or non-numeric feature, a value out of range): written with an `error`. */
  refused: number;
  /** Rows scored with a warning (an unknown category scored as none, a missing number imputed with the training
   * median): written with `warnings`. */
  flagged: number;
  /** The first refusals, as "line N: <field>: <problem>". */
  examples: string[];
}

/**
 * Scores every row of `input` (.csv, or .parquet) with `model` and writes `output` as CSV with the columns
 * `<id column or "row">, cluster, label, distance, outlier, error, warnings`: the fields of `predict`'s answer (distance
 * with full float64 precision), in input order. A row `predict` refuses keeps its place with an empty cluster and the
 * reason in `error`; `warnings` holds predict's warnings of a scored row joined by "; " (an unknown category, an
 * imputed median). Columns are matched to the model's schema ignoring case and spacing; other columns are ignored.
 * Memory stays bounded: rows are read, scored and written as a stream.
 *
 * The answers go to a temporary file beside `output` (`.<name>.tmp-<pid>-<random>`), renamed to `output` only when
 * every row was scored: a failed or killed run leaves the previous `output` as it was (temporary files of killed runs
 * are removed by the next run).
 * @throws DataError when the file cannot be read or lacks a feature column of the model.
 * @throws OptionsError when `output` is the input file (by device and inode, links included), a folder, or in a
 * folder that does not exist.
 */
export async function scoreFile(model: SegmentModel, input: string, output: string, options: ScoreOptions = {}): Promise<ScoreResult> {
  const { onProgress, csvGuard = true } = options;
  const csvCell = (value: string | number | boolean) => guardedCell(value, csvGuard);
  if (!existsSync(input)) throw new DataError(`Data file not found: ${input}; pass --data <the CSV or Parquet file to score>`, input);
  checkScoreOutput(input, output);
  await removeStaleTemps(output);
  const idColumn = model.schema.primaryKey;
  const temp = tempPathBeside(output);
  const out = createWriteStream(temp);
  // A write error (disk full) stops the scoring at the next row; after a read error the stream is destroyed with
  // writes in flight, whose ERR_STREAM_DESTROYED must not escape as an uncaught 'error' event.
  let writeError: Error | null = null;
  out.on('error', (error) => {
    writeError ??= error;
  });
  const result: ScoreResult = { rows: 0, scored: 0, refused: 0, flagged: 0, examples: [] };
  let columns: { index: number; name: string }[] | null = null;
  const write = async (text: string) => {
    if (writeError) throw writeError;
    if (!out.write(text)) await once(out, 'drain');
  };
  await write([idColumn ?? 'row', 'cluster', 'label', 'distance', 'outlier', 'error', 'warnings'].map(csvCell).join(',') + '\n');

  const scoreRow = async (header: readonly string[], cells: readonly string[], line: number) => {
    if (columns === null) columns = matchColumns(model, header, input);
    result.rows++;
    const record: Record<string, string> = {};
    for (const { index, name } of columns) record[name] = (cells[index] ?? '').trim();
    const id = idColumn === undefined ? String(result.rows) : (record[idColumn] ?? '');
    try {
      const [p] = predict(model, [record]);
      result.scored++;
      if (p.warnings) result.flagged++;
      await write(`${csvCell(id)},${p.cluster},${csvCell(p.label)},${p.distance},${p.outlier},,${p.warnings ? csvCell(p.warnings.join('; ')) : ''}\n`);
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      result.refused++;
      const problem = `${error.field.replace(/^customers\[0\]\./, '')}: ${error.problem}`;
      if (result.examples.length < 5) result.examples.push(`line ${line}: ${problem}`);
      await write(`${csvCell(id)},,,,,${csvCell(problem)},\n`);
    }
  };

  try {
    if (isParquet(input)) {
      const total = await parquetRowCount(input);
      for await (const { header, records } of parquetBatches(input)) {
        for (const r of records) await scoreRow(header, r.cells, r.line);
        onProgress?.({ rows: result.rows, done: result.rows, total, unit: 'rows' });
      }
    } else {
      let header: string[] | null = null;
      for await (const { records, done, total } of csvFileBatches(input, { source: input })) {
        for (const { line, cells } of records) {
          if (header === null) header = cells;
          else await scoreRow(header, cells, line);
        }
        onProgress?.({ rows: result.rows, done, total, unit: 'bytes' });
      }
    }
  } catch (error) {
    out.destroy();
    await unlink(temp).catch(() => undefined);
    if (error instanceof DataError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(code === 'ENOENT' ? `Data file not found: ${input}` : `Cannot score ${input}: ${(error as Error).message.split('\n')[0]}`, input);
  }
  try {
    if (writeError) throw writeError;
    await closeStream(out);
    await rename(temp, output);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new DataError(`Cannot write ${output}: ${(error as Error).message.split('\n')[0]}`, output);
  }
  return result;
}

/**
 * Refuses an output that would destroy the input or cannot be written: `output` is `input` (by device and inode,
 * links included), a folder, or in a folder that does not exist.
 * @throws OptionsError naming --out
 */
export function checkScoreOutput(input: string, output: string): void {
  if (sameFile(input, output)) {
    throw new OptionsError(`--out ${output} is the input file --data ${input}; scoring would replace its own input. Pass another --out`, 'out');
  }
  let isDir = false;
  try {
    isDir = statSync(output).isDirectory();
  } catch {
    // a new file
  }
  if (isDir) throw new OptionsError(`--out ${output} is a folder; pass a file name, e.g. --out ${output.replace(/\/+$/, '')}/scores.csv`, 'out');
  const parent = dirname(output);
  let parentIsDir = false;
  try {
    parentIsDir = statSync(parent).isDirectory();
  } catch {
    // missing
  }
  if (!parentIsDir) throw new OptionsError(`--out ${output}: folder ${parent} does not exist; create it first or pass another --out`, 'out');
}

function closeStream(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    out.on('error', reject);
    out.end(() => resolve());
  });
}

/** The input columns the model reads (schema fields found in the header), refusing a file without a feature. */
function matchColumns(model: SegmentModel, header: readonly string[], input: string): { index: number; name: string }[] {
  const found = model.schema.fields.flatMap((f) => {
    const index = header.findIndex((h) => headerKey(h) === headerKey(f.name) || (f.apiName !== undefined && h === f.apiName));
    return index < 0 ? [] : [{ index, name: f.name }];
  });
  const missing = [...new Set(model.encoding.map((c) => c.source))].filter((s) => !found.some((f) => f.name === s));
  if (missing.length > 0)
    throw new DataError(`${input} lacks the model's column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (found: ${header.join(', ')})`, input);
  return found;
}
