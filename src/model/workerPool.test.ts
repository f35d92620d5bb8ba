import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { NATIVE_LOADS } from './__fixtures__/native';
import { silhouetteRows, type KernelInput } from './silhouetteKernel';
import { prewarmWorkers, runPooled, shutdownWorkers } from './workerPool';

const input: KernelInput = {
  rows: 4,
  cols: 1,
  centered: Float32Array.from([-3, -2, 2, 3]),
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

  it.skipIf(nativeAvailable)(
    `a worker whose backend cannot start rejects with the reason${nativeAvailable ? ' (skipped: tfjs-node-native loads here, so no backend fails to start)' : ''}`,
    async () => {
      await expect(runPooled('native', { kind: 'silhouette', input, rowIds: Int32Array.from([0]), chunkSize: 1 }, 0)).rejects.toThrow(
        /model worker could not start: backend "native" cannot load/,
      );
    },
  );
});
