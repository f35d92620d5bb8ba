/**
 * The columns of a customer table moved to a temporary folder and back: for a phase that needs none of them (the k
 * sweep works on the standardized matrix alone), so the table's memory is not held beside the sweep's. At 10,000,000
 * Mall-shaped rows that is about 440 MB (three numeric columns, the file lines, the integer ids, one categorical column).
 */
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Customers } from '../data/clean';

/** Options of {@link spillColumns}. */
export interface SpillOptions {
  /**
   * Folder in which the temporary folder is made: on a disk (a tmpfs /tmp would keep the columns in memory). Default:
   * the system's (os.tmpdir()).
   */
  dir?: string;
  /**
   * Name prefix of the temporary folder. It holds a `.owner` file with this process's id, so that a folder named as
   * StagedOutput's staging folders (STAGING_PREFIX) and left by a killed run is removed by the next run. Default
   * 'segmentation-columns-'.
   */
  prefix?: string;
}

/** Columns moved out by {@link spillColumns}. */
export interface SpilledColumns {
  /** Bytes written. */
  readonly bytes: number;
  /** Puts the very values back into the table (new arrays) and removes the temporary folder; once. */
  restore(): Promise<void>;
}

type Mutable = { -readonly [K in keyof Customers]: Customers[K] };

/** A typed array's bytes, without a copy. */
function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

async function writeAll(path: string, array: ArrayBufferView): Promise<number> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(bytesOf(array));
  } finally {
    await handle.close();
  }
  return array.byteLength;
}

async function readInto<T extends ArrayBufferView>(path: string, array: T): Promise<T> {
  const handle = await open(path, 'r');
  try {
    const target = bytesOf(array);
    for (let done = 0; done < target.length; ) {
      const { bytesRead } = await handle.read(target, done, target.length - done, done);
      if (bytesRead === 0) throw new Error(`${path} ended after ${done} of ${target.length} bytes`);
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return array;
}

/** Codes of a column of few distinct strings and its dictionary (code -> value). */
function encodeStrings(values: readonly string[]): { codes: Uint32Array; dictionary: string[] } {
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  const codes = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let code = index.get(values[i]);
    if (code === undefined) {
      code = dictionary.push(values[i]) - 1;
      index.set(values[i], code);
    }
    codes[i] = code;
  }
  return { codes, dictionary };
}

/**
 * Moves the columns of `data` (numeric columns, file lines, categorical columns, and the ids when they are all
 * numbers) into files of a new temporary folder and leaves empty columns in their place until `restore()`, which reads
 * them back: the same values, in new arrays. Nothing may read the columns in between. String ids stay in memory.
 * @example const spilled = await spillColumns(prep.data); try { await sweep(); } finally { await spilled.restore(); }
 */
export async function spillColumns(data: Customers, options: SpillOptions = {}): Promise<SpilledColumns> {
  const target = data as Mutable;
  const n = data.n;
  const dir = await mkdtemp(join(options.dir ?? tmpdir(), options.prefix ?? 'segmentation-columns-'));
  const restores: (() => Promise<void>)[] = [];
  let bytes = 0;
  try {
    await writeFile(join(dir, '.owner'), `${process.pid}\n`);
    let file = 0;
    const path = () => join(dir, `${file++}.bin`);
    for (const name of Object.keys(data.numeric)) {
      const at = path();
      bytes += await writeAll(at, data.numeric[name]);
      restores.push(async () => void (target.numeric[name] = await readInto(at, new Float64Array(n))));
    }
    const linesAt = path();
    bytes += await writeAll(linesAt, data.lines);
    restores.push(async () => void (target.lines = await readInto(linesAt, new Int32Array(n))));
    for (const name of Object.keys(data.categorical)) {
      const at = path();
      const { codes, dictionary } = encodeStrings(data.categorical[name]);
      bytes += await writeAll(at, codes);
      restores.push(async () => {
        const read = await readInto(at, new Uint32Array(n));
        const column = new Array<string>(n);
        for (let i = 0; i < n; i++) column[i] = dictionary[read[i]];
        target.categorical[name] = column;
      });
    }
    const numericIds = data.ids.every((id) => typeof id === 'number');
    if (numericIds) {
      const at = path();
      bytes += await writeAll(at, Float64Array.from(data.ids as number[]));
      restores.push(async () => {
        const read = await readInto(at, new Float64Array(n));
        const ids = new Array<number>(n);
        for (let i = 0; i < n; i++) ids[i] = read[i];
        target.ids = ids;
      });
    }
    // every column is on disk: only now are the in-memory ones let go
    for (const name of Object.keys(data.numeric)) target.numeric[name] = new Float64Array(0);
    target.lines = new Int32Array(0);
    for (const name of Object.keys(data.categorical)) target.categorical[name] = [];
    if (numericIds) target.ids = [];
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let restored = false;
  return {
    bytes,
    async restore() {
      if (restored) return;
      restored = true;
      try {
        for (const r of restores) await r();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
