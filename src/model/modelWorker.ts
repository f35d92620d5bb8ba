/**
 * Worker-thread side of the model layer: reports ready, then runs the tasks it is sent: silhouette rows
 * (silhouetteKernel) or a batch of k-means restarts (kmeans). Both are float64 loops on the host: a worker loads no
 * tfjs backend. Started and pooled by workerPool.ts.
 */
import { parentPort } from 'worker_threads';
import { runQueuedBatches, type RestartBatch } from './kmeansKernel';
import { silhouetteRows, type KernelInput } from './silhouetteKernel';

/** Work for a pooled worker. */
export type PoolTask =
  | { readonly kind: 'silhouette'; readonly input: KernelInput; readonly rowIds: Int32Array; readonly chunkSize: number }
  /**
   * Batches of k-means restarts shared with other threads: each thread takes the next batch number from `next`
   * (shared memory, Atomics.add) until none is left, so no thread waits for another to hand out work. The result
   * is the batches this worker ran: { index, result }[].
   */
  | { readonly kind: 'kmeansQueue'; readonly batches: readonly RestartBatch[]; readonly next: Int32Array };

/** Messages to the parent. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly id: number; readonly done: number }
  | { readonly type: 'done'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

/** Entry point of a model worker. */
export function runModelWorker(): void {
  const port = parentPort;
  if (port === null) throw new Error('runModelWorker must run inside a worker thread');
  port.on('message', ({ id, task }: { id: number; task: PoolTask }) => {
    try {
      if (task.kind === 'silhouette') {
        const values = silhouetteRows(task.input, task.rowIds, task.chunkSize, (done) => {
          port.postMessage({ type: 'progress', id, done } satisfies WorkerMessage);
        });
        port.postMessage({ type: 'done', id, result: values } satisfies WorkerMessage, [values.buffer]);
      } else {
        const results = runQueuedBatches(task.batches, task.next);
        const buffers = results.flatMap(({ result }) => [result.labels.buffer, result.centers.buffer]);
        port.postMessage({ type: 'done', id, result: results } satisfies WorkerMessage, buffers);
      }
    } catch (error) {
      port.postMessage({ type: 'error', id, message: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
    }
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}
