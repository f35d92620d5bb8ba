/**
 * npm run jupyter:setup -- [--python PYTHON] [--force]
 * Installs JupyterLab 4, nbconvert 7, nbclient and jupyter-server, at the exact versions of requirements-jupyter.txt,
 * into the project's virtual environment .venv/ (made with `PYTHON -m venv`; the Python itself is left untouched),
 * then registers the project kernel where that JupyterLab looks (.venv/share/jupyter/kernels) and in .jupyter/.
 * Does nothing but the kernel when .venv was already installed from the same requirements and Python. .ci/run calls it.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  OptionsError,
  isUserError,
  REQUIREMENTS_FILE,
  STAMP_FILE,
  VENV_DIR,
  requirementsStamp,
  venvBin,
  venvDataDir,
  KERNEL_DISPLAY_NAME,
  installKernelSpec,
  PROJECT_JUPYTER_DIR,
} from '../src';
import { cliMain, parseFlags } from './cli';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const HELP = `Usage: npm run jupyter:setup -- [--python PYTHON] [--force]
  --python PYTHON   interpreter that creates .venv (default: env PYTHON, else python3)
  --force           reinstall even when .venv matches ${REQUIREMENTS_FILE}`;

/** Runs a command quietly; on failure throws with the last lines of its output. */
function quiet(cmd: string, args: string[], what: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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

async function pythonVersion(python: string): Promise<string | null> {
  try {
    return (await run(python, ['-c', 'import sys; print(sys.version)'], { timeout: 30_000 })).stdout.trim();
  } catch {
    return null;
  }
}

cliMain(async () => {
  const values = parseFlags({ python: { type: 'string' }, force: { type: 'boolean' } }, HELP);
  if (values === null) return;
  const t0 = performance.now();
  const venv = join(ROOT, VENV_DIR);
  const venvPython = venvBin(venv, 'python');
  const requirements = await readFile(join(ROOT, REQUIREMENTS_FILE), 'utf8');
  const stampPath = join(venv, STAMP_FILE);

  let version = existsSync(venvPython) ? await pythonVersion(venvPython) : null;
  const saved = existsSync(stampPath) ? (await readFile(stampPath, 'utf8')).trim() : '';
  const satisfied = version !== null && saved === requirementsStamp(requirements, version) && existsSync(venvBin(venv, 'jupyter-lab'));
  if (satisfied && !values.force) {
    console.log(`${VENV_DIR}/ is up to date with ${REQUIREMENTS_FILE}`);
  } else {
    if (version === null) {
      const python = values.python ?? process.env.PYTHON ?? 'python3';
      console.log(`creating ${VENV_DIR}/ with ${python} -m venv`);
      await quiet(python, ['-m', 'venv', '--clear', venv], `${python} -m venv ${VENV_DIR}`);
      version = await pythonVersion(venvPython);
      if (version === null) throw new OptionsError(`${venvPython} does not run after \`${python} -m venv\``, 'python');
    }
    console.log(`installing ${REQUIREMENTS_FILE} into ${VENV_DIR}/ (Python ${version.split(' ')[0]})`);
    await quiet(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '-r', join(ROOT, REQUIREMENTS_FILE)], 'pip install');
    await writeFile(stampPath, requirementsStamp(requirements, version) + '\n');
  }
  const versions = (await run(venvPython, ['-c', "from importlib.metadata import version; print(version('jupyterlab'), version('nbconvert'))"])).stdout.trim().split(' ');
  for (const dataDir of [venvDataDir(venv), join(ROOT, PROJECT_JUPYTER_DIR)]) {
    const file = await installKernelSpec({ root: ROOT, dataDir });
    console.log(`installed kernel "${KERNEL_DISPLAY_NAME}": ${file}`);
  }
  console.log(
    `JupyterLab ${versions[0]}, nbconvert ${versions[1]} in ${VENV_DIR}/ (${((performance.now() - t0) / 1000).toFixed(1)} s). ` +
      `Start it from the project folder: ${venvBin(VENV_DIR, 'jupyter')} lab`,
  );
}, isUserError);
