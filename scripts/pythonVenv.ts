/**
 * A project-local Python virtual environment installed from a pinned requirements file: made with `PYTHON -m venv`
 * (the system Python is left untouched), filled with `pip install -r`, and stamped with a hash of the requirements and
 * the interpreter so that a second call with nothing changed does nothing. Used by `npm run jupyter:setup` (.venv/) and
 * `npm run bench:setup` (bench/python/.venv/).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { OptionsError, requirementsStamp, venvBin } from '../src';

const run = promisify(execFile);

/** Options of {@link ensureVenv}. */
export interface EnsureVenvOptions {
  /** Folder commands run in (the project root). */
  root: string;
  /** The venv folder, absolute. */
  venv: string;
  /** The pinned requirements file, absolute. */
  requirements: string;
  /** Name of the stamp file inside the venv. */
  stampFile: string;
  /** An executable in the venv's bin/ that must exist for the venv to count as installed (e.g. `jupyter-lab`). */
  mustHave?: string;
  /** Interpreter that creates the venv. Default: env PYTHON, else `python3`. */
  python?: string;
  /** Reinstall even when the stamp matches. Default false. */
  force?: boolean;
  /** Progress lines. Default console.log. */
  log?: (line: string) => void;
}

/** Runs a command quietly; on failure throws with the last lines of its output. */
export function quiet(cmd: string, args: string[], what: string, cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    child.on('error', (e) => fail(new OptionsError(`${what}: cannot run ${cmd} (${e.message}); install Python 3.9+ with venv (apt-get install python3-venv) or pass --python`, 'python')));
    child.on('close', (code) => {
      if (code === 0) return done();
      const tail = output.split('\n').filter((l) => l.trim() && !/^WARNING: Location .* is ignored/.test(l)).slice(-15).join('\n');
      fail(new OptionsError(`${what} failed (exit ${code}):\n${tail}`, 'python'));
    });
  });
}

/** The interpreter's `sys.version`, or null when it does not run. */
export async function pythonVersion(python: string): Promise<string | null> {
  try {
    return (await run(python, ['-c', 'import sys; print(sys.version)'], { timeout: 30_000 })).stdout.trim();
  } catch {
    return null;
  }
}

/**
 * Makes `venv` hold exactly `requirements` (nothing to do when its stamp says so). Returns the venv's python and
 * whether anything was installed.
 * @throws OptionsError when Python or venv cannot run, or pip fails (with pip's last lines).
 */
export async function ensureVenv(options: EnsureVenvOptions): Promise<{ python: string; version: string; installed: boolean }> {
  const { root, venv, requirements, stampFile, mustHave, force = false, log = console.log } = options;
  const venvPython = venvBin(venv, 'python');
  const text = await readFile(requirements, 'utf8');
  const stampPath = join(venv, stampFile);
  const [venvName, requirementsName] = [relative(root, venv) + '/', relative(root, requirements)];
  let version = existsSync(venvPython) ? await pythonVersion(venvPython) : null;
  const saved = existsSync(stampPath) ? (await readFile(stampPath, 'utf8')).trim() : '';
  const satisfied = version !== null && saved === requirementsStamp(text, version) && (mustHave === undefined || existsSync(venvBin(venv, mustHave)));
  if (satisfied && !force) {
    log(`${venvName} is up to date with ${requirementsName}`);
    return { python: venvPython, version: version!, installed: false };
  }
  if (version === null) {
    const python = options.python ?? process.env.PYTHON ?? 'python3';
    log(`creating ${venvName} with ${python} -m venv`);
    await quiet(python, ['-m', 'venv', '--clear', venv], `${python} -m venv ${venvName}`, root);
    version = await pythonVersion(venvPython);
    if (version === null) throw new OptionsError(`${venvPython} does not run after \`${python} -m venv\``, 'python');
  }
  log(`installing ${requirementsName} into ${venvName} (Python ${version.split(' ')[0]})`);
  await quiet(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '-r', requirements], 'pip install', root);
  await writeFile(stampPath, requirementsStamp(text, version) + '\n');
  return { python: venvPython, version, installed: true };
}
