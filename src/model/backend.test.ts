import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import { initBackend } from './backend';
import { NATIVE_LOADS } from './__fixtures__/native';

const nativeAvailable = NATIVE_LOADS;

describe('initBackend', () => {
  afterEach(() => {
    delete process.env.SEGMENTATION_BACKEND;
  });

  it('chooses cpu when asked, and tfjs runs on it', async () => {
    const info = await initBackend({ backend: 'cpu' });
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.tidy(() => tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0])).toBe(5);
  });

  it('chooses wasm when asked, and tfjs runs on it', async () => {
    const info = await initBackend({ backend: 'wasm' });
    expect(info).toEqual({ name: 'wasm', reason: 'requested: wasm loaded' });
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0])).toBe(11);
  });

  it('is idempotent: the same request returns the same info object', async () => {
    const first = await initBackend({ backend: 'wasm' });
    expect(await initBackend({ backend: 'wasm' })).toBe(first);
  });

  it('rejects an unknown backend name with the list of valid ones', async () => {
    await expect(initBackend({ backend: 'gpu' as never })).rejects.toThrow(OptionsError);
    await expect(initBackend({ backend: 'gpu' as never })).rejects.toThrow('backend="gpu" is not a backend; use one of: native, wasm, cpu, auto');
  });

  it('reads SEGMENTATION_BACKEND and names it in the error', async () => {
    process.env.SEGMENTATION_BACKEND = 'bogus';
    await expect(initBackend()).rejects.toThrow('env SEGMENTATION_BACKEND="bogus" is not a backend');
    process.env.SEGMENTATION_BACKEND = 'cpu';
    expect((await initBackend()).name).toBe('cpu');
  });

  it('auto explains the tfjs-node outcome in its reason', async () => {
    const info = await initBackend({ backend: 'auto' });
    expect(info.reason).toMatch(/^auto: /);
    expect(info.reason).toMatch(/tfjs-node/);
    expect(info.name).toBe(nativeAvailable ? 'native' : 'wasm');
  });

  it.skipIf(nativeAvailable)(`a requested native backend that cannot load says why and how to fix${nativeAvailable ? ' (skipped: tfjs-node-native loads here)' : ''}`, async () => {
    const attempt = initBackend({ backend: 'native' });
    await expect(attempt).rejects.toThrow(OptionsError);
    await expect(initBackend({ backend: 'native' })).rejects.toThrow(
      /backend "native" cannot load: tfjs-node-native: not installed; @tensorflow\/tfjs-node: .*; install it with `npm install tfjs-node-native@npm:@tensorflow\/tfjs-node@4\.22\.0` \(downloads libtensorflow\), or build it offline with `npm run native:build`/,
    );
  });
});
