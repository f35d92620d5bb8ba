/**
 * The sqlite3 command-line shell (Debian's `sqlite3` package) for tests: one process per call, SQL on stdin, CSV out.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Why the SQLite tests cannot run here, or '' when they can: the shell must exist, have the math functions (SQRT, LN;
 * a compile-time option of SQLite) and the shell's own ieee754_to_blob, which the tests use to read doubles exactly.
 */
export function sqliteSkipReason(): string {
  let out: string;
  try {
    out = execFileSync('sqlite3', ['-batch', '-csv', ':memory:'], { input: "SELECT sqrt(4.0), ln(1.0), hex(ieee754_to_blob(1.0));\n", stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') return 'sqlite3 shell not installed (apt-get install sqlite3)';
    return `sqlite3 lacks sqrt/ln or ieee754_to_blob (built without SQLITE_ENABLE_MATH_FUNCTIONS?): ${String(err.stderr ?? err.message).trim()}`;
  }
  return out.trim() === '2.0,0.0,3FF0000000000000' ? '' : `sqlite3 answered ${JSON.stringify(out.trim())} to a self-check (expected 2.0,0.0,3FF0000000000000)`;
}

/** The shell's version line, e.g. "3.40.1 2022-12-28 ...". */
export function sqliteVersion(): string {
  return execFileSync('sqlite3', ['-version']).toString().trim();
}

/**
 * Runs a script (SQL and dot-commands) in the sqlite3 shell on `database` (':memory:' by default) with CSV output and
 * no header, stopping at the first error (-bail); returns stdout. Errors name the shell's message.
 */
export async function sqlite(script: string, options: { database?: string } = {}): Promise<string> {
  const { database = ':memory:' } = options;
  const child = run('sqlite3', ['-batch', '-bail', '-csv', '-noheader', database], { maxBuffer: 1 << 30 });
  child.child.stdin?.end(script);
  let result: { stdout: string; stderr: string };
  try {
    result = await child;
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`sqlite3 on ${database} failed: ${(err.stderr || err.message).trim()}`);
  }
  // the shell reports some errors (a bad .import) on stderr with exit status 0
  if (result.stderr.trim() !== '') throw new Error(`sqlite3 on ${database} wrote to stderr: ${result.stderr.trim()}`);
  return result.stdout;
}
