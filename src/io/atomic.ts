import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OptionsError } from '../util/errors';
import { processAlive } from '../util/process';

/** Name prefix of the staging folders {@link StagedOutput} creates in an output folder. */
export const STAGING_PREFIX = '.staging-';
/** File inside a staging folder holding the pid of the process that writes it. */
const OWNER_FILE = '.owner';
/** A staging folder without an owner file this old (ms) is left over: its owner died before writing the file. */
const ORPHAN_AGE_MS = 10 * 60 * 1000;

/** Options of {@link StagedOutput.create}. */
export interface StagedOutputOptions {
  /**
   * Folders (relative to root) that hold this run's files only: at commit, files there that this run did not write
   * are removed (a re-run without PNGs leaves no earlier PNG beside the new HTML). Default: none.
   */
  exclusiveDirs?: readonly string[];
  /** The flag that named root, for error messages. Default '--out'. */
  flag?: string;
}

/** What {@link StagedOutput.create} cleaned up. */
export interface StagingCleanup {
  /** Staging folders of earlier runs that were killed (their owner process is gone), removed. */
  removed: string[];
}

/**
 * Removes the staging folders left in `root` by runs that were killed (kill -9, power loss): those whose owner process
 * is gone, or without an owner file and older than ten minutes. A folder whose owner still runs is left alone.
 */
export async function removeStaleStaging(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(root)).filter((n) => n.startsWith(STAGING_PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const dir = join(root, name);
    let stale: boolean;
    try {
      const owner = Number((await readFile(join(dir, OWNER_FILE), 'utf8')).trim());
      stale = !(Number.isInteger(owner) && owner > 0 && (owner === process.pid || processAlive(owner)));
    } catch {
      try {
        const info = await stat(dir);
        stale = info.isDirectory() && Date.now() - info.mtimeMs > ORPHAN_AGE_MS;
      } catch {
        stale = false;
      }
    }
    if (!stale) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/**
 * Stages files in a temporary folder under `root`, then moves each into place only when all were written.
 * A failure before `commit` leaves every earlier output untouched.
 */
export class StagedOutput {
  private constructor(
    readonly root: string,
    private readonly tmp: string,
    private readonly exclusiveDirs: readonly string[],
    /** Staging folders of killed runs removed when this one was created. */
    readonly cleanup: StagingCleanup,
    private readonly files: string[] = [],
  ) {}

  /**
   * Creates the staging folder `<root>/.staging-XXXX` (with an owner file naming this process), after removing the
   * staging folders of killed runs (see {@link removeStaleStaging}).
   * @throws OptionsError when root exists and is not a folder, or cannot be created.
   */
  static async create(root: string, options: StagedOutputOptions = {}): Promise<StagedOutput> {
    const { exclusiveDirs = [], flag = '--out' } = options;
    try {
      await mkdir(root, { recursive: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new OptionsError(
        code === 'EEXIST' || code === 'ENOTDIR'
          ? `${flag} ${root} is a file, not a folder; pass ${flag} <a folder> (it is created when missing)`
          : `${flag} ${root}: cannot create the output folder (${code ?? (e as Error).message})`,
        flag.replace(/^--/, ''),
      );
    }
    const removed = await removeStaleStaging(root);
    const tmp = await mkdtemp(join(root, STAGING_PREFIX));
    await writeFile(join(tmp, OWNER_FILE), `${process.pid}\n`);
    return new StagedOutput(root, tmp, exclusiveDirs, { removed });
  }

  /** Path inside the staging folder for a final path relative to root (parent folders created). */
  async path(relative: string): Promise<string> {
    const p = join(this.tmp, relative);
    await mkdir(dirname(p), { recursive: true });
    if (!this.files.includes(relative)) this.files.push(relative);
    return p;
  }

  /** Writes a staged file. */
  async write(relative: string, content: string | Uint8Array | Iterable<string>): Promise<void> {
    await writeFile(await this.path(relative), content);
  }

  /** Registers a file that a callee wrote into the staging folder itself. */
  register(relative: string): void {
    if (!this.files.includes(relative)) this.files.push(relative);
  }

  /** The staging folder (for callees that write several files themselves). */
  get stagingDir(): string {
    return this.tmp;
  }

  /**
   * Moves every staged file into place (rename: atomic per file), removes the files of the exclusive folders that
   * this run did not write, and removes the staging folder.
   */
  async commit(): Promise<string[]> {
    for (const rel of this.files) {
      const target = join(this.root, rel);
      await mkdir(dirname(target), { recursive: true });
      await rename(join(this.tmp, rel), target);
    }
    const written = new Set(this.files.map((f) => join(this.root, f)));
    for (const dir of this.exclusiveDirs) {
      const full = join(this.root, dir);
      const entries = await readdir(full, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const file = join(full, entry.name);
        if (entry.isFile() && !written.has(file)) await unlink(file).catch(() => undefined);
      }
    }
    await this.discard();
    return [...this.files];
  }

  /** Removes the staging folder and everything in it. */
  async discard(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true });
  }
}

/** Device and inode of a path, following symbolic links; null when it does not exist. */
function identity(path: string): { dev: number; ino: number } | null {
  try {
    const s = statSync(path);
    return { dev: s.dev, ino: s.ino };
  } catch {
    return null;
  }
}

/** True when both paths name the same existing file (same device and inode: hard links and symbolic links included). */
export function sameFile(a: string, b: string): boolean {
  const x = identity(a);
  const y = identity(b);
  return x !== null && y !== null && x.dev === y.dev && x.ino === y.ino;
}

/**
 * A temporary file name beside `target` (same folder, so a rename replaces target atomically):
 * `.<name>.tmp-<pid>-<random>`.
 */
export function tempPathBeside(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Removes the temporary files that killed runs left beside `target` (see {@link tempPathBeside}): those whose
 * process is gone. Returns the paths removed.
 */
export async function removeStaleTemps(target: string): Promise<string[]> {
  const prefix = `.${basename(target)}.tmp-`;
  const names = await readdir(dirname(target)).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    const file = join(dirname(target), name);
    await unlink(file).catch(() => undefined);
    removed.push(file);
  }
  return removed;
}
