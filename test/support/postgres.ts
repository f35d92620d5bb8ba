/**
 * A throwaway PostgreSQL server for tests (Debian's postgresql package): initdb into a temporary folder, listening on
 * a Unix socket in that folder only (no TCP), run as the `postgres` user when the tests run as root.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Folder of Debian's PostgreSQL server binaries (the newest version installed), or null. */
export function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], 'bin') : null;
}

/** Why PostgreSQL tests cannot run here, or '' when they can. */
export function postgresSkipReason(): string {
  if (postgresBinDir() === null) return 'PostgreSQL server not installed (apt-get install postgresql)';
  if (!existsSync('/usr/bin/psql')) return 'psql not installed (apt-get install postgresql-client)';
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root without a postgres user to run the server as';
    }
  }
  return '';
}

export interface TestPostgres {
  /** Runs SQL through psql (unaligned, comma-separated, no header) and returns stdout. */
  psql(sql: string): Promise<string>;
  /** A connection URL for clients (the `pg` package): the Unix socket folder as host. */
  url: string;
  stop(): Promise<void>;
}

/** Starts a server; call stop() when done (it also removes the folder). */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir() as string;
  const dir = mkdtempSync(join(tmpdir(), 'pgtest-'));
  chmodSync(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  const user = 'postgres';
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', user]).toString());
    const gid = Number(execFileSync('id', ['-g', user]).toString());
    chownSync(dir, uid, gid);
  }
  const as = (cmd: string, args: string[]) => (asRoot ? run('runuser', ['-u', user, '--', cmd, ...args]) : run(cmd, args));
  const data = join(dir, 'data');
  await as(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', user, '--no-sync']);
  await as(join(bin, 'pg_ctl'), ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-k ${dir} -c listen_addresses= -c fsync=off -p 5432`, 'start']);
  return {
    url: `postgresql://${user}@localhost/postgres?host=${encodeURIComponent(dir)}&port=5432`,
    async psql(sql: string) {
      const { stdout } = await run('psql', ['-h', dir, '-p', '5432', '-U', user, '-d', 'postgres', '-X', '-q', '-A', '-t', '-F', ',', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
        maxBuffer: 1 << 30,
      });
      return stdout;
    },
    async stop() {
      try {
        await as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
