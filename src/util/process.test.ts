import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processAlive } from './process';

describe('processAlive', () => {
  it('is true for this process and init, false for a process that has ended', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(1)).toBe(true); // signalling init may be refused (EPERM): it still runs
    expect(processAlive(spawnSync('true').pid as number)).toBe(false);
  });
});
