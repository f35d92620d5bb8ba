/**
 * Worker-thread side of the silhouette: initialises its own tfjs backend once (wasm is single-threaded in Node,
 * so each worker is one core), reports ready, then runs the shared kernel for each task it is sent.
 * Started and pooled by silhouette.ts.
 */
import { parentPort, workerData } from 'worker_threads';
import { initBackend, type BackendName } from './backend';
import { silhouetteRows, type KernelInput } from './silhouetteKernel';

/** A task from the parent. */
export interface WorkerTask {
  readonly type: 'task';
  readonly id: number;
  readonly input: KernelInput;
  readonly rowIds: Int32Array;
  readonly chunkSize: number;
}

/** Messages to the parent. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly id: number; readonly rowsDone: number }
  | { readonly type: 'done'; readonly id: number; readonly values: Float64Array }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

/** Entry point of a silhouette worker (workerData.backend names the tfjs backend). */
export async function runSilhouetteWorker(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('runSilhouetteWorker must run inside a worker thread');
  const { backend } = workerData as { backend: BackendName };
  try {
    await initBackend({ backend });
  } catch (error) {
    port.postMessage({ type: 'error', id: -1, message: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
    return;
  }
  port.on('message', (task: WorkerTask) => {
    try {
      const values = silhouetteRows(task.input, task.rowIds, task.chunkSize, (rowsDone) => {
        port.postMessage({ type: 'progress', id: task.id, rowsDone } satisfies WorkerMessage);
      });
      port.postMessage({ type: 'done', id: task.id, values } satisfies WorkerMessage, [values.buffer]);
    } catch (error) {
      port.postMessage({ type: 'error', id: task.id, message: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
    }
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}
