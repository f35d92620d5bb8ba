import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { NATIVE_LOADS } from './__fixtures__/native';
import { silhouetteRows, type KernelInput } from './silhouetteKernel';
import { pooledWorkerCount, prewarmWorkers, runPooled, shutdownWorkers, stopIdleWorkers } from './workerPool';

const input: KernelInput = {
  rows: 4,
  cols: 1,
  centered: Float64Array.from([-3, -2, 2, 3]),
  labels: [Int32Array.from([0, 0, 1, 1])],
  ks: [2],
};

/** The rejection test needs a backend that cannot start in a worker: native, unless tfjs-node-native is built. */
const nativeAvailable = NATIVE_LOADS;

describe('worker pool', () => {
  afterAll(async () => {
    await shutdownWorkers();
  });

  it('runs a silhouette task in a worker with the same result as in-process, with progress', async () => {
    await initBackend({ backend: 'wasm' });
    prewarmWorkers(1, 'wasm');
    const progress: number[] = [];
    const threaded = (await runPooled('wasm', { kind: 'silhouette', input, rowIds: Int32Array.from([0, 1, 2, 3]), chunkSize: 2 }, 0, (done) => progress.push(done))) as Float64Array;
    expect(Array.from(threaded)).toEqual(Array.from(silhouetteRows(input, Int32Array.from([0, 1, 2, 3]), 2)));
    expect(progress).toEqual([2, 4]);
  });

  it('stops idle workers only, and starts one again on demand', async () => {
    await initBackend({ backend: 'wasm' });
    const rowIds = Int32Array.from([0, 1, 2, 3]);
    const expected = Array.from(silhouetteRows(input, rowIds, 2));
    await prewarmWorkers(2, 'wasm');
    expect(pooledWorkerCount()).toBe(2);
    const busy = runPooled('wasm', { kind: 'silhouette', input, rowIds, chunkSize: 2 }, 1);
    await stopIdleWorkers(); // worker 0 is idle, worker 1 has a task in flight
    expect(pooledWorkerCount()).toBe(1);
    expect(Array.from((await busy) as Float64Array)).toEqual(expected);
    await stopIdleWorkers();
    expect(pooledWorkerCount()).toBe(0);
    const again = (await runPooled('wasm', { kind: 'silhouette', input, rowIds, chunkSize: 2 }, 0)) as Float64Array;
    expect(Array.from(again)).toEqual(expected);
    expect(pooledWorkerCount()).toBe(1);
  });

  it.skipIf(nativeAvailable)(
    `a worker whose backend cannot start rejects with the reason${nativeAvailable ? ' (skipped: tfjs-node-native loads here, so no backend fails to start)' : ''}`,
    async () => {
      await expect(runPooled('native', { kind: 'silhouette', input, rowIds: Int32Array.from([0]), chunkSize: 1 }, 0)).rejects.toThrow(
        /model worker could not start: backend "native" cannot load/,
      );
    },
  );
});
