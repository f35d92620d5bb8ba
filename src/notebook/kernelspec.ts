import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { OptionsError } from '../util/errors';

/** Name of the project kernelspec (the folder under `kernels/`); notebooks' metadata refer to it. */
export const KERNEL_NAME = 'customer-segmentation-tslab';
/** What Jupyter shows in its kernel picker. */
export const KERNEL_DISPLAY_NAME = 'TypeScript (customer segmentation)';
/** The launcher Jupyter starts, relative to the project root. */
export const KERNEL_LAUNCHER = 'scripts/tslab-kernel.js';

/** A Jupyter kernelspec (`kernel.json`). */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  metadata: Record<string, unknown>;
}

/** Options of {@link kernelSpec}. */
export interface KernelSpecOptions {
  /** Absolute project root (the kernel's working directory). Required. */
  root: string;
  /** Absolute path of the Node.js binary Jupyter runs. Default: the Node running this code (`process.execPath`). */
  node?: string;
}

/**
 * The project kernelspec: Jupyter starts `node <root>/scripts/tslab-kernel.js {connection_file}`, and the launcher
 * makes the project root tslab's working directory, so notebook cells import `./src/...` with types. Pure.
 *
 * @example
 * kernelSpec({ root: '/home/me/mall' }).argv; // ['/usr/bin/node', '/home/me/mall/scripts/tslab-kernel.js', '{connection_file}']
 */
export function kernelSpec(options: KernelSpecOptions): KernelSpec {
  const { root, node = process.execPath } = options;
  if (!isAbsolute(root) || !isAbsolute(node))
    throw new OptionsError(`kernelSpec needs an absolute root and node path (got root=${JSON.stringify(root)}, node=${JSON.stringify(node)})`, 'root');
  return {
    argv: [node, join(root, KERNEL_LAUNCHER), '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    metadata: { project_root: root },
  };
}

/** Options of {@link jupyterDataDir}. */
export interface DataDirOptions {
  /** Environment to read JUPYTER_DATA_DIR / APPDATA from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Platform. Default: `process.platform`. */
  platform?: NodeJS.Platform;
  /** Home folder. Default: `os.homedir()`. */
  home?: string;
  /** Ask `jupyter --data-dir` first (authoritative when Jupyter is installed). Default: true. */
  askJupyter?: boolean;
}

/**
 * The user's Jupyter data folder, where JupyterLab and Notebook look for `kernels/<name>/kernel.json`:
 * the output of `jupyter --data-dir` when `jupyter` runs, else Jupyter's own rule — JUPYTER_DATA_DIR, or
 * ~/.local/share/jupyter (Linux, honouring XDG_DATA_HOME), ~/Library/Jupyter (macOS), %APPDATA%\jupyter (Windows).
 */
export function jupyterDataDir(options: DataDirOptions = {}): string {
  const { env = process.env, platform = process.platform, home = homedir(), askJupyter = true } = options;
  if (askJupyter) {
    try {
      const out = execFileSync('jupyter', ['--data-dir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 });
      const dir = out.trim().split(/\r?\n/).pop();
      if (dir) return dir;
    } catch {
      // Jupyter not installed here (yet): fall back to its documented default below.
    }
  }
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'jupyter');
  if (platform === 'darwin') return join(home, 'Library', 'Jupyter');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'jupyter');
}

/** Options of {@link installKernelSpec}. */
export interface InstallOptions extends KernelSpecOptions {
  /** Jupyter data folder to install into (the spec goes to `<dataDir>/kernels/<KERNEL_NAME>/`). Required. */
  dataDir: string;
}

/** Writes the project kernelspec under `dataDir` (replacing an older one) and returns the kernel.json path. */
export async function installKernelSpec(options: InstallOptions): Promise<string> {
  const { dataDir, ...specOptions } = options;
  const spec = kernelSpec(specOptions);
  const dir = join(dataDir, 'kernels', KERNEL_NAME);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'kernel.json');
  await writeFile(file, JSON.stringify(spec, null, 2) + '\n');
  return file;
}
