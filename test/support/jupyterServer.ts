/** Starting and stopping the Jupyter servers the live notebook tests run (classic Notebook, JupyterLab). */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (for a server a test starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}


/**
 * Collects the server's output into `log` and waits until `${base}/api/status?token=...` answers, or throws with the
 * end of the log when the server exits or `timeoutMs` passes.
 */
export async function waitForJupyter(server: ChildProcess, base: string, token: string, timeoutMs: number, what: string, log: string[]): Promise<void> {
  let exited = false;
  server.on('exit', () => (exited = true));
  server.stdout?.on('data', (d) => log.push(String(d)));
  server.stderr?.on('data', (d) => log.push(String(d)));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/status?token=${token}`)).ok) return;
    } catch {
      // not listening yet
    }
    if (exited || Date.now() > deadline) throw new Error(`${what} did not start: ${log.join('').slice(-800)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Stops a server started with `detached: true` (its own process group): SIGTERM to the group, so it shuts its
 * kernels down, then SIGKILL after `graceMs`.
 */
export async function stopJupyter(server: ChildProcess | undefined, graceMs: number): Promise<void> {
  if (!server?.pid || server.exitCode !== null) return;
  const gone = new Promise((resolve) => server.once('exit', resolve));
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const stopped = await Promise.race([gone.then(() => true), new Promise((r) => setTimeout(() => r(false), graceMs))]);
  if (!stopped) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}
