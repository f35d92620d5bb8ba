import { existsSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { describe, expect, it } from 'vitest';
import { launchChromium } from './chromium';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SKIP_REASON = `skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];
const windowSize = { width: 800, height: 600 };

function temporaryProfiles(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('chromium-profile-'));
}

describe('launchChromium', () => {
  it('says how a browser that exits at once ended, and leaves no temporary profile', async () => {
    const before = temporaryProfiles();
    await expect(launchChromium({ executablePath: '/bin/false', args: [], userDataDir: null, windowSize })).rejects.toThrow(
      /^exited with code 1 before DevTools was ready/,
    );
    expect(temporaryProfiles()).toEqual(before);
  });

  it.skipIf(!hasChromium)(`evaluates in pages, reports their exceptions, closes once (${hasChromium ? CHROMIUM : SKIP_REASON})`, async () => {
    const first = 'data:text/html,<title>one</title><script>window.answer = 6 * 7</script>';
    const session = await launchChromium({ executablePath: CHROMIUM, args: ARGS, userDataDir: null, initialUrls: [first], windowSize });
    try {
      const page = await session.page(first);
      expect(await page.evaluate<number>('answer')).toBe(42);
      expect(await page.evaluate<number>('new Promise((resolve) => setTimeout(() => resolve(answer + 1), 10))')).toBe(43);
      expect(await page.evaluate<number>('innerWidth')).toBe(800); // the height is the window's less its (headless) frame
      await expect(page.evaluate('missing.property')).rejects.toThrow(/ReferenceError: missing is not defined/);
      await page.evaluate('setTimeout(() => { throw new Error("late failure") }, 0); 1');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(page.errors.join('\n')).toMatch(/late failure/);

      // A URL not opened at launch gets a new page of its own.
      const second = await session.page('data:text/html,<script>window.answer = 1</script>');
      expect(await second.evaluate<number>('answer')).toBe(1);
      expect(await page.evaluate<number>('answer')).toBe(42);
    } finally {
      await session.close();
      await session.close();
    }
    await expect(session.page(first)).rejects.toThrow(/the browser is closed/);
  });
});
