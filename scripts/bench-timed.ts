/**
 * Timing for the side-by-side benchmarks (bench:large): a child command under GNU time, and the facts a result line
 * records about the machine and the code.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');

/** Runs `command args` under GNU time; wall seconds and peak RSS (MB) of the command's largest process. */
export function timed(command: string, args: string[], who: string): { seconds: number; rssMb: number; stdout: string } {
  const timeFile = path.join(tmpdir(), `bench-large-time-${process.pid}`);
  const started = performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', '%M', '-o', timeFile, command, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  if (child.error) throw new Error(`${who} could not start: ${child.error.message}`);
  if (child.status !== 0) throw new Error(`${who} failed (exit ${child.status}): ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const rssKb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
  rmSync(timeFile, { force: true });
  return { seconds, rssMb: rssKb / 1024, stdout: child.stdout };
}

/** The machine, the commit and the load averages (1, 5, 15 minutes), for a result line. */
export function runFacts(): { machine: string; commit: string; load: number[] } {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return { machine: `${cpus().length}-core ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`, commit, load: loadavg().map((l) => Number(l.toFixed(2))) };
}

/** A report's summary.json fields a side-by-side row reads (k chosen, inertia per k, phase timings, backend). */
interface ReportSummary {
  k: { selected: number };
  inertia: Record<string, number>;
  timings: unknown;
  backend: { name: string };
}

/**
 * The fields every side-by-side result line has: both sides' seconds and peak RSS, their ratio, the k each chose and
 * the inertia ratio ours / Python's per k, our phase timings and backend.
 */
export function sideBySide(
  ours: { seconds: number; rssMb: number },
  python: { seconds: number; rssMb: number },
  summary: ReportSummary,
  pyJson: { best_k: number; inertia: Record<string, number> },
) {
  return {
    ours_s: Number(ours.seconds.toFixed(2)),
    python_s: Number(python.seconds.toFixed(2)),
    ratio: Number((ours.seconds / python.seconds).toFixed(3)),
    ours_rss_mb: Math.round(ours.rssMb),
    python_rss_mb: Math.round(python.rssMb),
    ours_k: summary.k.selected,
    python_k: pyJson.best_k,
    inertia_ratio: Object.fromEntries(Object.entries(pyJson.inertia).map(([k, v]) => [k, Number((summary.inertia[k] / v).toFixed(5))])),
    phases: summary.timings,
    backend: summary.backend.name,
  };
}
