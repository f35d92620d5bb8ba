import { TEST_CHROMIUM } from '../../test/paths';
import { execFileSync, spawn } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../util/random';
import { descendants, launchChromium } from './chromium';
import { findChromium } from './render';

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

  it('rejects at once when the executable cannot be started; no temporary profile, no handler left', async () => {
    const before = temporaryProfiles();
    const listeners = () => ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit'].map((name) => process.listenerCount(name));
    const handlers = listeners();
    const missing = join(tmpdir(), 'no-such-dir', 'chromium');
    await expect(launchChromium({ executablePath: missing, args: [], userDataDir: null, windowSize })).rejects.toThrow(/ENOENT/);
    expect(temporaryProfiles()).toEqual(before);
    expect(listeners()).toEqual(handlers);
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

  // The cleanup of a fatal signal is registered before the browser is spawned: a signal at any moment of the launch
  // (before, during or right after the spawn, while DevTools starts, once it is up) ends every process of the browser
  // and removes the temporary profile. The launcher either sends the signal to itself the moment spawn returns (the
  // moment that left a browser running when the cleanup was registered after the spawn), or says when it calls
  // launchChromium and gets the signal 0-500 ms later.
  // The browser the report uses (chromium-headless-shell where installed): unlike /usr/bin/chromium it outlives a
  // launcher that died before reading its DevTools line.
  const found = findChromium();
  const reportChromium = 'path' in found ? found.path : null;
  it.skipIf(!reportChromium)(`a signal at any moment of the launch leaves no browser and no temporary profile (${reportChromium ?? ('reason' in found ? found.reason : '')})`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'chromium-signal-test-'));
    // every process and folder of these launches has `root` in its command line or path: the launcher's TMPDIR holds
    // the temporary profiles, the other launches use a profile below it
    const running = () =>
      readdirSync('/proc')
        .filter((name) => /^\d+$/.test(name))
        .filter((name) => {
          try {
            return readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(root) && !readFileSync(`/proc/${name}/stat`, 'utf8').includes(') Z ');
          } catch {
            return false;
          }
        });
    const rng = createRng(20);
    const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
    const runs = [
      ...signals.map((signal) => ({ signal, delayMs: 'at spawn' as const })),
      ...Array.from({ length: 12 }, (_, i) => ({ signal: signals[i % 3], delayMs: Math.round(500 * rng.next()) })),
    ];
    const left: string[] = [];
    try {
      for (const [run, { signal, delayMs }] of runs.entries()) {
        const userDataDir = run % 2 === 0 ? null : join(root, `profile-${run}`);
        const launch = JSON.stringify({ executablePath: reportChromium, args: ARGS, userDataDir, windowSize });
        const atSpawn =
          delayMs === 'at spawn'
            ? `const cp = require('child_process'); const spawn = cp.spawn; cp.spawn = (...a) => { const c = spawn(...a); process.kill(process.pid, '${signal}'); return c; };`
            : '';
        const script = `${atSpawn} const { launchChromium } = require('./src/browser/chromium.ts'); console.log('launching'); launchChromium(${launch}).then(() => console.log('up')); setInterval(() => {}, 1000);`;
        const launcher = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
          cwd: join(__dirname, '..', '..'),
          env: { ...process.env, TMPDIR: root },
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        const ended = new Promise<NodeJS.Signals | null>((resolve) => launcher.once('exit', (_code, sig) => resolve(sig)));
        if (delayMs !== 'at spawn') {
          await new Promise<void>((resolve, reject) => {
            launcher.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('launching') && resolve());
            launcher.once('exit', () => reject(new Error('the launcher exited before launching')));
          });
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          launcher.kill(signal);
        }
        expect(await ended).toBe(signal); // ended by the signal itself, after the cleanup
        // SIGKILLed processes can take a moment to be gone on a loaded machine
        for (let i = 0; i < 100 && running().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
        for (const pid of running()) left.push(`${signal} ${delayMs === 'at spawn' ? delayMs : `after ${delayMs} ms`}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 120)}`);
        for (const name of readdirSync(root).filter((n) => n.startsWith('chromium-profile-'))) {
          left.push(`${signal} ${delayMs === 'at spawn' ? delayMs : `after ${delayMs} ms`}: temporary profile ${name}`);
          rmSync(join(root, name), { recursive: true, force: true });
        }
      }
      expect(left).toEqual([]);
    } finally {
      for (const pid of running()) process.kill(Number(pid), 'SIGKILL');
      rmSync(root, { recursive: true, force: true });
    }
  }, 240_000);
});
