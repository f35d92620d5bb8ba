/** Running the command-line scripts in tests, as `npm run <script>` does. */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../paths';

const run = promisify(execFile);
/** tsx's CommonJS hook by absolute path, so a script runs from any working folder. */
const TSX_CJS = createRequire(join(ROOT, 'package.json')).resolve('tsx/cjs');

/** Exit code and output of a script run. */
export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `scripts/<script>.ts` with Node and tsx (as `npm run <script>`), from `cwd` (default the project root), with
 * the environment plus `env` (SEGMENTATION_BACKEND cleared unless `env` sets it). Resolves with the exit code and
 * output whatever the exit code.
 */
export async function runScript(script: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<ScriptResult> {
  const { cwd = ROOT, env = {} } = options;
  try {
    const r = await run(process.execPath, ['--require', TSX_CJS, join(ROOT, 'scripts', `${script}.ts`), ...args], {
      cwd,
      env: { ...process.env, SEGMENTATION_BACKEND: '', ...env },
      maxBuffer: 1 << 26,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
