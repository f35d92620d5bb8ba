/**
 * The native backend (tfjs-node, `npm run native:build`) against wasm on the Mall data: k-means and the silhouette
 * run on the host in float64 whatever the backend, so the sweep must give the same bits. Skipped, with the reason in
 * the title, where tfjs-node-native does not load (the usual case: `npm ci` cannot fetch libtensorflow).
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
  it('the same selected k, silhouettes, inertias and per-row silhouettes, to the bit, for k=2..10', async () => {
    const wasm = await sweepOn('wasm');
    const native = await sweepOn('native');
    expect(tf.getBackend()).toBe('tensorflow');
    expect(native.selected).toBe(wasm.selected);
    expect(native.ks).toEqual(wasm.ks);
    expect(native.silhouette).toEqual(wasm.silhouette);
    expect(native.inertia).toEqual(wasm.inertia);
    expect(native.rowSilhouettes).toEqual(wasm.rowSilhouettes);
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
