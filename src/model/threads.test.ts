import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import type { Matrix } from '../util/matrix';
import { KMEANS_WORKER_ROWS, kmeans, kmeansEach, kmeansThreads } from './kmeans';
import { checkKMeansOptions } from './kmeansShared';
import { createRng } from '../util/random';
import { defaultWorkerCount, silhouetteSamples, silhouetteScores } from './silhouette';
import { sweepK, type SweepResult } from './sweep';
import type { KMeansFit } from './types';
import { boundThreads, checkThreads, parseThreads, resolveThreads, THREAD_BASE_BYTES, THREADS_ENV, threadsForMemory } from './threads';

/**
 * `rows` customers around five centres in 3 columns, seeded: roughly normal noise (sum of three uniforms), so the
 * clusters overlap a little and k-means has real work on every k.
 */
function blobs(rows: number, seed: number): Matrix {
  const rng = createRng(seed);
  const centres = [[0, 0, 0], [4, 0, 1], [0, 4, -1], [3, 3, 3], [-3, 2, 2]];
  const data = new Float64Array(rows * 3);
  for (let i = 0; i < rows; i++) {
    const centre = centres[rng.nextInt(centres.length)];
    for (let f = 0; f < 3; f++) data[i * 3 + f] = centre[f] + (rng.next() + rng.next() + rng.next() - 1.5) * 1.6;
  }
  return { rows, cols: 3, data };
}

const GiB = 2 ** 30;

describe('thread count option', () => {
  const saved = process.env[THREADS_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[THREADS_ENV];
    else process.env[THREADS_ENV] = saved;
  });

  it('accepts integers >= 1 and names the option, flag or variable in the error', () => {
    expect(checkThreads(1)).toBe(1);
    expect(checkThreads(64)).toBe(64);
    for (const bad of [0, -2, 1.5, Number.NaN, '4']) expect(() => checkThreads(bad)).toThrow(OptionsError);
    expect(() => checkThreads(0)).toThrow('threads=0 should be an integer >= 1 (1 = this thread only)');
    expect(parseThreads(' 3 ', '--threads')).toBe(3);
    expect(() => parseThreads('two', '--threads')).toThrow('--threads="two" should be an integer >= 1');
    expect(() => parseThreads('2.5', '--threads')).toThrow('--threads="2.5" should be an integer >= 1');
    expect(() => parseThreads('0', '--threads')).toThrow('--threads=0 should be an integer >= 1');
  });

  it('takes the option, else SEGMENTATION_THREADS, else every core', () => {
    expect(resolveThreads(undefined, {})).toBe(availableParallelism());
    expect(resolveThreads(undefined, { [THREADS_ENV]: '' })).toBe(availableParallelism());
    expect(resolveThreads(undefined, { [THREADS_ENV]: '5' })).toBe(5);
    expect(resolveThreads(2, { [THREADS_ENV]: '5' })).toBe(2);
    expect(() => resolveThreads(undefined, { [THREADS_ENV]: 'many' })).toThrow('env SEGMENTATION_THREADS="many" should be an integer >= 1');
    process.env[THREADS_ENV] = '1';
    expect(checkKMeansOptions(blobs(10, 1), { k: 2 }).threads).toBe(1);
    process.env[THREADS_ENV] = '0';
    expect(() => checkKMeansOptions(blobs(10, 1), { k: 2 })).toThrow('env SEGMENTATION_THREADS=0 should be an integer >= 1');
  });

  it('is bounded by the pieces of work and by a quarter of the memory', () => {
    // 16 GiB: a quarter is 4 GiB; threads holding 1 GiB - THREAD_BASE_BYTES each: 4 of them.
    expect(threadsForMemory(GiB - THREAD_BASE_BYTES, 16 * GiB)).toBe(4);
    expect(threadsForMemory(GiB - THREAD_BASE_BYTES + 1, 16 * GiB)).toBe(3);
    expect(threadsForMemory(100 * GiB, 16 * GiB)).toBe(1);
    expect(boundThreads(16, 3, 0, 16 * GiB)).toBe(3);
    expect(boundThreads(16, 40, GiB - THREAD_BASE_BYTES, 16 * GiB)).toBe(4);
    expect(boundThreads(2, 40, 0, 16 * GiB)).toBe(2);
  });

  it('k-means: no workers below 10,000 rows or with threads 1; with a restart sample one piece per k', () => {
    const big = blobs(KMEANS_WORKER_ROWS, 3);
    const at = (rows: number, options: Parameters<typeof checkKMeansOptions>[1][]) =>
      kmeansThreads(rows, 3, options.map((o) => checkKMeansOptions(big, o)));
    expect(kmeansThreads(KMEANS_WORKER_ROWS - 1, 3, [checkKMeansOptions(big, { k: 3, threads: 8 })])).toBe(0);
    expect(at(KMEANS_WORKER_ROWS, [{ k: 3, threads: 1 }])).toBe(0);
    expect(at(KMEANS_WORKER_ROWS, [{ k: 3, threads: 3, restartSample: 'all' }])).toBe(3);
    expect(at(KMEANS_WORKER_ROWS, [{ k: 3, threads: 16, nInit: 4, restartSample: 'all' }])).toBe(4);
    // A restart sample is one group per k: two ks, two threads at most.
    expect(at(KMEANS_WORKER_ROWS, [{ k: 3, threads: 8, restartSample: 2000 }, { k: 4, threads: 8, restartSample: 2000 }])).toBe(2);
    expect(at(KMEANS_WORKER_ROWS, [{ k: 3, threads: 8, restartSample: 2000 }])).toBe(0);
  });

  it('silhouette: no workers below 25M distances or with threads 1; at most one per chunk', () => {
    expect(defaultWorkerCount(4000, 4000, 8)).toBe(0);
    expect(defaultWorkerCount(6000, 6000, 1)).toBe(0);
    expect(defaultWorkerCount(6000, 6000, 3)).toBe(3);
    expect(defaultWorkerCount(6000, 6000, 8, 2)).toBe(2);
  });
});

describe('the same bytes for 1, 2 and 3 threads (wasm or cpu)', () => {
  // 12,000 rows: above KMEANS_WORKER_ROWS, so 2 and 3 threads start workers (checked with kmeansThreads).
  const X = blobs(12_000, 7);

  it('kmeansEach on all rows and with a restart sample', async () => {
    for (const restartSample of ['all', 3000] as const) {
      const options = { nInit: 4, seed: 5, restartSample };
      const ks = [2, 3, 5];
      const runs: KMeansFit[][] = [];
      for (const threads of [1, 2, 3]) {
        const used = kmeansThreads(X.rows, X.cols, ks.map((k) => checkKMeansOptions(X, { ...options, k, threads })));
        expect(used, `threads=${threads}`).toBe(threads === 1 ? 0 : threads);
        runs.push(await kmeansEach(X, ks, { ...options, threads }));
      }
      for (const run of runs.slice(1)) {
        run.forEach((fit, i) => {
          expect(fit.inertia, `k=${ks[i]} ${restartSample}`).toBe(runs[0][i].inertia);
          expect(fit.centroids).toEqual(runs[0][i].centroids);
          expect(Buffer.from(fit.labels.buffer).equals(Buffer.from(runs[0][i].labels.buffer))).toBe(true);
          expect(fit.nIter).toBe(runs[0][i].nIter);
        });
      }
    }
    const single = await kmeans(X, { k: 5, nInit: 4, seed: 5, restartSample: 'all', threads: 3 });
    expect(single.inertia).toBeGreaterThan(0);
  }, 120_000);

  it('silhouetteScores and silhouetteSamples (6,000 rows: 36M distances, on workers from 2 threads)', async () => {
    const Y = blobs(6000, 11);
    const fits = await kmeansEach(Y, [3, 5], { nInit: 2, seed: 1, threads: 1 });
    const labelings = fits.map((f) => ({ labels: f.labels, k: f.k }));
    const scores: number[][] = [];
    const samples: Float64Array[] = [];
    for (const threads of [1, 2, 3]) {
      scores.push(await silhouetteScores(Y, labelings, { threads }));
      samples.push(await silhouetteSamples(Y, labelings[1], { threads }));
    }
    for (let t = 1; t < 3; t++) {
      expect(scores[t]).toEqual(scores[0]);
      expect(Buffer.from(samples[t].buffer).equals(Buffer.from(samples[0].buffer))).toBe(true);
    }
    expect(scores[0][0]).toBeGreaterThan(0);
  }, 120_000);

  it('sweepK: inertia, silhouette, chosen k, labels and row silhouettes', async () => {
    const runs: SweepResult[] = [];
    for (const threads of [1, 2, 3]) {
      runs.push(await sweepK(X, { kMin: 2, kMax: 5, nInit: 3, seed: 9, silhouette: { sample: 6000 }, threads }));
    }
    for (const run of runs.slice(1)) {
      expect(run.inertia).toEqual(runs[0].inertia);
      expect(run.silhouette).toEqual(runs[0].silhouette);
      expect(run.selected).toBe(runs[0].selected);
      expect(run.criteria).toEqual(runs[0].criteria);
      for (const k of run.ks) {
        expect(run.fits[String(k)].labels).toEqual(runs[0].fits[String(k)].labels);
        expect(run.rowSilhouettes[String(k)]).toEqual(runs[0].rowSilhouettes[String(k)]);
      }
    }
  }, 180_000);

  it('sweepK refuses a bad thread count before any work', async () => {
    await expect(sweepK(X, { threads: 0 })).rejects.toThrow('threads=0 should be an integer >= 1');
  });
});

describe('npm run report --threads', () => {
  it('refuses a bad value in one line, exit 1, before loading anything', async () => {
    const root = join(__dirname, '..', '..');
    const run = promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), 'scripts/report.ts', '--threads', '0', '--no-png'], { cwd: root });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: 'error: --threads=0 should be an integer >= 1 (1 = this thread only)\n' });
    const env = { ...process.env, [THREADS_ENV]: 'x' };
    const fromEnv = promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), 'scripts/report.ts', '--no-png'], { cwd: root, env });
    await expect(fromEnv).rejects.toMatchObject({ code: 1, stderr: 'error: env SEGMENTATION_THREADS="x" should be an integer >= 1 (1 = this thread only)\n' });
  }, 60_000);
});
