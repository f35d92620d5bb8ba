/**
 * npm run kernel -- [--data-dir DIR] [--project-only]
 * Installs the project's tslab kernelspec ("TypeScript (customer segmentation)") into the user's Jupyter data folder, so
 * JupyterLab / Notebook list it, into <root>/.jupyter (used by `npm run notebooks` via JUPYTER_PATH) and, when the
 * project's JupyterLab is installed (`npm run jupyter:setup`), into <root>/.venv/share/jupyter, where it looks first.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isUserError, VENV_DIR, venvDataDir, KERNEL_DISPLAY_NAME, installKernelSpec, jupyterDataDir } from '../src';
import { cliMain, parseFlags } from './cli';

const ROOT = resolve(__dirname, '..');
const HELP = `Usage: npm run kernel -- [--data-dir DIR] [--project-only]
  --data-dir DIR    Jupyter data folder to install into (default: \`jupyter --data-dir\`, else ~/.local/share/jupyter)
  --project-only    only write inside the project (<root>/.jupyter, and <root>/.venv/share/jupyter when .venv exists),
                    not the user's folder`;

cliMain(async () => {
  const values = parseFlags(
    {
      'data-dir': { type: 'string' },
      'project-only': { type: 'boolean' },
    },
    HELP,
  );
  if (values === null) return;
  const dirs = [join(ROOT, '.jupyter')];
  if (existsSync(join(ROOT, VENV_DIR))) dirs.push(venvDataDir(join(ROOT, VENV_DIR)));
  if (!values['project-only']) dirs.push(resolve(values['data-dir'] ?? jupyterDataDir()));
  for (const dataDir of dirs) {
    const file = await installKernelSpec({ root: ROOT, dataDir });
    console.log(`installed kernel "${KERNEL_DISPLAY_NAME}": ${file}`);
  }
  console.log('Pick "TypeScript (customer segmentation)" in JupyterLab / Notebook (notebooks in notebooks/ already ask for it).');
}, isUserError);
