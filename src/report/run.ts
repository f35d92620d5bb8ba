// The report run: its phases, in order, are options (defaults, the output folder, the backend), input (read and clean
// the table), cluster (features, the k sweep, profiles) and write (every output staged, then moved into place).
import { REPORT_RENDERER, startRenderer } from '../browser/render';
import { OUTPUTS } from '../io/layout';
import { initBackend } from '../model/backend';
import { reportFeatures, reportSegments, segmentTimings } from './cluster';
import { readReportInput, type ReportInput } from './input';
import { checkOutputFolder, reportSettings, type ReportOptions, type ReportResult } from './options';
import { writeReportOutputs, type PhaseClock } from './write';

export { DEFAULT_DATA } from './input';
export { PROJECT_ROOT, type ReportOptions, type ReportResult } from './options';
/** Output layout under --out (defined in src/io/layout.ts; re-exported for callers of the report). */
export { OUTPUTS };

/**
 * Regenerates every data artifact and summary from the raw CSV. Outputs are staged and moved into place only when
 * all were written, so a failed run leaves earlier outputs untouched.
 */
export async function runReport(options: ReportOptions = {}): Promise<ReportResult> {
  const settings = reportSettings(options);
  const clock = phaseClock(performance.now());
  // Seconds from this process's start (Node, module loading) to here.
  const timings: Record<string, number> = { startup: clock.startup };

  // The browser launches and parses plotly.js in the background while the data work runs.
  const rendering = settings.png
    ? (options.renderer ?? startRenderer(REPORT_RENDERER))
    : Promise.resolve({ renderer: null, reason: 'PNG figures not requested' });
  let input: ReportInput | undefined;
  try {
    // inside the try: a refused folder still closes a renderer the caller started
    checkOutputFolder(settings.out, options.data);
    const backend = await initBackend({ backend: options.backend });
    timings.backend = clock.lap();

    input = await readReportInput(settings);
    timings.load = clock.lap();

    const prep = reportFeatures(input.cleaning, settings);
    timings.clean = clock.lap();
    const seg = await reportSegments(prep, input.hash, settings);
    clock.lap();
    Object.assign(timings, segmentTimings(seg));

    return await writeReportOutputs({ settings, input, prep, seg, backend, rendering, clock, timings });
  } finally {
    // an orders run's customer_features.csv waits in a staging folder until the output phase moves it; gone on failure
    await input?.orders?.stage.discard();
    await (await rendering).renderer?.close({ wait: !options.detachBrowser });
  }
}

/** A clock started at `t0` (ms since the process started). */
function phaseClock(t0: number): PhaseClock & { startup: number } {
  const seconds = (ms: number) => Number((ms / 1000).toFixed(3));
  let last = t0;
  return {
    startup: seconds(t0),
    lap() {
      const now = performance.now();
      const s = seconds(now - last);
      last = now;
      return s;
    },
    total: () => seconds(performance.now() - t0),
  };
}
