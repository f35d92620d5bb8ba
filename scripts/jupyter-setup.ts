/**
 * npm run jupyter:setup -- [--python PYTHON] [--force]
 * Installs JupyterLab 4, nbconvert 7, nbclient and jupyter-server, at the exact versions of requirements-jupyter.txt,
 * into the project's virtual environment .venv/ (made with `PYTHON -m venv`; the Python itself is left untouched),
 * then registers the project kernel where that JupyterLab looks (.venv/share/jupyter/kernels) and in .jupyter/.
 * Does nothing but the kernel when .venv was already installed from the same requirements and Python. .ci/run calls it.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  isUserError,
  REQUIREMENTS_FILE,
  STAMP_FILE,
  VENV_DIR,
  venvBin,
  venvDataDir,
  KERNEL_DISPLAY_NAME,
  installKernelSpec,
  PROJECT_JUPYTER_DIR,
} from '../src';
import { cliMain, parseFlags } from './cli';
import { ensureVenv } from './pythonVenv';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const HELP = `Usage: npm run jupyter:setup -- [--python PYTHON] [--force]
  --python PYTHON   interpreter that creates .venv (default: env PYTHON, else python3)
  --force           reinstall even when .venv matches ${REQUIREMENTS_FILE}`;

cliMain(async () => {
  const values = parseFlags({ python: { type: 'string' }, force: { type: 'boolean' } }, HELP);
  if (values === null) return;
  const t0 = performance.now();
  const venv = join(ROOT, VENV_DIR);
  const { python: venvPython } = await ensureVenv({
    root: ROOT,
    venv,
    requirements: join(ROOT, REQUIREMENTS_FILE),
    stampFile: STAMP_FILE,
    mustHave: 'jupyter-lab',
    python: values.python,
    force: values.force,
  });
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
