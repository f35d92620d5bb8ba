// The renderer's cached Chromium profile: one renderer at a time holds it, through a lock file naming its process.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { processAlive } from '../util/process';
import { killBrowsersOfProfile } from './chromium';

/** Takes the profile folder for this process, or returns null when another live renderer (or its closing Chromium) holds it. */
export function acquireProfile(dir: string): { dir: string; release: () => void; handOver: (pid: number) => void } | null {
  const lock = join(dir, 'renderer.lock');
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    return null;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      let released = false;
      return {
        dir,
        release: () => {
          if (released) return;
          released = true;
          try {
            unlinkSync(lock);
          } catch {
            // already gone
          }
        },
        // The lock names another live process (a closing Chromium): later renderers use a fresh profile until it ends.
        handOver: (pid: number) => {
          if (released) return;
          released = true;
          writeFileSync(lock, String(pid));
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return null;
      const holder = Number(readFileSync(lock, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) return null;
      // The holder ended without releasing the profile (kill -9): its browser may still run, holding it.
      killBrowsersOfProfile(dir);
      try {
        unlinkSync(lock);
      } catch {
        return null;
      }
    }
  }
  return null;
}
