/**
 * The project kernel's behaviour (scripts/tslab-kernel.js on tslab 1.0.22), through `npm run notebooks --notebook`:
 * what an analyst sees after editing project .ts files, that file churn does not break the kernel, strict type
 * checking, execution counts and error reporting.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCellErrors, parseNotebook, type Cell, type Notebook } from '../src/notebook/ipynb';
import { KERNEL_NAME } from '../src/notebook/kernelspec';
import { hasCommand, ROOT } from './paths';

const run = promisify(execFile);


const HAS_NBCONVERT = hasCommand('jupyter-nbconvert', ['--version']);
const id = randomBytes(4).toString('hex');
// Probe modules live in the gitignored .jupyter/ (inside the kernel's rootDir, outside tsc's and vitest's globs).
const PROBE_DIR = `.jupyter/kernel-test-${id}`;
// Not a dot-file: TypeScript ignores those when watching folders.
const CHURN_FILE = `node_modules/kernel-test-${id}.txt`;

const code = (source: string, tags?: string[]): Cell => ({ cell_type: 'code', metadata: tags ? { tags } : {}, source, outputs: [], execution_count: null });
const mod = (name: string, body: string) => `fs.writeFileSync('${PROBE_DIR}/${name}.ts', ${JSON.stringify(body)});`;

const CELLS: Cell[] = [
  code("const DATA_PATH = 'unused';\nconst OUT_DIR = '.';", ['parameters']),
  // explore.ts imports packages (csv-parse via src/data): TypeScript then watches node_modules for failed lookups.
  code(`import * as fs from 'fs';\nimport { numericStats } from './src/notebook/explore';\nfs.mkdirSync('${PROBE_DIR}', { recursive: true });\n${mod('b', "export const b = () => 'B1';\n")}\n${mod('a', "import { b } from './b';\nexport const a = () => 'A1+' + b();\n")}`),
  code(`import { a } from './${PROBE_DIR}/a';\nimport { b } from './${PROBE_DIR}/b';\nconsole.log('first', a(), b());`),
  code(`${mod('b', "export const b = () => 'B2';\n")}\n${mod('a', "import { b } from './b';\nexport const a = () => 'A2+' + b();\n")}`),
  code(`import { a } from './${PROBE_DIR}/a';\nimport { b } from './${PROBE_DIR}/b';\nconsole.log('reimport', a(), b());`),
  code(mod('b', "export const b = () => 'B3';\n")),
  code(`import { a } from './${PROBE_DIR}/a';\nconsole.log('transitive', a());`),
  code(`fs.writeFileSync('${CHURN_FILE}', 'x');\nawait new Promise((r) => setTimeout(r, 1500));\nfs.unlinkSync('${CHURN_FILE}');\nawait new Promise((r) => setTimeout(r, 1500));`),
  code("console.log('after churn', 1 + 1);"),
  code('const notAString: string = null;'),
];

function textOf(cell: Cell): string {
  return (cell.outputs ?? []).filter((o) => o.output_type === 'stream' && o.name === 'stdout').map((o) => (Array.isArray(o.text) ? o.text.join('') : String(o.text))).join('');
}

describe.skipIf(!HAS_NBCONVERT)(`the project tslab kernel${HAS_NBCONVERT ? '' : ' (skipped: jupyter-nbconvert not installed)'}`, () => {
  let executed: Notebook;
  let stderr: string;
  let exitCode: number;

  beforeAll(async () => {
    const out = await mkdtemp(join(tmpdir(), 'kernel-test-'));
    const file = join(out, 'kernel-probe.ipynb');
    await writeFile(file, JSON.stringify({ cells: CELLS, metadata: { kernelspec: { name: KERNEL_NAME, display_name: 'x', language: 'typescript' } }, nbformat: 4, nbformat_minor: 4 }));
    try {
      await run(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'notebooks.ts'), '--data', join(ROOT, 'package.json'), '--out', out, '--notebook', file], { cwd: ROOT });
      exitCode = 0;
      stderr = '';
    } catch (e) {
      exitCode = (e as { code: number }).code;
      stderr = (e as { stderr: string }).stderr;
    }
    executed = parseNotebook(await readFile(join(out, 'reports', 'notebooks', 'kernel-probe.ipynb'), 'utf8'));
  }, 120_000);

  afterAll(async () => {
    await rm(join(ROOT, PROBE_DIR), { recursive: true, force: true });
    await rm(join(ROOT, CHURN_FILE), { force: true });
  });

  it('re-running an import cell picks up edited project files', () => {
    expect(textOf(executed.cells[2])).toBe('first A1+B1 B1\n');
    expect(textOf(executed.cells[4])).toBe('reimport A2+B2 B2\n');
  });

  it('keeps the old version of a file only imported by another module until restart (documented in notebooks/README.md)', () => {
    expect(textOf(executed.cells[6])).toBe('transitive A2+B2\n');
  });

  it('keeps working after a file appears and disappears under node_modules (tslab 1.0 failed every later cell)', () => {
    expect(textOf(executed.cells[8])).toBe('after churn 2\n');
  });

  it('type-checks strictly and reports the failing cell as a Jupyter error; executed cells are numbered', () => {
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/^error: .*kernel-probe.ipynb cell 10 \[const notAString: string = null;\] failed: TypeScriptError: .*Type 'null' is not assignable to type 'string'/m);
    expect(findCellErrors(executed).map((e) => e.cell)).toEqual([10]);
    expect(executed.cells.map((c) => c.execution_count)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
