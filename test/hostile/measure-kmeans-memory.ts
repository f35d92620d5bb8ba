/**
 * Measures what the k-means of a sweep adds to this process's memory at its peak, against its estimate
 * (kmeansMemoryBytes): clusters the 3 numeric columns (Age, income, spending; standardized) of a customers CSV for
 * k = 2..kMax as sweepK does, and prints one JSON line. Linux only (/proc/self/status, /proc/self/clear_refs).
 *
 *   python3 /work/shared/bench/gen_customers.py 1000000 1 > /tmp/c1m.csv
 *   node --expose-gc --require tsx/cjs test/hostile/measure-kmeans-memory.ts /tmp/c1m.csv [kMax=10]
 *
 * addedMB: peak resident memory (VmHWM, reset before the k-means) less the resident memory before it, MB.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ensureBackend } from '../../src/model/backend';
import { kmeansEach } from '../../src/model/kmeans';
import { checkKMeansOptions } from '../../src/model/kmeansShared';
import { kmeansMemoryBytes } from '../../src/model/sweep';

const status = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

async function main(): Promise<void> {
  const [file, kMaxText = '10'] = process.argv.slice(2);
  if (!file) throw new Error('usage: measure-kmeans-memory.ts <customers.csv> [kMax]');
  const kMax = Number(kMaxText);
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const cols = 3;
  const rows = lines.length;
  const data = new Float64Array(rows * cols);
  lines.forEach((line, i) => {
    const fields = line.split(',');
    for (let j = 0; j < cols; j++) data[i * cols + j] = Number(fields[2 + j]);
  });
  lines.length = 0;
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * cols + j];
    mean /= rows;
    let squares = 0;
    for (let i = 0; i < rows; i++) squares += (data[i * cols + j] - mean) ** 2;
    const sd = Math.sqrt(squares / rows);
    for (let i = 0; i < rows; i++) data[i * cols + j] = (data[i * cols + j] - mean) / sd;
  }
  const X = { rows, cols, data };
  const ks = Array.from({ length: kMax - 1 }, (_, i) => i + 2);
  const estimate = kmeansMemoryBytes(rows, cols, ks.map((k) => checkKMeansOptions(X, { k })));
  await ensureBackend();
  (globalThis as { gc?: () => void }).gc?.();
  const before = status('VmRSS');
  writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM to the current resident memory
  const started = performance.now();
  await kmeansEach(X, ks, { seed: 42 });
  const peak = status('VmHWM');
  const mb = (bytes: number) => Math.round(bytes / 1e6);
  console.log(JSON.stringify({ rows, cols, kMax, seconds: +((performance.now() - started) / 1000).toFixed(1), addedMB: mb(peak - before), estimateMB: mb(estimate) }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
