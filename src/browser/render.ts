/**
 * PNG rendering of figure specs in a real headless browser: Debian's Chromium started by ./chromium.ts (never a
 * browser download). One browser per report, started early and kept off the critical path: `startRenderer` returns
 * at once while the browser launches and plotly.js loads in the background, in a small pool of pages per plotly.js
 * bundle (each page its own renderer process, so two charts draw at once on two cores). 3D scatter charts are drawn
 * as a static SVG projection from the small 'basic' bundle by default (./projection.ts); WebGL in software GL is
 * available with `scene3d: 'webgl'`. The bundles are served from a local HTTP server (127.0.0.1, nothing else is
 * reachable) into a profile kept in node_modules/.cache, so Chromium streams their compilation and reuses V8's code
 * cache on later runs.
 */
import { OptionsError } from '../util/errors';
import { BUNDLE_HOST, defaultCacheDir, startBundleServer } from './bundleServer';
import { launchChromium, type ChromiumPage, type ChromiumSession } from './chromium';
import { findChromium, HOW_TO_ENABLE } from './findChromium';
import { acquireProfile } from './profile';
import { bundleFor, scriptJson, type PlotlyBundle } from '../figures/html';
import { projectScene } from '../figures/projection';
import type { PlotlyFigure } from '../figures/specs';

export { defaultCacheDir } from './bundleServer';
export { DEFAULT_CHROMIUMS, findChromium } from './findChromium';

/** A figure's own `layout.width` or `layout.height` (a positive integer), else undefined. */
function layoutSize(fig: PlotlyFigure, key: 'width' | 'height'): number | undefined {
  const value = fig.layout[key];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Options of {@link startRenderer}. */
export interface RendererOptions {
  /** Chromium executable. Default: env CHROMIUM_PATH, else /usr/bin/chromium, else `chromium` (or `chromium-browser`) on PATH. */
  executablePath?: string;
  /** Default PNG width in CSS pixels. Default 1200. */
  width?: number;
  /** Default PNG height in CSS pixels. Default 800. */
  height?: number;
  /**
   * plotly.js bundles to load as soon as the browser is up (others load on first use). Default ['basic'], plus
   * 'gl3d' when `scene3d` is 'webgl'.
   */
  preload?: readonly PlotlyBundle[];
  /**
   * Pages per plotly.js bundle; charts go to the page with the fewest charts in progress (each page is its own
   * renderer process). Default 1: for the report's five charts a second page cost more (its own plotly.js parse and
   * warm-up) than drawing two charts at once gained (6.30 vs 6.19 s median end to end, 4 runs each).
   */
  pages?: number;
  /**
   * How 3D scatter charts (`scatter3d`) become PNGs. 'projection' (default): drawn as a static SVG projection with
   * the scene's camera by {@link projectScene} from the small 'basic' bundle, ~0.3 s. 'webgl': Plotly's WebGL
   * scene in software GL, identical to the interactive chart but ~3-4 s per chart on a machine without GPU, plus
   * the 1.8 MB gl3d bundle.
   */
  scene3d?: 'projection' | 'webgl';
  /** Run Chromium as one process ({@link SINGLE_PROCESS_ARGS}). Default true; false: Chromium's usual process model. */
  singleProcess?: boolean;
  /** Longest time one chart may take to render, in ms. Default 120000. */
  timeoutMs?: number;
  /**
   * Supersampling of WebGL (3D) charts in the PNG, Plotly's `plotGlPixelRatio`. Default 2 (smooth markers);
   * 1 halves the software-GL work of a 3D chart (~1.5 CPU-seconds here) at the cost of jagged marker edges.
   */
  glPixelRatio?: number;
  /**
   * Chromium profile folder kept between runs, so V8 caches plotly.js's compiled code: from the third run on, the
   * full bundle loads ~3x faster. Used by one renderer at a time (others get a fresh profile). `false`: always a
   * fresh temporary profile. Default `node_modules/.cache/customer-segmentation/chromium-profile`.
   */
  cacheDir?: string | false;
}

/** A started browser that turns figure specs into PNG bytes. */
export interface Renderer {
  /**
   * PNG of the figure at `size` (default: the figure's `layout.width` / `layout.height` when set, else the renderer's
   * width x height), device scale 1. Charts may render concurrently.
   */
  toPng(fig: PlotlyFigure, size?: { width: number; height: number }): Promise<Buffer>;
  /**
   * Closes the browser; waits for a launch still in progress. Safe to call twice. `wait: false` (for a command that
   * is about to exit): returns once Chromium has been told to close instead of waiting ~0.3 s for it to exit; the
   * cached profile stays locked under Chromium's process id until it has.
   */
  close(options?: { wait?: boolean }): Promise<void>;
  /**
   * Seconds: `start` (from this process's start to `startRenderer`), then measured from `startRenderer`: `launch`
   * (browser up), `load.basic` / `load.full` (plotly.js parsed in its page), and per rendered chart
   * `render.<title or index>` (time inside the browser).
   */
  timings(): Record<string, number>;
}

/** Chromium flags that work on this project's machines (see shared/ENVIRONMENT.md). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-extensions',
  '--disable-breakpad',
  '--mute-audio',
  '--hide-scrollbars',
  '--force-color-profile=srgb',
  '--disable-features=OptimizationHints,NetworkTimeServiceQuerying,MediaRouter,Translate',
];

/**
 * Added unless `singleProcess: false`: browser, renderer and GPU work in one process. Chromium documents
 * --single-process as a testing mode; here it made `npm run report` 0.5-0.9 s faster (4.70-4.97 s vs 5.45-5.70 s
 * in four alternating runs: no renderer/GPU process to start, no IPC per canvas and image).
 */
export const SINGLE_PROCESS_ARGS: readonly string[] = ['--single-process', '--no-zygote'];

/**
 * Renderer settings of `npm run report`: WebGL at device pixel ratio 1 (Plotly's default 2 doubles the software-GL
 * work of the 3D chart, ~2 s on a 2-core machine without GPU, for slightly smoother marker edges).
 */
export const REPORT_RENDERER: RendererOptions = { glPixelRatio: 1 };

function checkSize(fn: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 10 || value > 10000) {
    throw new OptionsError(`${fn}: ${name} must be an integer from 10 to 10000 pixels (got ${value})`, name);
  }
}

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 10) / 100;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}


/**
 * Starts headless Chromium for PNG rendering. Returns at once: the browser launches and plotly.js loads in the
 * background, and `toPng` waits for them. Never downloads a browser.
 *
 * When no Chromium is found, returns `{ renderer: null, reason }` with `reason` one line saying how to enable PNGs.
 * A Chromium that is found but fails to start makes `toPng` reject with that error (callers turn it into a warning).
 * @example
 * const { renderer, reason } = await startRenderer();
 * if (renderer) writeFileSync('fig.png', await renderer.toPng(figure)); else warnings.push(reason!);
 * await renderer?.close();
 */
export async function startRenderer(options: RendererOptions = {}): Promise<{ renderer: Renderer | null; reason?: string }> {
  const { executablePath, width = 1200, height = 800, timeoutMs = 120_000, cacheDir = defaultCacheDir(), glPixelRatio = 2, pages: pagesPerBundle = 1, scene3d = 'projection', singleProcess = true } = options;
  const { preload = scene3d === 'webgl' ? ['basic', 'gl3d'] : ['basic'] } = options;
  if (!(glPixelRatio >= 1 && glPixelRatio <= 4)) {
    throw new OptionsError(`startRenderer: glPixelRatio must be from 1 to 4 (got ${glPixelRatio})`, 'glPixelRatio');
  }
  if (!Number.isInteger(pagesPerBundle) || pagesPerBundle < 1 || pagesPerBundle > 8) {
    throw new OptionsError(`startRenderer: pages must be an integer from 1 to 8 (got ${pagesPerBundle})`, 'pages');
  }
  if (scene3d !== 'projection' && scene3d !== 'webgl') {
    throw new OptionsError(`startRenderer: scene3d must be 'projection' or 'webgl' (got ${JSON.stringify(scene3d)})`, 'scene3d');
  }
  checkSize('startRenderer', 'width', width);
  checkSize('startRenderer', 'height', height);
  const found = findChromium(executablePath);
  if ('reason' in found) return { renderer: null, reason: found.reason };

  const started = performance.now();
  // `start`: seconds from this process's start to startRenderer; the other entries count from startRenderer.
  const times: Record<string, number> = { start: Math.round(started / 10) / 100 };
  const pageUrl = (bundle: PlotlyBundle, index: number) => `http://${BUNDLE_HOST}/${bundle}.html?page=${index}`;
  const sessionPromise: Promise<{ session: ChromiumSession; shutdown: (wait: boolean) => Promise<void> }> = (async () => {
    const { port, server } = await startBundleServer();
    const args = [...CHROMIUM_ARGS, ...(singleProcess ? SINGLE_PROCESS_ARGS : []), `--host-resolver-rules=MAP ${BUNDLE_HOST} 127.0.0.1:${port}, MAP * ~NOTFOUND`];
    const profile = cacheDir === false ? null : acquireProfile(cacheDir);
    try {
      // The first preloaded page is on the command line: it loads plotly.js while this process is still busy
      // (headless Chromium takes one URL there; the other pages are opened over DevTools).
      const initialUrls = preload.length > 0 ? [pageUrl(preload[0], 0)] : [];
      const session = await launchChromium({ executablePath: found.path, args, userDataDir: profile?.dir ?? null, initialUrls, windowSize: { width, height } });
      times.launch = seconds(started);
      return {
        session,
        shutdown: async (wait: boolean) => {
          await session.close({ wait });
          if (wait || !profile) profile?.release();
          else profile.handOver(session.pid);
          server.close();
        },
      };
    } catch (error) {
      profile?.release();
      server.close();
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new Error(`PNG figures skipped: Chromium at ${found.path} failed to start (${message}); ${HOW_TO_ENABLE}`);
    }
  })();
  sessionPromise.catch(() => undefined);

  /** Open pages per bundle with the number of charts each is drawing. */
  const pools = new Map<PlotlyBundle, { page: Promise<ChromiumPage>; busy: number }[]>();
  const openPage = (bundle: PlotlyBundle, index: number): Promise<ChromiumPage> => {
    const page = sessionPromise.then(async ({ session }) => {
      const p = await session.page(pageUrl(bundle, index));
      const loaded = await p.evaluate<boolean>(`typeof globalThis.Plotly === 'object'`);
      if (!loaded) throw new Error(`plotly.js (${bundle}) did not load in Chromium${p.errors.length ? ` (page error: ${p.errors.join('; ')})` : ''}`);
      times[`load.${bundle}${index === 0 ? '' : `.${index + 1}`}`] = seconds(started);
      return p;
    });
    page.catch(() => undefined);
    return page;
  };
  const poolFor = (bundle: PlotlyBundle): { page: Promise<ChromiumPage>; busy: number }[] => {
    let pool = pools.get(bundle);
    if (pool === undefined) {
      pool = Array.from({ length: pagesPerBundle }, (_, i) => ({ page: openPage(bundle, i), busy: 0 }));
      pools.set(bundle, pool);
    }
    return pool;
  };
  for (const bundle of preload) poolFor(bundle);

  /** Draws one chart with Plotly.toImage in `page`; errors name the chart and any page error. */
  const draw = async (fig: PlotlyFigure, size: { width: number; height: number }, title: string, page: ChromiumPage): Promise<Buffer> => {
    const errorsBefore = page.errors.length;
    const input = { data: fig.data, layout: fig.layout, config: { plotGlPixelRatio: glPixelRatio } };
    const drawing = page.evaluate<{ url: string; ms: number }>(`(async (figure) => {
      const t0 = performance.now();
      const url = await Plotly.toImage(figure, { format: 'png', width: ${size.width}, height: ${size.height}, scale: 1 });
      return { url, ms: performance.now() - t0 };
    })(${scriptJson(input)})`);
    let result: { url: string; ms: number };
    try {
      result = await withTimeout(drawing, timeoutMs, `Rendering "${title}"`);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const pageError = page.errors.slice(errorsBefore).join('; ');
      throw new Error(`PNG of "${title}" failed: ${message}${pageError ? ` (page error: ${pageError})` : ''}`);
    }
    times[`render.${title}`] = Math.round(result.ms / 10) / 100;
    const prefix = 'data:image/png;base64,';
    if (typeof result?.url !== 'string' || !result.url.startsWith(prefix)) throw new Error(`PNG of "${title}" failed: Plotly returned no PNG data URL`);
    return Buffer.from(result.url.slice(prefix.length), 'base64');
  };

  let closed = false;
  let rendered = 0;
  const renderer: Renderer = {
    async toPng(fig, size = { width: layoutSize(fig, 'width') ?? width, height: layoutSize(fig, 'height') ?? height }) {
      if (closed) throw new OptionsError('toPng: the renderer is closed; call startRenderer() again', 'renderer');
      checkSize('toPng', 'width', size.width);
      checkSize('toPng', 'height', size.height);
      const title = ((fig.layout.title as { text?: unknown } | undefined)?.text as string | undefined) ?? `chart ${rendered}`;
      rendered++;
      if (scene3d === 'projection' && fig.data.some((trace) => trace.type === 'scatter3d')) {
        try {
          fig = projectScene(fig);
        } catch (error) {
          // A 3D chart the projection cannot draw (lines, colour scales, several scenes) is drawn by WebGL instead.
          if (!(error instanceof OptionsError)) throw error;
        }
      }
      const slot = poolFor(bundleFor([fig])).reduce((best, candidate) => (candidate.busy < best.busy ? candidate : best));
      slot.busy++;
      try {
        return await draw(fig, size, title, await slot.page);
      } finally {
        slot.busy--;
      }
    },
    async close(closeOptions = {}) {
      if (closed) return;
      closed = true;
      const running = await sessionPromise.catch(() => undefined);
      await running?.shutdown(closeOptions.wait ?? true);
    },
    timings() {
      return { ...times };
    },
  };
  return { renderer };
}
