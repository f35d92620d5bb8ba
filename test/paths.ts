import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(__dirname, '..');
/** ../shared beside the checkout (CI lays it there). */
export const SHARED = resolve(ROOT, '..', 'shared');
/** The public Mall Customers file, read from ../shared/data (never committed). */
export const MALL_CSV = resolve(SHARED, 'data', 'Mall_Customers.csv');
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
