/**
 * The native backend (tfjs-node, `npm run native:build`) against wasm on the Mall data: the sweep must select the
 * same k with the same silhouettes and inertias. Skipped, with the reason in the title, where tfjs-node-native
 * does not load (the usual case: `npm ci` cannot fetch libtensorflow).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend, TF_CPP_MIN_LOG_LEVEL } from './backend';
import { sweepK, type SweepResult } from './sweep';
import { loadFixture, standardized } from './__fixtures__/load';
import { NATIVE_LOAD_ERROR } from './__fixtures__/native';

const nativeLoadError = NATIVE_LOAD_ERROR;
const skip = nativeLoadError !== null;

const mallX = standardized(loadFixture('mall').raw);

async function sweepOn(backend: 'native' | 'wasm'): Promise<SweepResult> {
  const info = await initBackend({ backend });
  expect(info.name).toBe(backend);
  return sweepK(mallX);
}

describe.skipIf(skip)(`native backend vs wasm on the Mall data${skip ? ` (skipped: ${nativeLoadError})` : ''}`, () => {
  it('same selected k, silhouettes and inertias within 1e-4 for k=2..10, per-row silhouettes within 1e-4', async () => {
    const wasm = await sweepOn('wasm');
    const native = await sweepOn('native');
    expect(tf.getBackend()).toBe('tensorflow');
    expect(native.selected).toBe(wasm.selected);
    expect(native.ks).toEqual(wasm.ks);
    for (const k of wasm.ks) {
      const key = String(k);
      expect(Math.abs((native.silhouette[key] as number) - (wasm.silhouette[key] as number)), `silhouette k=${k}`).toBeLessThan(1e-4);
      expect(Math.abs(native.inertia[key] / wasm.inertia[key] - 1), `inertia k=${k}`).toBeLessThan(1e-4);
      const rowsNative = native.rowSilhouettes[key];
      const rowsWasm = wasm.rowSilhouettes[key];
      let worst = 0;
      for (let i = 0; i < rowsWasm.length; i++) worst = Math.max(worst, Math.abs(rowsNative[i] - rowsWasm[i]));
      expect(worst, `largest per-row silhouette difference, k=${k}`).toBeLessThan(1e-4);
    }
  });

  it('a native sweep leaves no tensors behind', async () => {
    await initBackend({ backend: 'native' });
    await sweepK(mallX, { kMin: 2, kMax: 4, nInit: 2 });
    const before = tf.memory().numTensors;
    await sweepK(mallX, { kMin: 2, kMax: 4, nInit: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads without TensorFlow log lines on stderr, and keeps a log level the user set', () => {
    const script = `require('./src/model/backend').initBackend({ backend: 'native' })
      .then((info) => { require('@tensorflow/tfjs-core').square(2).dataSync(); console.log(info.name + ' ' + process.env.TF_CPP_MIN_LOG_LEVEL); })`;
    const run = (extraEnv: Record<string, string>) => {
      const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
      if (!('TF_CPP_MIN_LOG_LEVEL' in extraEnv)) delete env.TF_CPP_MIN_LOG_LEVEL;
      delete env.SEGMENTATION_BACKEND;
      return spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: path.resolve(__dirname, '../..'), env, encoding: 'utf8' });
    };
    const quiet = run({});
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout.trim()).toBe(`native ${TF_CPP_MIN_LOG_LEVEL}`);
    const chatty = run({ TF_CPP_MIN_LOG_LEVEL: '0' });
    expect(chatty.stdout.trim()).toBe('native 0');
    expect(chatty.stderr).toMatch(/tensorflow/);
  });
});
