/**
 * Which Jupyter runs the notebooks: the project's own virtual environment `.venv/` (JupyterLab 4, nbconvert 7, from
 * requirements-jupyter.txt via `npm run jupyter:setup`) or one on PATH (e.g. Debian's nbconvert 6.5). Pure helpers;
 * the caller passes the environment and a file test.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { OptionsError } from '../util/errors';

/** The project's Python virtual environment for Jupyter, relative to the project root (gitignored). */
export const VENV_DIR = '.venv';
/** Exact versions installed into {@link VENV_DIR}, relative to the project root. */
export const REQUIREMENTS_FILE = 'requirements-jupyter.txt';
/** File inside the venv recording what it was installed from (see {@link requirementsStamp}). */
export const STAMP_FILE = '.requirements-jupyter.sha256';
/** Environment variable giving the default of `--jupyter` (`npm run notebooks`). */
export const JUPYTER_ENV = 'SEGMENTATION_JUPYTER';

/** Path of an executable inside a venv: `bin/<name>`, or `Scripts\<name>.exe` on Windows. */
export function venvBin(venv: string, name: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? join(venv, 'Scripts', `${name}.exe`) : join(venv, 'bin', name);
}

/**
 * The venv's Jupyter data folder (`sys.prefix/share/jupyter`). Its `kernels/` is searched by the venv's JupyterLab
 * and nbconvert before the user's folder, so a kernelspec there is seen whatever JUPYTER_PATH says.
 */
export function venvDataDir(venv: string): string {
  return join(venv, 'share', 'jupyter');
}

/**
 * What installed a venv: a hash of the requirements text and the interpreter's version line. When the stamp saved
 * in the venv equals this, `npm run jupyter:setup` has nothing to do. Pure.
 */
export function requirementsStamp(requirements: string, pythonVersion: string): string {
  return createHash('sha256').update(`${pythonVersion.trim()}\n${requirements.replace(/\r\n/g, '\n')}`).digest('hex');
}

/** Which Jupyter: `auto` (the venv's when installed, else PATH), `venv`, `system` (PATH outside the venv) or a path. */
export type JupyterChoice = 'auto' | 'venv' | 'system' | (string & {});

/** Options of {@link resolveJupyter}. */
export interface ResolveJupyterOptions {
  /** Project root (holds `.venv/`). Required. */
  root: string;
  /** Environment whose PATH is searched. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** File test. Default: `fs.existsSync`. */
  exists?: (path: string) => boolean;
  /** Platform (executable names, PATH separator). Default: `process.platform`. */
  platform?: NodeJS.Platform;
}

/** A resolved `jupyter` command. */
export interface JupyterCommand {
  /** Absolute path of the `jupyter` executable. */
  command: string;
  /** Where it came from. */
  source: 'venv' | 'system' | 'path';
}

/**
 * Resolves the `jupyter` executable to run nbconvert with. `auto` prefers `<root>/.venv` (nbconvert 7) and falls
 * back to PATH; `system` skips the project venv even when it is first on PATH (an activated venv).
 *
 * @throws OptionsError naming the choice and how to get it (`npm run jupyter:setup`, apt or pip) when absent.
 */
export function resolveJupyter(choice: JupyterChoice, options: ResolveJupyterOptions): JupyterCommand {
  const { root, env = process.env, exists = existsSync, platform = process.platform } = options;
  const venv = venvBin(join(root, VENV_DIR), 'jupyter', platform);
  const onPath = () => findOnPath('jupyter', { env, exists, platform, skipDir: resolve(venv, '..') });
  if (choice === 'venv' || (choice === 'auto' && exists(venv))) {
    if (!exists(venv)) throw new OptionsError(`--jupyter venv: ${venv} not found; run \`npm run jupyter:setup\` first`, 'jupyter');
    return { command: venv, source: 'venv' };
  }
  if (choice === 'auto' || choice === 'system') {
    const found = onPath();
    if (!found)
      throw new OptionsError(
        `--jupyter ${choice}: no jupyter found${choice === 'system' ? ' on PATH outside .venv' : ` (no ${venv}, none on PATH)`}; ` +
          'run `npm run jupyter:setup` (JupyterLab and nbconvert 7 in .venv), or `apt-get install jupyter-nbconvert python3-nbclient`',
        'jupyter',
      );
    return { command: found, source: 'system' };
  }
  const path = resolve(choice);
  if (!isAbsolute(choice) && !choice.includes('/') && !choice.includes('\\'))
    throw new OptionsError(`--jupyter must be auto, venv, system or a path to a jupyter executable (got ${JSON.stringify(choice)})`, 'jupyter');
  if (!exists(path)) throw new OptionsError(`--jupyter ${choice}: ${path} not found`, 'jupyter');
  return { command: path, source: 'path' };
}

/** First `name` on PATH (skipping `skipDir`), or null. */
export function findOnPath(
  name: string,
  options: { env?: NodeJS.ProcessEnv; exists?: (p: string) => boolean; platform?: NodeJS.Platform; skipDir?: string } = {},
): string | null {
  const { env = process.env, exists = existsSync, platform = process.platform, skipDir } = options;
  const sep = platform === 'win32' ? ';' : ':';
  const file = platform === 'win32' ? `${name}.exe` : name;
  for (const dir of (env.PATH ?? '').split(sep)) {
    if (!dir || (skipDir !== undefined && resolve(dir) === skipDir)) continue;
    const candidate = join(dir, file);
    if (exists(candidate)) return resolve(candidate);
  }
  return null;
}
