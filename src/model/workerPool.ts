/**
 * A small pool of worker threads for the model layer (k-means restarts and silhouette rows, host loops on every
 * backend). Workers start on first use (or on prewarm), are reused across calls, and do not keep the process alive
 * while idle.
 */
import { existsSync } from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { PoolTask, WorkerMessage } from './modelWorker';

interface PooledWorker {
  readonly worker: Worker;
  /** Resolves once the worker has loaded its code. */
  readonly ready: Promise<void>;
  /** Handlers of the tasks in flight, by task id. */
  readonly tasks: Map<number, { onProgress?: (done: number) => void; resolve: (result: unknown) => void; reject: (error: Error) => void }>;
}

/**
 * Young generation of each worker's V8 heap (MB). A worker's tasks hold typed arrays (outside the V8 heap) and few,
 * short-lived objects, so a small young generation costs no time; V8's default grows to ~48 MB a worker, resident
 * for the process's life (measured: a worker's heap 49 MB with the default, 20-25 MB with 8).
 */
export const WORKER_YOUNG_GENERATION_MB = 8;

const pool: PooledWorker[] = [];
let nextTaskId = 0;
const requireHere = createRequire(__filename);

function startWorker(): PooledWorker {
  // Under tsx/vitest (and tslab, whose compiled module names end in .js while only the .ts file exists on disk) the
  // worker module is TypeScript: the worker registers tsx's CommonJS hook before loading it.
  const compiled = path.join(__dirname, 'modelWorker.js');
  const extension = path.extname(__filename) === '.ts' || !existsSync(compiled) ? '.ts' : '.js';
  const register = extension === '.ts' ? requireHere.resolve('tsx/cjs/api') : null;
  const code = [
    "const { workerData } = require('worker_threads');",
    'if (workerData.register) require(workerData.register).register();',
    'require(workerData.module).runModelWorker();',
  ].join('\n');
  const worker = new Worker(code, {
    eval: true,
    execArgv: [],
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    workerData: { register, module: path.join(__dirname, `modelWorker${extension}`) },
  });
  worker.unref();
  const tasks: PooledWorker['tasks'] = new Map();
  let markReady: () => void = () => undefined;
  let failStart: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failStart = reject;
  });
  ready.catch(() => undefined);
  const entry: PooledWorker = { worker, ready, tasks };
  const fail = (error: Error) => {
    const index = pool.indexOf(entry);
    if (index >= 0) pool.splice(index, 1);
    failStart(error);
    for (const task of tasks.values()) task.reject(error);
    tasks.clear();
    void worker.terminate();
  };
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'ready') return markReady();
    const task = tasks.get(message.id);
    if (task === undefined) return;
    if (message.type === 'progress') return task.onProgress?.(message.done);
    tasks.delete(message.id);
    if (tasks.size === 0) worker.unref();
    if (message.type === 'done') task.resolve(message.result);
    else task.reject(new Error(`model worker failed: ${message.message}`));
  });
  worker.on('error', (error) => fail(error));
  worker.on('exit', (code) => fail(new Error(`model worker exited with code ${code}`)));
  return entry;
}

/** At least `count` pooled workers. */
function workersFor(count: number): PooledWorker[] {
  while (pool.length < count) pool.push(startWorker());
  return pool.slice(0, count);
}

/**
 * Runs `task` on pooled worker number `slot` (started if needed) and resolves with its result; `onProgress`
 * receives the worker's progress counts. The task is posted at once: a worker still starting queues it and runs it
 * once loaded, so the caller may block its own thread right after (the worker does not need this thread's event loop
 * to begin). Rejects if the worker cannot start or the task fails.
 */
export function runPooled(task: PoolTask, slot: number, onProgress?: (done: number) => void): Promise<unknown> {
  const entry = workersFor(slot + 1)[slot];
  return new Promise<unknown>((resolve, reject) => {
    const id = nextTaskId++;
    entry.tasks.set(id, { onProgress, resolve, reject });
    entry.worker.ref();
    entry.worker.postMessage({ id, task });
  });
}

/**
 * Starts `count` workers ahead of use, so their start-up (a thread, an isolate, the model code) overlaps other work;
 * resolves once they are ready (rejects if one cannot start). Callers may ignore the promise.
 */
export function prewarmWorkers(count: number): Promise<void> {
  if (count <= 0) return Promise.resolve();
  return Promise.all(workersFor(count).map((w) => w.ready)).then(() => undefined);
}

/** Stops the pooled workers (they are restarted on demand). */
export async function shutdownWorkers(): Promise<void> {
  await Promise.all(pool.splice(0, pool.length).map((entry) => entry.worker.terminate()));
}

/**
 * Stops the pooled workers that run no task (a task in flight keeps its worker), returning their memory: a worker's
 * isolate and the data its last task left for its garbage collector. They are restarted on demand. For a caller done
 * with the threads, e.g. the report after its k sweep.
 */
export async function stopIdleWorkers(): Promise<void> {
  const idle = pool.filter((entry) => entry.tasks.size === 0);
  for (const entry of idle) pool.splice(pool.indexOf(entry), 1);
  await Promise.all(idle.map((entry) => entry.worker.terminate()));
}

/** Workers in the pool (started or starting). */
export function pooledWorkerCount(): number {
  return pool.length;
}
