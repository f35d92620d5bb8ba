// Whether a process still runs, for the lock and staging files that name their owner's process id.

/** True when process `pid` exists (also one this user may not signal); false once it has ended. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
