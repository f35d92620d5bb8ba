import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUMS, findChromium } from './findChromium';

/** The browser found on this machine by default (the headless shell when installed). */
const found = findChromium();
const CHROMIUM = 'path' in found ? found.path : null;
const hasChromium = CHROMIUM !== null;
const SKIP_REASON = 'reason' in found ? `skipped: ${found.reason}` : '';

describe('findChromium', () => {
  it('names a missing explicit path and says how to enable PNGs', () => {
    const found = findChromium('/nonexistent/chromium', {});
    expect(found).toEqual({
      reason:
        'PNG figures skipped: no Chromium executable at /nonexistent/chromium (from executablePath); install it with `apt-get install chromium-headless-shell` (or chromium) or set CHROMIUM_PATH to a Chromium binary',
    });
  });

  it('reads CHROMIUM_PATH when no path is passed', () => {
    const found = findChromium(undefined, { CHROMIUM_PATH: '/nowhere/chrome' });
    expect('reason' in found && found.reason).toMatch(/no Chromium executable at \/nowhere\/chrome \(from CHROMIUM_PATH\)/);
  });

  it('prefers the headless shell: the first default that exists, then the shell, chromium, chromium-browser on PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'find-chromium-'));
    const executable = (name: string) => {
      writeFileSync(join(dir, name), '#!/bin/sh\n', { mode: 0o755 });
      return join(dir, name);
    };
    const full = executable('chromium');
    expect(findChromium(undefined, { PATH: dir }, [join(dir, 'missing')])).toEqual({ path: full });
    const shell = executable('chromium-headless-shell');
    expect(findChromium(undefined, { PATH: dir }, [join(dir, 'missing')])).toEqual({ path: shell });
    expect(findChromium(undefined, { PATH: '' }, [join(dir, 'missing'), full, shell])).toEqual({ path: full });
    const none = findChromium(undefined, { PATH: '' }, [join(dir, 'missing')]);
    expect('reason' in none && none.reason).toMatch(/no Chromium found at .*missing or on PATH; install it with `apt-get install chromium-headless-shell`/);
  });

  it.skipIf(!hasChromium)(`finds a browser on this machine by default (${CHROMIUM ?? SKIP_REASON})`, () => {
    expect(findChromium(undefined, { PATH: '' })).toEqual({ path: CHROMIUM });
    expect(DEFAULT_CHROMIUMS).toContain(CHROMIUM);
  });
});
