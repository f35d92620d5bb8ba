import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { DataError, OptionsError } from '../src/errors';
import { loadStandardized, parseBenchArgs } from './bench';

describe('bench arguments', () => {
  it('applies the defaults and parses the silhouette choice', () => {
    expect(parseBenchArgs(['--data', 'x.csv'])).toEqual({
      data: 'x.csv', kMin: 2, kMax: 10, silhouette: 'exact', backend: 'auto', nInit: 10, workers: undefined, chunkSize: undefined,
    });
    expect(parseBenchArgs(['--data', 'x.csv', '--silhouette', 'sample:500', '--k-max', '6']).silhouette).toEqual({ sample: 500 });
    expect(parseBenchArgs(['--data', 'x.csv', '--silhouette', 'none']).silhouette).toBe('none');
  });

  it('rejects bad flags with the flag in the message', () => {
    expect(() => parseBenchArgs([])).toThrow(OptionsError);
    expect(() => parseBenchArgs(['--data', 'x', '--silhouette', 'fast'])).toThrow('--silhouette fast should be exact, none or sample:N');
    expect(() => parseBenchArgs(['--data', 'x', '--k-max', '2.5'])).toThrow('--k-max 2.5 should be an integer');
    expect(() => parseBenchArgs(['--data', 'x', '--kmax', '3'])).toThrow(/unknown flag --kmax/);
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
    expect(() => loadStandardized(file)).toThrow('column "Annual Income (k$)" is missing');
  });
});
