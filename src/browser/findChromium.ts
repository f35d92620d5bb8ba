// Finding the Chromium the renderer starts: an explicit path, CHROMIUM_PATH, Debian's usual places, then PATH.
import { accessSync, constants, statSync } from 'fs';
import { delimiter, join } from 'path';

/**
 * Browsers looked for, in order. Debian's chromium-headless-shell first: the renderer only needs headless, and the
 * shell (Chromium's former headless mode, without the browser UI) starts faster than `chromium --headless`. The binary itself before
 * Debian's /usr/bin wrapper script, which runs it as a child instead of exec'ing it (the launcher signals the whole
 * process tree, so the wrapper works too).
 */
export const DEFAULT_CHROMIUMS: readonly string[] = ['/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium-headless-shell', '/usr/bin/chromium'];
const PATH_NAMES = ['chromium-headless-shell', 'chromium', 'chromium-browser'];
/** How to get PNG figures, the end of every message saying there are none. */
export const HOW_TO_ENABLE = 'install it with `apt-get install chromium-headless-shell` (or chromium) or set CHROMIUM_PATH';

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds the Chromium to use, or says in one line why there is none and how to get one.
 * Order: `executablePath`, env CHROMIUM_PATH, `defaults` (DEFAULT_CHROMIUMS), then `chromium-headless-shell`,
 * `chromium`, `chromium-browser` on PATH.
 */
export function findChromium(
  executablePath?: string,
  env: NodeJS.ProcessEnv = process.env,
  defaults: readonly string[] = DEFAULT_CHROMIUMS,
): { path: string } | { reason: string } {
  const explicit = executablePath ?? (env.CHROMIUM_PATH ? env.CHROMIUM_PATH : undefined);
  if (explicit !== undefined) {
    const source = executablePath !== undefined ? 'executablePath' : 'CHROMIUM_PATH';
    if (isExecutableFile(explicit)) return { path: explicit };
    return { reason: `PNG figures skipped: no Chromium executable at ${explicit} (from ${source}); ${HOW_TO_ENABLE} to a Chromium binary` };
  }
  const found = defaults.find(isExecutableFile);
  if (found !== undefined) return { path: found };
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of PATH_NAMES) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return { path: candidate };
    }
  }
  return { reason: `PNG figures skipped: no Chromium found at ${defaults.join(' or ')} or on PATH; ${HOW_TO_ENABLE}` };
}
