/**
 * Progress of long phases on a terminal: phase, work done, rows, elapsed time and ETA, redrawn in place on a TTY and
 * written as occasional plain lines elsewhere (a log). Phases shorter than `minSeconds` show nothing on a log.
 */

/** How far one phase has come. */
export interface ProgressEvent {
  /** Phase name as shown, e.g. "loading", "k-means", "silhouette", "writing". */
  phase: string;
  /** Work done and total, in `unit`s (the ETA assumes the rest goes at the rate so far). */
  done: number;
  total: number;
  /** What done/total count: "bytes", "rows", "fits", "files"... */
  unit: string;
  /** Data rows done, when the unit is not rows (e.g. rows read while bytes are the unit). */
  rows?: number;
  /** A short extra, e.g. "k=7". */
  note?: string;
}

/**
 * One line for a phase: `k-means  5/9 fits  k=7  56%  12 s, ETA 9 s`. Pure.
 * @param elapsed - Seconds since the phase started.
 */
export function formatProgress(event: ProgressEvent, elapsed: number): string {
  const { phase, done, total, unit, rows, note } = event;
  const parts = [phase];
  if (unit === 'bytes') parts.push(`${formatBytes(done)} of ${formatBytes(total)}`);
  else parts.push(`${formatCount(done)}/${formatCount(total)} ${unit}`);
  if (rows !== undefined) parts.push(`${formatCount(rows)} rows`);
  if (note) parts.push(note);
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  parts.push(`${Math.floor(fraction * 100)}%`);
  let time = `${formatSeconds(elapsed)}`;
  const eta = estimateRemaining(done, total, elapsed);
  if (eta !== null) time += `, ETA ${formatSeconds(eta)}`;
  parts.push(time);
  return parts.join('  ');
}

/** Seconds left at the rate so far; null before there is a rate (no work done, or under half a second elapsed). */
export function estimateRemaining(done: number, total: number, elapsed: number): number | null {
  if (done <= 0 || total <= 0 || elapsed < 0.5) return null;
  return Math.max(0, (elapsed * (total - done)) / done);
}

function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return String(n);
}

function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(0)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} B`;
}

/** `42 s`, `1 min 03 s`: whole seconds, rounded before splitting (59.6 s is `1 min 00 s`, never `60 s`). */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** Options of {@link ProgressDisplay}. */
export interface ProgressDisplayOptions {
  /** Where lines go. Default process.stderr. */
  stream?: { write(text: string): unknown; isTTY?: boolean };
  /** Redraw in place (a terminal) or write plain lines. Default: stream.isTTY. */
  tty?: boolean;
  /** A phase is shown once it has run this long (seconds). Default 2 on a log, 0.3 on a terminal. */
  minSeconds?: number;
  /** On a log, at most one line per phase every this many seconds. Default 10. */
  logEvery?: number;
  /** Clock in seconds. Default performance.now() / 1000. */
  now?: () => number;
}

/**
 * Draws {@link ProgressEvent}s: on a terminal, one line redrawn in place at most 5 times a second; on a log, a line
 * when a phase has run `minSeconds` and then every `logEvery` seconds, and a closing line with the phase's time.
 */
export class ProgressDisplay {
  private readonly stream: NonNullable<ProgressDisplayOptions['stream']>;
  private readonly tty: boolean;
  private readonly minSeconds: number;
  private readonly logEvery: number;
  private readonly now: () => number;
  private current: { phase: string; started: number; shownAt: number | null; shownDone: number } | null = null;

  constructor(options: ProgressDisplayOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? this.stream.isTTY === true;
    this.minSeconds = options.minSeconds ?? (this.tty ? 0.3 : 2);
    this.logEvery = options.logEvery ?? 10;
    this.now = options.now ?? (() => performance.now() / 1000);
  }

  /** Shows an event (a new phase name ends the previous phase). */
  update(event: ProgressEvent): void {
    const now = this.now();
    if (this.current === null || this.current.phase !== event.phase) {
      this.end();
      this.current = { phase: event.phase, started: now, shownAt: null, shownDone: -1 };
    }
    const c = this.current;
    const elapsed = now - c.started;
    if (elapsed < this.minSeconds) return;
    const interval = this.tty ? 0.2 : this.logEvery;
    if (c.shownAt !== null && now - c.shownAt < interval && event.done < event.total) return;
    if (c.shownAt !== null && c.shownDone === event.done) return; // no new work: the same line again
    c.shownAt = now;
    c.shownDone = event.done;
    const line = formatProgress(event, elapsed);
    this.stream.write(this.tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }

  /** Prints a message on its own line (the progress line, if any, is cleared first). */
  message(text: string): void {
    if (this.tty && this.current?.shownAt != null) this.stream.write('\r\x1b[2K');
    this.stream.write(`${text}\n`);
    if (this.current) this.current.shownAt = null;
  }

  /** Ends the current phase: a phase that was shown gets a closing line with its time. */
  end(): void {
    const c = this.current;
    this.current = null;
    if (c === null || c.shownAt === null) return;
    const elapsed = this.now() - c.started;
    const line = `${c.phase} done in ${formatSeconds(elapsed)}`;
    this.stream.write(this.tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }
}
