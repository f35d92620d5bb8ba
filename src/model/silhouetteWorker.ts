/**
 * Worker-thread side of the silhouette: initialises its own tfjs backend (wasm is single-threaded in Node, so
 * each worker is one core) and runs the shared kernel on the rows it was given. Started by silhouette.ts.
 */
import { parentPort, workerData } from 'worker_threads';
import { initBackend, type BackendName } from './backend';
import { silhouetteRows, type KernelInput } from './silhouetteKernel';

/** Message from the parent. */
export interface WorkerTask {
  readonly backend: BackendName;
  readonly input: KernelInput;
  readonly rowIds: Int32Array;
  readonly chunkSize: number;
}

/** Messages to the parent. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly rowsDone: number }
  | { readonly type: 'done'; readonly values: Float64Array }
  | { readonly type: 'error'; readonly message: string };

/** Entry point of a silhouette worker: reads the task from workerData, posts progress and the values. */
export async function runSilhouetteWorker(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('runSilhouetteWorker must run inside a worker thread');
  const task = (workerData as { task: WorkerTask }).task;
  try {
    await initBackend({ backend: task.backend });
    const values = silhouetteRows(task.input, task.rowIds, task.chunkSize, (rowsDone) => {
      port.postMessage({ type: 'progress', rowsDone } satisfies WorkerMessage);
    });
    port.postMessage({ type: 'done', values } satisfies WorkerMessage, [values.buffer]);
  } catch (error) {
    port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
  }
}
