/**
 * The layers of docs/architecture.md hold: dependency-cruiser with the project's rules (.dependency-cruiser.cjs)
 * finds no import from a higher layer, no cycle, no deep import from a script; notebooks import the public API.
 * A small planted tree shows that each rule does fire.
 */
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function cruise(cwd: string): Violation[] {
  const run = spawnSync(DEPCRUISE, ['--config', CONFIG, '--output-type', 'json', 'src', 'scripts'], { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });
  expect(run.error).toBeUndefined();
  const result = JSON.parse(run.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  expect(result.summary.totalCruised).toBeGreaterThan(0);
  return result.summary.violations;
}

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('architecture', () => {
  it('no import goes up a layer, no cycle, scripts use src/index.ts', () => {
    const violations = cruise(ROOT);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  }, 120_000);

  it('each rule fires on a planted tree', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layers-'));
    temps.push(dir);
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs' } }),
      'src/util/low.ts': "import { page } from '../report/page';\nexport const low = page;\n",
      'src/report/page.ts': "export const page = 1;\n",
      'src/model/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'src/model/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
      'src/index.ts': "export { page } from './report/page';\nexport { a } from './model/a';\nexport { low } from './util/low';\n",
      'scripts/run.ts': "import { page } from '../src/report/page';\nimport { a } from '../src';\nconsole.log(page, a);\n",
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const rules = new Set(cruise(dir).map((v) => v.rule.name));
    expect(rules).toEqual(new Set(['layer-util', 'no-circular', 'scripts-use-the-public-api']));
  }, 60_000);

  it('notebooks import the project through the public API only', () => {
    const deep: string[] = [];
    for (const name of readdirSync(join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'))) {
      const nb = JSON.parse(readFileSync(join(ROOT, 'notebooks', name), 'utf8')) as { cells: { cell_type: string; source: string[] }[] };
      for (const cell of nb.cells.filter((c) => c.cell_type === 'code')) {
        for (const m of cell.source.join('').matchAll(/from '(\.\/src[^']*)'/g)) if (m[1] !== './src/index') deep.push(`${name}: ${m[1]}`);
      }
    }
    expect(deep).toEqual([]);
  });
});
