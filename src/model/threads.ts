/**
 * How many threads the model code runs on: the `threads` option (`--threads N`, env SEGMENTATION_THREADS) as the
 * most, every core (os.availableParallelism()) by default, fewer when the work has fewer pieces or when the threads'
 * own copies of the data would take more than THREAD_MEMORY_SHARE of the machine's memory. On wasm and cpu every
 * thread count gives the same bytes: the pieces of work are the same whatever thread runs them.
 */
import { availableParallelism, totalmem } from 'node:os';
import { OptionsError } from '../util/errors';

/** Environment variable read when no `threads` option is given. */
export const THREADS_ENV = 'SEGMENTATION_THREADS';

/**
 * Share of os.totalmem() the threads' own buffers may take together (k-means' seeding buffers, labels and bounds; the
 * silhouette's copy of the data in cell order): past it, fewer threads run.
 */
export const THREAD_MEMORY_SHARE = 0.25;

/**
 * Memory of a model worker thread before it holds any data (its V8 isolate and the model code), bytes: an upper bound
 * (a worker that also loaded tfjs and a wasm heap added 42-45 MB of RSS on Node 20 under tsx; workers load neither now).
 */
export const THREAD_BASE_BYTES = 48 * 2 ** 20;

/** Checks a thread count: an integer >= 1. `where` names it in the error (an option, a flag, the env variable). */
export function checkThreads(value: unknown, where = 'threads'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new OptionsError(`${where}=${JSON.stringify(value)} should be an integer >= 1 (1 = this thread only)`, 'threads');
  }
  return value;
}

/** A thread count written as text (a CLI flag or the env variable), checked as {@link checkThreads}. */
export function parseThreads(text: string, where: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) {
    throw new OptionsError(`${where}=${JSON.stringify(text)} should be an integer >= 1 (1 = this thread only)`, 'threads');
  }
  return checkThreads(Number(trimmed), where);
}

/**
 * The most threads to use: `requested` when given (checked), else env SEGMENTATION_THREADS when set (checked,
 * named in the error), else os.availableParallelism().
 * @throws OptionsError for a value that is not an integer >= 1
 */
export function resolveThreads(requested?: number, env: NodeJS.ProcessEnv = process.env): number {
  if (requested !== undefined) return checkThreads(requested);
  const fromEnv = env[THREADS_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseThreads(fromEnv, `env ${THREADS_ENV}`);
  return availableParallelism();
}

/**
 * Threads whose own memory (`bytesPerThread` each, plus THREAD_BASE_BYTES) fits in THREAD_MEMORY_SHARE of
 * `memoryBytes` (default os.totalmem()); at least 1 (this thread always runs).
 */
export function threadsForMemory(bytesPerThread: number, memoryBytes = totalmem()): number {
  return Math.max(1, Math.floor((THREAD_MEMORY_SHARE * memoryBytes) / (bytesPerThread + THREAD_BASE_BYTES)));
}

/**
 * Threads for `pieces` pieces of work: at most `threads`, `pieces` and what memory allows (see threadsForMemory).
 * Assumes a checked `threads`.
 */
export function boundThreads(threads: number, pieces: number, bytesPerThread: number, memoryBytes = totalmem()): number {
  return Math.max(1, Math.min(threads, pieces, threadsForMemory(bytesPerThread, memoryBytes)));
}
