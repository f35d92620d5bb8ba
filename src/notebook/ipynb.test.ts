import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import { applyParameters, cellSource, cellsWithOutputs, findCellErrors, parseNotebook, type Notebook } from './ipynb';

function nb(cells: Notebook['cells']): Notebook {
  return { cells, metadata: {}, nbformat: 4, nbformat_minor: 5 };
}

const PARAMS_SOURCE = [
  '// Parameters\n',
  "const DATA_PATH = 'data/raw/Mall_Customers.csv'; // raw CSV\n",
  'const SEED = 42;\n',
  'const K_MAX: number = 10\n',
  'const OTHER = 1;',
];

describe('applyParameters', () => {
  const notebook = nb([
    { cell_type: 'markdown', source: 'const SEED = 1;', metadata: {} },
    { cell_type: 'code', source: PARAMS_SOURCE, metadata: { tags: ['parameters'] }, outputs: [], execution_count: null },
    { cell_type: 'code', source: 'const SEED = 5;', metadata: {}, outputs: [], execution_count: null },
  ]);

  it('rewrites only the named lines of the parameters cell, as JSON literals, keeping comments', () => {
    const { notebook: out, applied, missing } = applyParameters(notebook, { DATA_PATH: "/tmp/it's.csv", SEED: 7, K_MAX: 6, NOPE: 1 });
    expect(cellSource(out.cells[1])).toBe(
      '// Parameters\nconst DATA_PATH = "/tmp/it\'s.csv"; // raw CSV\nconst SEED = 7;\nconst K_MAX: number = 6;\nconst OTHER = 1;',
    );
    expect(applied).toEqual(['DATA_PATH', 'SEED', 'K_MAX']);
    expect(missing).toEqual(['NOPE']);
    expect(out.cells[0]).toBe(notebook.cells[0]);
    expect(cellSource(out.cells[2])).toBe('const SEED = 5;');
  });

  it('writes a list of names as an array literal and null as null, keeping the type annotation', () => {
    const params = nb([
      { cell_type: 'code', source: 'const SCHEMA: string | null = null; // schema JSON\nconst FEATURES: string[] | null = null;', metadata: { tags: ['parameters'] }, outputs: [], execution_count: null },
    ]);
    const { notebook: out } = applyParameters(params, { SCHEMA: null, FEATURES: ['basket', 'visits "per" month'] });
    expect(cellSource(out.cells[0])).toBe('const SCHEMA: string | null = null; // schema JSON\nconst FEATURES: string[] | null = ["basket","visits \\"per\\" month"];');
  });

  it('does not change the notebook it was given', () => {
    applyParameters(notebook, { SEED: 9 });
    expect(notebook.cells[1].source).toEqual(PARAMS_SOURCE);
  });

  it('refuses a notebook without exactly one parameters cell', () => {
    expect(() => applyParameters(nb([]), { SEED: 1 }, 'x.ipynb')).toThrow(OptionsError);
    expect(() => applyParameters(nb([]), { SEED: 1 }, 'x.ipynb')).toThrow(/x.ipynb needs exactly one code cell tagged "parameters" \(found 0\)/);
    const two = nb([notebook.cells[1], notebook.cells[1]]);
    expect(() => applyParameters(two, {})).toThrow(/found 2/);
  });
});

describe('findCellErrors and cellsWithOutputs', () => {
  const executed = nb([
    { cell_type: 'markdown', source: '# Title', metadata: {} },
    { cell_type: 'code', source: ['\n', 'const x = 1;\n'], metadata: {}, execution_count: 1, outputs: [{ output_type: 'stream', text: 'ok' }] },
    {
      cell_type: 'code',
      source: 'await fitSegments(prep, hash);',
      metadata: {},
      execution_count: 2,
      outputs: [{ output_type: 'error', ename: 'DataError', evalue: '\u001b[31mNo usable rows\u001b[0m\nmore', traceback: [] }],
    },
    { cell_type: 'code', source: 'x', metadata: {}, execution_count: null, outputs: [] },
  ]);

  it('names the failing cell (1-based), its first line and the error without colour codes', () => {
    expect(findCellErrors(executed)).toEqual([
      { cell: 3, executionCount: 2, firstLine: 'await fitSegments(prep, hash);', ename: 'DataError', evalue: 'No usable rows' },
    ]);
  });

  it('lists cells that have outputs or execution counts', () => {
    expect(cellsWithOutputs(executed)).toEqual([2, 3]);
    expect(cellsWithOutputs(nb([{ cell_type: 'code', source: '', metadata: {}, outputs: [], execution_count: null }]))).toEqual([]);
  });
});

describe('parseNotebook', () => {
  it('accepts nbformat 4 and refuses other JSON with the source named', () => {
    expect(parseNotebook('{"cells":[],"metadata":{},"nbformat":4,"nbformat_minor":5}').cells).toEqual([]);
    expect(() => parseNotebook('{"cells":[],"nbformat":3}', 'old.ipynb')).toThrow(/old.ipynb is not an nbformat 4 notebook \(nbformat=3\)/);
    expect(() => parseNotebook('{', 'bad.ipynb')).toThrow(/bad.ipynb is not valid notebook JSON/);
  });
});
