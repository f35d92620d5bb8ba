import { execFileSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { syntheticCustomersCsv } from '../src/data/synthetic';
import { DataError, OptionsError } from '../src/util/errors';
import { loadStandardized, parseBenchArgs } from './bench';

describe('bench arguments', () => {
  it('applies the defaults and parses the silhouette choice', () => {
    expect(parseBenchArgs(['--data', 'x.csv'])).toEqual({
      data: 'x.csv', kMin: 2, kMax: 10, silhouette: 'exact', backend: 'auto', nInit: 10, workers: undefined, chunkSize: undefined,
      restartSample: 'auto', refineBest: undefined, threads: undefined,
    });
    expect(parseBenchArgs(['--data', 'x.csv', '--threads', '3']).threads).toBe(3);
    expect(parseBenchArgs(['--data', 'x.csv', '--restart-sample', '15000', '--refine-best', '2'])).toMatchObject({ restartSample: 15000, refineBest: 2 });
    expect(parseBenchArgs(['--data', 'x.csv', '--restart-sample', 'all']).restartSample).toBe('all');
    expect(parseBenchArgs(['--data', 'x.csv', '--silhouette', 'sample:500', '--k-max', '6']).silhouette).toEqual({ sample: 500 });
    expect(parseBenchArgs(['--data', 'x.csv', '--silhouette', 'none']).silhouette).toBe('none');
  });

  it('rejects bad flags with the flag in the message', () => {
    expect(() => parseBenchArgs([])).toThrow(OptionsError);
    expect(() => parseBenchArgs(['--data', 'x', '--silhouette', 'fast'])).toThrow('--silhouette fast should be exact, none or sample:N');
    expect(() => parseBenchArgs(['--data', 'x', '--k-max', '2.5'])).toThrow('--k-max 2.5 should be an integer');
    expect(() => parseBenchArgs(['--data', 'x', '--restart-sample', 'half'])).toThrow('--restart-sample half should be auto, all or a number of rows');
    expect(() => parseBenchArgs(['--data', 'x', '--kmax', '3'])).toThrow(/unknown flag --kmax/);
    expect(() => parseBenchArgs(['--data', 'x', '--threads', '0'])).toThrow('--threads=0 should be an integer >= 1 (1 = this thread only)');
    expect(() => parseBenchArgs(['--data', 'x', '--threads', 'all'])).toThrow('--threads="all" should be an integer >= 1');
  });
});

describe('bench CSV loading', () => {
  it('standardizes the three features with the population std', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-'));
    const file = path.join(dir, 'c.csv');
    writeFileSync(file, 'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n1,Male,20,10,1\n2,Female,40,30,3\n');
    const X = loadStandardized(file);
    expect(X.rows).toBe(2);
    expect(Array.from(X.data)).toEqual([-1, -1, -1, 1, 1, 1]);
  });

  it('names a missing column', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-'));
    const file = path.join(dir, 'c.csv');
    writeFileSync(file, 'Age,Spending Score (1-100)\n1,2\n');
    expect(() => loadStandardized(file)).toThrow(DataError);
    expect(() => loadStandardized(file)).toThrow('Columns "CustomerID", "Gender", "Annual Income (k$)" are missing');
  });

  it('reads any table with --features', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-'));
    const file = path.join(dir, 'c.csv');
    writeFileSync(file, 'visits,basket,region\n1,10,N\n3,30,S\n');
    expect(Array.from(loadStandardized(file, ['visits', 'basket']).data)).toEqual([-1, -1, 1, 1]);
  });
});

describe('npm run bench (the script end to end)', () => {
  it('prints, as its last stdout line, the JSON result with every field and a score per k', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-run-'));
    const file = path.join(dir, 'customers.csv');
    writeFileSync(file, syntheticCustomersCsv({ n: 300, seed: 3 }));
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'bench.ts'), '--data', file, '--k-max', '4', '--n-init', '2'], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining(['n', 'backend', 'kmeans_s', 'silhouette_s', 'total_s', 'peak_rss_mb', 'workers_start_s', 'cpu_s', 'scores']),
    );
    expect(result.n).toBe(300);
    expect(result.total_s).toBeGreaterThanOrEqual(result.kmeans_s);
    expect(Object.keys(result.scores)).toEqual(['2', '3', '4']);
    for (const [silhouette, inertia] of Object.values(result.scores) as [number, number][]) {
      expect(silhouette).toBeGreaterThan(-1);
      expect(silhouette).toBeLessThanOrEqual(1);
      expect(inertia).toBeGreaterThan(0);
    }
  }, 60_000);
});
