import { TEST_CHROMIUM } from '../../test/paths';
import { execFileSync, spawn } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { describe, expect, it } from 'vitest';
import { descendants, launchChromium } from './chromium';

const CHROMIUM = TEST_CHROMIUM;
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

  // Debian's /usr/bin/chromium-headless-shell is a shell script that runs the browser as its child (no exec): a
  // signal to the script alone left every browser of `npm run report` running (found: 40 of them after an hour).
  const WRAPPER = '/usr/bin/chromium-headless-shell';
  const hasWrapper = existsSync(WRAPPER);
  it.skipIf(!hasWrapper)(
    `a detached close ends the browser behind a wrapper script too (${hasWrapper ? WRAPPER : `skipped: no ${WRAPPER} (apt-get install chromium-headless-shell)`})`,
    async () => {
      const profile = mkdtempSync(join(tmpdir(), 'chromium-wrapper-test-'));
      const running = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(profile));
      try {
        const session = await launchChromium({ executablePath: WRAPPER, args: ARGS, userDataDir: profile, windowSize });
        expect(running().length).toBeGreaterThan(0);
        await session.close({ wait: false });
        for (let i = 0; i < 100 && running().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
        expect(running()).toEqual([]);
      } finally {
        for (const line of running()) execFileSync('pkill', ['-KILL', '-f', profile]);
        rmSync(profile, { recursive: true, force: true });
      }
    },
  );

  it('finds the processes below a pid (the browser behind a wrapper)', async () => {
    const shell = spawn('sh', ['-c', 'sleep 30; true'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const below = descendants(shell.pid!);
      expect(below).toHaveLength(1);
      expect(readFileSync(`/proc/${below[0]}/cmdline`, 'utf8')).toMatch(/^sleep\x0030/);
    } finally {
      shell.kill('SIGKILL');
      execFileSync('pkill', ['-f', '^sleep 30$']);
    }
  });

  // A kernel that drew figures is stopped by Jupyter killing its process group: the browser must go with it.
  it.skipIf(!hasChromium)(`the browser ends when its launcher's process group is killed (${hasChromium ? CHROMIUM : SKIP_REASON})`, async () => {
    const profile = mkdtempSync(join(tmpdir(), 'chromium-group-test-'));
    const running = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(profile));
    const script = `require('./src/browser/chromium.ts').launchChromium(${JSON.stringify({ executablePath: CHROMIUM, args: ARGS, userDataDir: profile, windowSize })}).then(() => console.log('up'))`;
    const launcher = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: join(__dirname, '..', '..'), detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise<void>((resolve, reject) => {
        launcher.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('up') && resolve());
        launcher.once('exit', () => reject(new Error('launcher exited before the browser was up')));
      });
      expect(running().length).toBeGreaterThan(0);
      process.kill(-launcher.pid!, 'SIGKILL');
      for (let i = 0; i < 50 && running().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(running()).toEqual([]);
    } finally {
      if (running().length > 0) execFileSync('pkill', ['-KILL', '-f', profile]);
      rmSync(profile, { recursive: true, force: true });
    }
  }, 30_000);
});
