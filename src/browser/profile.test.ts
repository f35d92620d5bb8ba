import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { describe, expect, it } from 'vitest';
import { acquireProfile } from './profile';

const fresh = () => mkdtempSync(join(tmpdir(), 'profile-'));

describe('acquireProfile', () => {
  it('locks the folder with this process id, refuses a second taker while held, and unlocks on release', () => {
    const dir = join(fresh(), 'nested');
    const held = acquireProfile(dir);
    expect(held?.dir).toBe(dir);
    expect(readFileSync(join(dir, 'renderer.lock'), 'utf8')).toBe(String(process.pid));
    expect(acquireProfile(dir)).toBeNull();
    held!.release();
    held!.release();
    expect(existsSync(join(dir, 'renderer.lock'))).toBe(false);
    expect(acquireProfile(dir)).not.toBeNull();
  });

  it('hands the lock over to another process id (a closing browser)', () => {
    const dir = fresh();
    const held = acquireProfile(dir)!;
    held.handOver(12345);
    expect(readFileSync(join(dir, 'renderer.lock'), 'utf8')).toBe('12345');
    held.release(); // already handed over: the lock stays
    expect(existsSync(join(dir, 'renderer.lock'))).toBe(true);
  });

  it('takes over a lock left by a process that has ended', () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'renderer.lock'), String(spawnSync('true').pid));
    expect(acquireProfile(dir)).not.toBeNull();
    expect(readFileSync(join(dir, 'renderer.lock'), 'utf8')).toBe(String(process.pid));
  });
});
