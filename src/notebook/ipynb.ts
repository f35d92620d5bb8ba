import { OptionsError } from '../util/errors';

/** One output of an executed code cell (nbformat 4), only the fields read here. */
export interface CellOutput {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error' | string;
  ename?: string;
  evalue?: string;
  data?: Record<string, unknown>;
  text?: string | string[];
  [key: string]: unknown;
}

/** A notebook cell (nbformat 4); `source` is a string or a list of lines, as Jupyter writes either. */
export interface Cell {
  cell_type: 'code' | 'markdown' | 'raw' | string;
  id?: string;
  source: string | string[];
  metadata: { tags?: string[]; [key: string]: unknown };
  outputs?: CellOutput[];
  execution_count?: number | null;
  [key: string]: unknown;
}

/** A notebook (nbformat 4). */
export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** Tag of the one cell that holds a notebook's parameters (the papermill convention). */
export const PARAMETERS_TAG = 'parameters';

/** A cell's source as one string. */
export function cellSource(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/**
 * Parses notebook JSON. Pure.
 * @throws OptionsError naming `source` when the text is not an nbformat 4 notebook.
 */
export function parseNotebook(text: string, source = '<notebook>'): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(text) as Notebook;
  } catch (e) {
    throw new OptionsError(`${source} is not valid notebook JSON: ${(e as Error).message}`, 'notebook');
  }
  if (!nb || !Array.isArray(nb.cells) || nb.nbformat !== 4)
    throw new OptionsError(`${source} is not an nbformat 4 notebook (nbformat=${String(nb?.nbformat)})`, 'notebook');
  return nb;
}

/** A parameter value written into the parameters cell as a TypeScript literal (a list of names: a string array literal). */
export type ParameterValue = string | number | boolean | null | readonly string[];

/** Result of {@link applyParameters}. */
export interface AppliedParameters {
  notebook: Notebook;
  /** Names whose line was rewritten, in the order given. */
  applied: string[];
  /** Names given but not declared in this notebook's parameters cell. */
  missing: string[];
}

/**
 * Returns a copy of `notebook` whose parameters cell (the code cell tagged "parameters") declares the given values:
 * each line `const NAME = <anything>;` (or `let`) for a given NAME becomes `const NAME = <JSON literal>;`, keeping
 * any trailing `// comment`. Other cells and lines are unchanged. Pure.
 *
 * @throws OptionsError when the notebook has no, or more than one, parameters cell.
 *
 * @example
 * applyParameters(nb, { DATA_PATH: '/data/x.csv', SEED: 7 }).notebook
 */
export function applyParameters(notebook: Notebook, params: Record<string, ParameterValue>, source = '<notebook>'): AppliedParameters {
  const indices = notebook.cells.flatMap((c, i) => (c.cell_type === 'code' && c.metadata?.tags?.includes(PARAMETERS_TAG) ? [i] : []));
  if (indices.length !== 1)
    throw new OptionsError(`${source} needs exactly one code cell tagged "${PARAMETERS_TAG}" (found ${indices.length})`, 'notebook');
  const index = indices[0];
  const applied: string[] = [];
  let lines = cellSource(notebook.cells[index]).split('\n');
  for (const [name, value] of Object.entries(params)) {
    const pattern = new RegExp(`^(\\s*(?:const|let)\\s+${name}\\s*(?::[^=]+)?=\\s*)(.*?)(;?)(\\s*//.*)?$`);
    let found = false;
    lines = lines.map((line) => {
      const m = pattern.exec(line);
      if (!m || found) return line;
      found = true;
      return `${m[1]}${JSON.stringify(value)};${m[4] ?? ''}`;
    });
    if (found) applied.push(name);
  }
  const missing = Object.keys(params).filter((n) => !applied.includes(n));
  const cells = notebook.cells.map((c, i) => (i === index ? { ...c, source: toLines(lines.join('\n')) } : c));
  return { notebook: { ...notebook, cells }, applied, missing };
}

function toLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

/** A code cell that raised, as found in an executed notebook. */
export interface CellError {
  /** 1-based position among all cells (as Jupyter's UI counts them). */
  cell: number;
  /** Execution count shown beside the cell, or null. */
  executionCount: number | null;
  /** First non-empty source line, trimmed and cut to 80 characters. */
  firstLine: string;
  ename: string;
  evalue: string;
}

/** Every code cell with an `error` output, in notebook order. Pure. */
export function findCellErrors(notebook: Notebook): CellError[] {
  const errors: CellError[] = [];
  notebook.cells.forEach((cell, i) => {
    for (const out of cell.outputs ?? []) {
      if (out.output_type !== 'error') continue;
      const firstLine = (cellSource(cell).split('\n').find((l) => l.trim() !== '') ?? '').trim().slice(0, 80);
      errors.push({
        cell: i + 1,
        executionCount: cell.execution_count ?? null,
        firstLine,
        ename: String(out.ename ?? 'Error'),
        evalue: stripAnsi(String(out.evalue ?? '')).split('\n')[0],
      });
    }
  });
  return errors;
}

/** Cells that carry outputs or an execution count (a notebook committed after running). Pure. */
export function cellsWithOutputs(notebook: Notebook): number[] {
  return notebook.cells.flatMap((c, i) =>
    (c.outputs?.length ?? 0) > 0 || (c.execution_count !== undefined && c.execution_count !== null) ? [i + 1] : [],
  );
}

/** Removes ANSI colour codes (tslab and Jupyter colour tracebacks). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
