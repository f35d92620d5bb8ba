/**
 * A headless Chromium started directly (child_process) and driven over the DevTools protocol with
 * chrome-remote-interface. Why not playwright-core here: requiring it costs ~0.45 s of CPU (1.4-2 s while the
 * browser starts beside it on a 2-core machine), which sat on the report's critical path; chrome-remote-interface
 * loads in ~0.03 s. Starting the process ourselves also lets the first pages load plotly.js while Node is still
 * busy: their URLs are on Chromium's command line.
 */
import { spawn, type ChildProcess } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import CDP from 'chrome-remote-interface';

/** Options of {@link launchChromium}. */
export interface LaunchOptions {
  executablePath: string;
  /** Extra command-line switches (the DevTools port, profile and headless switches are added here). */
  args: readonly string[];
  /** Profile folder; `null`: a fresh temporary one, deleted on close. */
  userDataDir: string | null;
  /** Pages opened at launch (see {@link ChromiumSession.page}). Default none. */
  initialUrls?: readonly string[];
  /** Window size of every page in CSS pixels (a page's innerHeight is somewhat less: the window's frame). */
  windowSize: { width: number; height: number };
  /** Longest wait for the browser to start, in ms. Default 60000. */
  startTimeoutMs?: number;
}

/** One page of the browser. */
export interface ChromiumPage {
  /**
   * Evaluates a JavaScript expression in the page, awaiting a returned promise; resolves with its JSON value.
   * Rejects with the page's exception text when it throws.
   */
  evaluate<T>(expression: string): Promise<T>;
  /** Uncaught exceptions of the page so far, one line each. */
  readonly errors: readonly string[];
}

/** A running browser. */
export interface ChromiumSession {
  /**
   * The page showing `url`: one opened at launch with that URL that is not taken yet, else a new one
   * (Target.createTarget). Resolves once the page's load event has fired.
   */
  page(url: string): Promise<ChromiumPage>;
  /** Process id of the browser. */
  readonly pid: number;
  /**
   * Closes the browser gracefully (so the profile and its caches are written; killed after 5 s) and waits for it to
   * exit. With `wait: false` (only for a profile that is not temporary) it returns once Chromium has been told to
   * close, and lets it finish on its own: this process may then exit without killing it. Idempotent.
   */
  close(options?: { wait?: boolean }): Promise<void>;
}

/** Switches every launch gets: DevTools on a free port, no throttling of pages that are not in front. */
const BASE_SWITCHES = [
  '--headless',
  '--remote-debugging-port=0',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
];

function lastLines(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-2).join(' | ').slice(0, 300);
}

/** Resolves once `child` has exited, or at once when it never started (spawn failed: 'error' and no 'exit'). */
function exited(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The pids below `pid` in the process tree, read from Linux's /proc (none where there is no /proc). */
export function descendants(pid: number): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const name of names) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read the fields after the last ')'.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
  }
  const out: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = children.get(queue.shift()!) ?? [];
    out.push(...next);
    queue.push(...next);
  }
  return out;
}

/**
 * Kills (SIGKILL) every process started with `--user-data-dir=<userDataDir>`, read from Linux's /proc (none where there
 * is no /proc): the browser of a run that was killed with SIGKILL, which no handler of that run could end. Only for a
 * profile folder no live renderer uses. Returns the pids signalled.
 */
export function killBrowsersOfProfile(userDataDir: string): number[] {
  const flag = `--user-data-dir=${userDataDir}`;
  let names: string[];
  try {
    names = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const killed: number[] = [];
  for (const name of names) {
    let args: string[];
    try {
      args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // ended meanwhile
    }
    if (!args.includes(flag)) continue;
    try {
      process.kill(Number(name), 'SIGKILL');
      killed.push(Number(name));
    } catch {
      // ended meanwhile, or not ours
    }
  }
  return killed;
}

/** Sends `name` to the child and every process below it (the browser behind a wrapper script, its helpers). */
function signalTree(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  for (const pid of [...descendants(child.pid), child.pid]) {
    try {
      process.kill(pid, name);
    } catch {
      // ended meanwhile
    }
  }
}

/** Signals whose default action ends this process without running its 'exit' handlers. */
const FATAL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Cleanups of the browsers still running, run when a fatal signal arrives. */
const onFatalSignal = new Set<() => void>();
const signalHandlers = new Map<NodeJS.Signals, () => void>();

/**
 * Runs `cleanup` when this process is ended by SIGINT, SIGTERM or SIGHUP, then ends it by the same signal (so its exit
 * status still says which). Only for signals nobody else handles: a process that handles one itself (a Jupyter kernel
 * interrupted by SIGINT keeps running) keeps its behaviour. Returns a function that removes `cleanup`.
 */
export function killOnFatalSignal(cleanup: () => void): () => void {
  onFatalSignal.add(cleanup);
  for (const name of FATAL_SIGNALS) {
    if (signalHandlers.has(name) || process.listenerCount(name) > 0) continue;
    const handler = () => {
      for (const c of onFatalSignal) c();
      onFatalSignal.clear();
      for (const [n, h] of signalHandlers) process.removeListener(n, h);
      signalHandlers.clear();
      // with no other handler, the default action ends the process
      if (process.listenerCount(name) === 0) process.kill(process.pid, name);
    };
    signalHandlers.set(name, handler);
    process.on(name, handler);
  }
  return () => {
    onFatalSignal.delete(cleanup);
    if (onFatalSignal.size > 0) return;
    for (const [n, h] of signalHandlers) process.removeListener(n, h);
    signalHandlers.clear();
  };
}

/** Blocks this thread for `ms` (a signal handler that must finish its cleanup before the process ends). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for "DevTools listening on ws://host:port/devtools/browser/id" on stderr; rejects if Chromium ends first. */
function devToolsEndpoint(child: ChildProcess, timeoutMs: number): Promise<{ port: number; browserUrl: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    let settled = false;
    const finish = (error: Error | null, value?: { port: number; browserUrl: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value!);
    };
    const timer = setTimeout(() => {
      signalTree(child, 'SIGKILL');
      finish(new Error(`no DevTools endpoint after ${timeoutMs} ms${text ? `: ${lastLines(text)}` : ''}`));
    }, timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      if (settled) return; // keep draining stderr so Chromium never blocks on a full pipe
      text += chunk.toString();
      const match = /DevTools listening on (ws:\/\/[^\s/]+:(\d+)\/\S+)/.exec(text);
      if (match) finish(null, { port: Number(match[2]), browserUrl: match[1] });
    });
    child.once('error', (error) => finish(error));
    child.once('exit', (code, signal) =>
      finish(new Error(`exited with ${code !== null ? `code ${code}` : `signal ${signal}`} before DevTools was ready${text ? `: ${lastLines(text)}` : ''}`)),
    );
  });
}

/** Attaches to one page target and waits until `url` has finished loading in it. */
async function attach(port: number, targetId: string, url: string): Promise<{ page: ChromiumPage; client: CDP.Client }> {
  const client = await CDP({ port, target: targetId, local: true });
  const errors: string[] = [];
  client.on('Runtime.exceptionThrown', ({ exceptionDetails }) => {
    errors.push((exceptionDetails.exception?.description ?? exceptionDetails.text).split('\n')[0]);
  });
  await client.Runtime.enable();
  const evaluate = async <T>(expression: string): Promise<T> => {
    const { result, exceptionDetails } = await client.Runtime.evaluate({ expression, awaitPromise: true, returnByValue: true });
    if (exceptionDetails) throw new Error((exceptionDetails.exception?.description ?? exceptionDetails.text).split('\n')[0]);
    return result.value as T;
  };
  // A page opened at launch may still be on its first blank document, or navigating: poll until it shows `url`
  // and its load event has fired (an evaluation can fail while the document is replaced).
  const probe = `document.readyState === 'complete' && location.href === ${JSON.stringify(url)}`;
  for (;;) {
    const ready = await evaluate<boolean>(probe).catch(() => false);
    if (ready) break;
    await sleep(20);
  }
  return { page: { evaluate, errors }, client };
}

/**
 * Starts headless Chromium with a DevTools port and returns once it is listening (pages given in `initialUrls`
 * are loading by then). Never downloads a browser.
 * @throws Error "exited with code N before DevTools was ready: <last stderr lines>" when it cannot start.
 */
export async function launchChromium(options: LaunchOptions): Promise<ChromiumSession> {
  const { executablePath, args, initialUrls = [], windowSize, startTimeoutMs = 60_000 } = options;
  // The cleanups are registered before anything they undo exists: a SIGINT, SIGTERM or SIGHUP that arrives while the
  // profile is created or the browser spawned runs them once this synchronous code has finished (Node runs signal
  // listeners on the event loop), so there is no moment at which this process can be ended by one of those signals
  // and leave a browser or a temporary profile behind.
  let temporary: string | null = null;
  let child: ChildProcess | undefined;
  const removeTemporary = () => {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  };
  const signal = (name: NodeJS.Signals) => {
    if (child) signalTree(child, name);
  };
  // Never leave a browser behind when this process ends without closing it (crash, process.exit).
  const killOnExit = () => signal('SIGKILL');
  process.once('exit', killOnExit);
  let userDataDir: string | null = options.userDataDir;
  const removeSignalHandlers = killOnFatalSignal(() => {
    signal('SIGKILL');
    // a process forked while the tree was read (the wrapper starting the browser) is no longer below the child once
    // its parent is gone: every process of this profile carries the flag
    if (userDataDir !== null) for (let pass = 0; pass < 5 && killBrowsersOfProfile(userDataDir).length > 0; pass++) sleepSync(20);
    removeTemporary();
  });
  const unregister = () => {
    process.removeListener('exit', killOnExit);
    removeSignalHandlers();
  };
  try {
    if (userDataDir === null) userDataDir = temporary = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    // Not detached: the browser stays in this process's group, so whoever kills the group (Jupyter stopping a kernel
    // that drew figures) ends the browser too. Signals go to the child's whole process tree: `executablePath` may be a
    // wrapper script that does not exec the browser (Debian's /usr/bin/chromium-headless-shell).
    child = spawn(
      executablePath,
      [...args, ...BASE_SWITCHES, `--user-data-dir=${userDataDir}`, `--window-size=${windowSize.width},${windowSize.height}`, ...initialUrls],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    unregister();
    removeTemporary();
    throw error;
  }
  const browserProcess = child;
  browserProcess.once('exit', unregister);
  // 'error' and never 'exit' when the executable could not be started
  browserProcess.once('error', () => {
    if (browserProcess.pid === undefined) unregister();
  });
  let endpoint: { port: number; browserUrl: string };
  try {
    endpoint = await devToolsEndpoint(browserProcess, startTimeoutMs);
  } catch (error) {
    await exited(browserProcess);
    removeTemporary();
    throw error;
  }
  const { port, browserUrl } = endpoint;
  let browser: CDP.Client;
  try {
    browser = await CDP({ target: browserUrl, local: true });
  } catch (error) {
    signal('SIGKILL');
    await exited(browserProcess);
    removeTemporary();
    throw error;
  }
  const clients: CDP.Client[] = [];
  const taken = new Set<string>();
  let closing: Promise<void> | null = null;

  return {
    async page(url) {
      if (closing) throw new Error('the browser is closed');
      // A page from the command line may still show about:blank before its navigation starts: look for it up to
      // 50 times, 20 ms apart; any other URL gets a new page at once.
      const attempts = initialUrls.includes(url) ? 51 : 1;
      let target: CDP.Target | undefined;
      for (let attempt = 0; attempt < attempts && target === undefined; attempt++) {
        if (attempt > 0) await sleep(20);
        target = (await CDP.List({ port })).find((t) => t.type === 'page' && t.url === url && !taken.has(t.id));
      }
      const targetId = target?.id ?? (await browser.Target.createTarget({ url })).targetId;
      taken.add(targetId);
      const { page, client } = await attach(port, targetId, url);
      clients.push(client);
      return page;
    },
    pid: browserProcess.pid!,
    close(closeOptions = {}) {
      const wait = closeOptions.wait ?? true;
      closing ??= (async () => {
        if (!wait && temporary === null) {
          // SIGTERM starts the same orderly shutdown as Browser.close (profile and caches written) without a
          // round trip; Chromium finishes it on its own after this process has gone.
          unregister();
          for (const c of [...clients, browser]) c.close().catch(() => undefined);
          signal('SIGTERM');
          browserProcess.stderr?.destroy();
          browserProcess.unref();
          return;
        }
        await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
        // Browser.close lets Chromium write its profile (the code cache of plotly.js) before it exits.
        await browser.Browser.close().catch(() => signal('SIGTERM'));
        await browser.close().catch(() => undefined);
        const killer = setTimeout(() => signal('SIGKILL'), 5000);
        await exited(browserProcess);
        clearTimeout(killer);
        removeTemporary();
      })();
      return closing;
    },
  };
}
