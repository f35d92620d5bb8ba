/**
 * npm run bench:setup -- [--python PYTHON] [--force]
 * Installs the Python engines of `npm run bench:compare` (scikit-learn, scikit-learn-intelex, faiss-cpu, pandas, at the
 * exact versions of bench/python/requirements.txt) into bench/python/.venv/. Does nothing when that venv was already
 * installed from the same requirements and Python.
 */
import { join, resolve } from 'node:path';
import { isUserError } from '../src';
import { cliMain, parseFlags } from './cli';
import { ensureVenv } from './pythonVenv';

const ROOT = resolve(__dirname, '..');
/** The benchmark venv and its requirements, relative to the project root. */
export const BENCH_VENV = join('bench', 'python', '.venv');
export const BENCH_REQUIREMENTS = join('bench', 'python', 'requirements.txt');
const HELP = `Usage: npm run bench:setup -- [--python PYTHON] [--force]
  --python PYTHON   interpreter that creates ${BENCH_VENV} (default: env PYTHON, else python3)
  --force           reinstall even when ${BENCH_VENV} matches ${BENCH_REQUIREMENTS}`;

if (require.main === module) {
  cliMain(async () => {
    const values = parseFlags({ python: { type: 'string' }, force: { type: 'boolean' } }, HELP);
    if (values === null) return;
    const t0 = performance.now();
    await ensureVenv({
      root: ROOT,
      venv: join(ROOT, BENCH_VENV),
      requirements: join(ROOT, BENCH_REQUIREMENTS),
      stampFile: '.requirements.sha256',
      python: values.python,
      force: values.force,
    });
    console.log(`benchmark engines ready in ${BENCH_VENV}/ (${((performance.now() - t0) / 1000).toFixed(1)} s); run npm run bench:compare`);
  }, isUserError);
}
