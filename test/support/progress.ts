/** Progress lines a command writes to stderr on a log (see src/io/progress.ts): "<phase>  ...  N%  T s[, ETA E s]" or "<phase> done in T s". */
const PROGRESS_LINE = /^[a-z-]+( \([^)]*\))?  .*  \d+%  \d+( min \d+)? s(, ETA \d+( min \d+)? s)?$|^[a-z-]+( \([^)]*\))? done in \d+( min \d+)? s$/;

/** The lines of `stderr` that are not progress lines. */
export function nonProgressLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line !== '' && !PROGRESS_LINE.test(line));
}

/** The progress lines of `stderr`. */
export function progressLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => PROGRESS_LINE.test(line));
}
