import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Stages files in a temporary folder under `root`, then moves each into place only when all were written.
 * A failure before `commit` leaves every earlier output untouched.
 */
export class StagedOutput {
  private constructor(
    readonly root: string,
    private readonly tmp: string,
    private readonly files: string[] = [],
  ) {}

  /** Creates the staging folder `<root>/.staging-XXXX`. */
  static async create(root: string): Promise<StagedOutput> {
    await mkdir(root, { recursive: true });
    return new StagedOutput(root, await mkdtemp(join(root, '.staging-')));
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

  /** Moves every staged file into place (rename: atomic per file) and removes the staging folder. */
  async commit(): Promise<string[]> {
    for (const rel of this.files) {
      const target = join(this.root, rel);
      await mkdir(dirname(target), { recursive: true });
      await rename(join(this.tmp, rel), target);
    }
    await this.discard();
    return [...this.files];
  }

  /** Removes the staging folder and everything in it. */
  async discard(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true });
  }
}
