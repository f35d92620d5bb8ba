import { afterAll, describe, expect, it } from 'vitest';
import { silhouetteRows, type KernelInput } from './silhouetteKernel';
import type { PoolTask } from './modelWorker';
import { pooledWorkerCount, prewarmWorkers, runPooled, shutdownWorkers, stopIdleWorkers } from './workerPool';

const input: KernelInput = {
  rows: 4,
  cols: 1,
  centered: Float64Array.from([-3, -2, 2, 3]),
  labels: [Int32Array.from([0, 0, 1, 1])],
  ks: [2],
};

describe('worker pool', () => {
  afterAll(async () => {
    await shutdownWorkers();
  });

  it('runs a silhouette task in a worker with the same result as in-process, with progress', async () => {
    prewarmWorkers(1);
    const progress: number[] = [];
    const threaded = (await runPooled({ kind: 'silhouette', input, rowIds: Int32Array.from([0, 1, 2, 3]), chunkSize: 2 }, 0, (done) => progress.push(done))) as Float64Array;
    expect(Array.from(threaded)).toEqual(Array.from(silhouetteRows(input, Int32Array.from([0, 1, 2, 3]), 2)));
    expect(progress).toEqual([2, 4]);
  });

  it('stops idle workers only, and starts one again on demand', async () => {
    const rowIds = Int32Array.from([0, 1, 2, 3]);
    const expected = Array.from(silhouetteRows(input, rowIds, 2));
    await prewarmWorkers(2);
    expect(pooledWorkerCount()).toBe(2);
    const busy = runPooled({ kind: 'silhouette', input, rowIds, chunkSize: 2 }, 1);
    await stopIdleWorkers(); // worker 0 is idle, worker 1 has a task in flight
    expect(pooledWorkerCount()).toBe(1);
    expect(Array.from((await busy) as Float64Array)).toEqual(expected);
    await stopIdleWorkers();
    expect(pooledWorkerCount()).toBe(0);
    const again = (await runPooled({ kind: 'silhouette', input, rowIds, chunkSize: 2 }, 0)) as Float64Array;
    expect(Array.from(again)).toEqual(expected);
    expect(pooledWorkerCount()).toBe(1);
  });

  it('a task that fails rejects with the reason, and the worker takes the next task', async () => {
    const broken = { kind: 'kmeansQueue', batches: null, next: new Int32Array(new SharedArrayBuffer(4)) } as unknown as PoolTask;
    await expect(runPooled(broken, 0)).rejects.toThrow(/^model worker failed: .*null/);
    const rowIds = Int32Array.from([0, 1, 2, 3]);
    expect(Array.from((await runPooled({ kind: 'silhouette', input, rowIds, chunkSize: 4 }, 0)) as Float64Array)).toEqual(Array.from(silhouetteRows(input, rowIds, 4)));
  });
});
