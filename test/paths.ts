import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(__dirname, '..');
/**
 * The public Mall Customers file (never committed): env MALL_CSV when set, else data/raw/Mall_Customers.csv, where
 * `npm run report` reads it.
 */
export const MALL_CSV = resolve(ROOT, process.env.MALL_CSV ?? join('data', 'raw', 'Mall_Customers.csv'));
export const HAS_MALL = existsSync(MALL_CSV);
/** Debian's Python with scikit-learn (the first python3 on PATH may lack it). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** A test title that carries the skip reason only when the test is skipped (CI lists skipped tests by title). */
export function titled(title: string, skipped: boolean, reason: string): string {
  return skipped ? `${title} (skipped: ${reason})` : title;
}

/** True when `cmd args` runs and exits 0 (a system piece such as jupyter-nbconvert is installed). */
export function hasCommand(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The full Chromium browser the browser tests drive (playwright-core needs the full browser, not the headless shell):
 * env CHROMIUM_PATH, else Debian's /usr/bin/chromium, else `chromium` on PATH. The returned path may not exist:
 * tests check it with existsSync and are skipped with the reason.
 */
export const TEST_CHROMIUM: string = (() => {
  if (process.env.CHROMIUM_PATH && !process.env.CHROMIUM_PATH.includes('headless-shell')) return process.env.CHROMIUM_PATH;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) if (existsSync(`${dir}/chromium`)) return `${dir}/chromium`;
  return '/usr/bin/chromium';
})();

/** The public Mall file when present, for unit tests that use the real data (skipped with the reason without it). */
export const MALL_SKIP_REASON = HAS_MALL ? '' : `${MALL_CSV} absent (download it to data/raw/ or set MALL_CSV)`;
