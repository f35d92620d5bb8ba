import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticCustomersCsv } from '../src';
import { splitCompareArgs } from './bench-compare';

describe('bench:compare arguments', () => {
  it('takes --engines and --python for itself and passes every other flag on to npm run bench', () => {
    expect(splitCompareArgs(['--data', 'x.csv', '--engines', 'sklearn, faiss', '--k-max', '4', '--python', '/p/python'])).toEqual({
      engines: ['sklearn', 'faiss'],
      python: '/p/python',
      results: undefined,
      rest: ['--data', 'x.csv', '--k-max', '4'],
    });
    expect(() => splitCompareArgs(['--engines', 'sklearn,h2o'])).toThrow(/--engines takes a comma-separated list of sklearn, sklearnex, faiss \(got "sklearn,h2o"\)/);
    expect(() => splitCompareArgs(['--python'])).toThrow(/--python needs a value/);
  });
});

const HAS_SKLEARN = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import sklearn, pandas'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!HAS_SKLEARN)('npm run bench:compare end to end (skipped without scikit-learn in /usr/bin/python3: apt-get install python3-sklearn)', () => {
  it('prints ours and scikit-learn side by side with the inertia per k, and appends the record to compare.jsonl', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'bench-compare-'));
    const file = path.join(root, 'customers.csv');
    writeFileSync(file, syntheticCustomersCsv({ n: 400, seed: 5 }));
    const out = execFileSync(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(__dirname, 'bench-compare.ts'), '--data', file, '--k-max', '3', '--n-init', '10', '--python', '/usr/bin/python3', '--engines', 'sklearn', '--silhouette', 'exact', '--results', path.join(root, 'compare.jsonl')],
      { cwd: path.join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SEGMENTATION_THREADS: '1' } },
    );
    const lines = out.trim().split('\n');
    expect(lines[1]).toMatch(/^engine\s+kmeans_s\s+ours\/it\s+silh_s\s+ours\/it\s+cpu_s$/);
    expect(lines[2]).toMatch(/^ours \((wasm|native|cpu)\)/);
    expect(lines[3]).toMatch(/^sklearn \d+\.\d+/);
    const perK = lines.slice(-2).map((l) => l.trim().split(/\s+/));
    expect(perK.map((r) => r[0])).toEqual(['2', '3']);
    for (const [, ours, theirs, over] of perK) {
      // the same optimum as scikit-learn's on this easy table (k-means++ with 10 restarts on both sides)
      expect(Math.abs(Number(ours) / Number(theirs) - 1)).toBeLessThan(1e-6);
      expect(Number(over)).toBeCloseTo(Number(ours) / Number(theirs), 3);
    }
    const records = readFileSync(path.join(root, 'compare.jsonl'), 'utf8').trim().split('\n');
    const last = JSON.parse(records.at(-1)!);
    expect(last.args).toContain(file);
    expect(records).toHaveLength(1);
    expect(last.engines[0].engine).toBe('sklearn');
    expect(Object.keys(last.per_k)).toEqual(['2', '3']);
  }, 120_000);
});
