import { describe, expect, it } from 'vitest';
import { estimateRemaining, formatProgress, formatSeconds, ProgressDisplay } from './progress';

describe('formatProgress', () => {
  it('shows the phase, the work, the rows, the percent, the time and the ETA at the rate so far', () => {
    expect(formatProgress({ phase: 'loading', done: 50 * 2 ** 20, total: 200 * 2 ** 20, unit: 'bytes', rows: 2_300_000 }, 10)).toBe(
      'loading  50 MiB of 200 MiB  2.3M rows  25%  10 s, ETA 30 s',
    );
    expect(formatProgress({ phase: 'k-means', done: 12, total: 54, unit: 'k-units', note: 'k=5 done' }, 90)).toBe(
      'k-means  12/54 k-units  k=5 done  22%  1 min 30 s, ETA 5 min 15 s',
    );
    expect(formatProgress({ phase: 'writing', done: 0, total: 10_000_000, unit: 'rows' }, 0.1)).toBe('writing  0/10M rows  0%  0 s');
  });

  it('gives no ETA before any work is done or in the first half second', () => {
    expect(estimateRemaining(0, 10, 5)).toBeNull();
    expect(estimateRemaining(5, 10, 0.2)).toBeNull();
    expect(estimateRemaining(5, 10, 4)).toBe(4);
    expect(estimateRemaining(10, 10, 4)).toBe(0);
  });
});

describe('ProgressDisplay', () => {
  function display(tty: boolean) {
    let t = 0;
    const out: string[] = [];
    const d = new ProgressDisplay({ stream: { write: (s: string) => out.push(s) }, tty, now: () => t });
    return { d, out, at: (s: number) => (t = s) };
  }

  it('on a log: nothing for a phase under 2 s; a line after 2 s, then every 10 s, and a closing line', () => {
    const { d, out, at } = display(false);
    d.update({ phase: 'profile', done: 1, total: 2, unit: 'steps' });
    at(1.5);
    d.update({ phase: 'profile', done: 2, total: 2, unit: 'steps' });
    at(1.6);
    d.update({ phase: 'writing', done: 0, total: 100, unit: 'rows' });
    expect(out).toEqual([]);
    at(4);
    d.update({ phase: 'writing', done: 20, total: 100, unit: 'rows' });
    at(8);
    d.update({ phase: 'writing', done: 40, total: 100, unit: 'rows' });
    at(15);
    d.update({ phase: 'writing', done: 70, total: 100, unit: 'rows' });
    d.end();
    expect(out).toEqual(['writing  20/100 rows  20%  2 s, ETA 10 s\n', 'writing  70/100 rows  70%  13 s, ETA 6 s\n', 'writing done in 13 s\n']);
  });

  it('on a terminal: redraws one line in place and clears it for a message', () => {
    const { d, out, at } = display(true);
    at(0);
    d.update({ phase: 'k-means', done: 0, total: 9, unit: 'fits' });
    at(1);
    d.update({ phase: 'k-means', done: 3, total: 9, unit: 'fits' });
    d.message('NOTE: x');
    expect(out).toEqual(['\r\x1b[2Kk-means  3/9 fits  33%  1 s, ETA 2 s', '\r\x1b[2K', 'NOTE: x\n']);
  });
});

describe('ProgressDisplay, repeated events', () => {
  it('does not print the same work twice (a final event after the last chunk)', () => {
    let t = 0;
    const out: string[] = [];
    const d = new ProgressDisplay({ stream: { write: (s: string) => out.push(s) }, tty: false, now: () => t });
    d.update({ phase: 'loading', done: 0, total: 10, unit: 'bytes' });
    t = 3;
    d.update({ phase: 'loading', done: 10, total: 10, unit: 'bytes' });
    t = 3.5;
    d.update({ phase: 'loading', done: 10, total: 10, unit: 'bytes' });
    d.end();
    expect(out).toEqual(['loading  10 B of 10 B  100%  3 s, ETA 0 s\n', 'loading done in 4 s\n']);
  });
});

describe('formatProgress, sizes in bytes', () => {
  it('shows each size in the largest unit it fills, never "0 KiB" for a few bytes', () => {
    const line = (done: number, total: number) => formatProgress({ phase: 'loading', done, total, unit: 'bytes' }, 0).split('  ')[1];
    expect(line(10, 900)).toBe('10 B of 900 B');
    expect(line(1023, 2048)).toBe('1023 B of 2 KiB');
    expect(line(3 * 1024 * 1024, 1.5 * 1024 ** 3)).toBe('3 MiB of 1.5 GiB');
  });
});

describe('formatSeconds', () => {
  it('rounds to whole seconds before splitting minutes: never "60 s" nor "1 min 60 s"', () => {
    expect([0.4, 42, 59.4, 59.6, 63, 119.6, 3599.7].map(formatSeconds)).toEqual(['0 s', '42 s', '59 s', '1 min 00 s', '1 min 03 s', '2 min 00 s', '60 min 00 s']);
  });
});
