/**
 * PNG rendering of figure specs in a real headless browser: Debian's Chromium driven by playwright-core (never a
 * browser download). One browser per report, started early and kept off the critical path: `startRenderer` returns
 * at once while the browser launches and plotly.js loads in the background, one page per plotly.js bundle, so 2D
 * charts render from the small bundle while the full one (needed for WebGL 3D) is still parsing in another process.
 */
import { accessSync, constants, statSync } from 'fs';
import { delimiter, join } from 'path';
import type { Browser, Page } from 'playwright-core';
import { OptionsError } from '../errors';
import { bundleFor, plotlyScript, type PlotlyBundle } from './html';
import type { PlotlyFigure } from './specs';

/** Options of {@link startRenderer}. */
export interface RendererOptions {
  /** Chromium executable. Default: env CHROMIUM_PATH, else /usr/bin/chromium, else `chromium` (or `chromium-browser`) on PATH. */
  executablePath?: string;
  /** Default PNG width in CSS pixels. Default 1200. */
  width?: number;
  /** Default PNG height in CSS pixels. Default 800. */
  height?: number;
  /** plotly.js bundles to load as soon as the browser is up (others load on first use). Default ['basic', 'full']. */
  preload?: readonly PlotlyBundle[];
  /** Longest time one chart may take to render, in ms. Default 120000. */
  timeoutMs?: number;
}

/** A started browser that turns figure specs into PNG bytes. */
export interface Renderer {
  /** PNG of the figure at `size` (default: the renderer's width x height), device scale 1. Charts may render concurrently. */
  toPng(fig: PlotlyFigure, size?: { width: number; height: number }): Promise<Buffer>;
  /** Closes the browser; waits for a launch still in progress. Safe to call twice. */
  close(): Promise<void>;
  /**
   * Seconds spent so far, measured from `startRenderer`: `launch` (browser up), `load.basic` / `load.full`
   * (plotly.js parsed in its page), and per rendered chart `render.<title or index>` (time inside the browser).
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
];

const DEFAULT_CHROMIUM = '/usr/bin/chromium';
const HOW_TO_ENABLE = 'install it with `apt-get install chromium` or set CHROMIUM_PATH';

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds the Chromium to use, or says in one line why there is none and how to get one.
 * Order: `executablePath`, env CHROMIUM_PATH, /usr/bin/chromium, `chromium` / `chromium-browser` on PATH.
 */
export function findChromium(executablePath?: string, env: NodeJS.ProcessEnv = process.env): { path: string } | { reason: string } {
  const explicit = executablePath ?? (env.CHROMIUM_PATH ? env.CHROMIUM_PATH : undefined);
  if (explicit !== undefined) {
    const source = executablePath !== undefined ? 'executablePath' : 'CHROMIUM_PATH';
    if (isExecutableFile(explicit)) return { path: explicit };
    return { reason: `PNG figures skipped: no Chromium executable at ${explicit} (from ${source}); ${HOW_TO_ENABLE} to a Chromium binary` };
  }
  if (isExecutableFile(DEFAULT_CHROMIUM)) return { path: DEFAULT_CHROMIUM };
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return { path: candidate };
    }
  }
  return { reason: `PNG figures skipped: no Chromium found at ${DEFAULT_CHROMIUM} or on PATH; ${HOW_TO_ENABLE}` };
}

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
  const { executablePath, width = 1200, height = 800, preload = ['basic', 'full'], timeoutMs = 120_000 } = options;
  checkSize('startRenderer', 'width', width);
  checkSize('startRenderer', 'height', height);
  const found = findChromium(executablePath);
  if ('reason' in found) return { renderer: null, reason: found.reason };

  const started = performance.now();
  const times: Record<string, number> = {};
  // Loaded lazily: playwright-core costs ~0.2 s to require, which callers without a browser need not pay.
  const { chromium } = await import('playwright-core');
  const browserPromise: Promise<Browser> = chromium
    .launch({ executablePath: found.path, headless: true, args: [...CHROMIUM_ARGS] })
    .then((browser) => {
      times.launch = seconds(started);
      return browser;
    })
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new Error(`PNG figures skipped: Chromium at ${found.path} failed to start (${message}); ${HOW_TO_ENABLE}`);
    });
  browserPromise.catch(() => undefined);

  const pageErrors: string[] = [];
  const pages = new Map<PlotlyBundle, Promise<Page>>();
  const pageFor = (bundle: PlotlyBundle): Promise<Page> => {
    let page = pages.get(bundle);
    if (page === undefined) {
      page = browserPromise.then(async (browser) => {
        const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
        await context.route('**/*', (route) => route.abort());
        const p = await context.newPage();
        p.on('pageerror', (error) => pageErrors.push(error.message));
        await p.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
        await p.addScriptTag({ content: plotlyScript({ bundle }) });
        times[`load.${bundle}`] = seconds(started);
        return p;
      });
      page.catch(() => undefined);
      pages.set(bundle, page);
    }
    return page;
  };
  for (const bundle of preload) pageFor(bundle);

  let closed = false;
  let rendered = 0;
  const renderer: Renderer = {
    async toPng(fig, size = { width, height }) {
      if (closed) throw new OptionsError('toPng: the renderer is closed; call startRenderer() again', 'renderer');
      checkSize('toPng', 'width', size.width);
      checkSize('toPng', 'height', size.height);
      const title = ((fig.layout.title as { text?: unknown } | undefined)?.text as string | undefined) ?? `chart ${rendered}`;
      rendered++;
      const page = await pageFor(bundleFor([fig]));
      const errorsBefore = pageErrors.length;
      const draw = page.evaluate(
        async ({ data, layout, w, h }) => {
          const t0 = performance.now();
          const plotly = (globalThis as unknown as { Plotly: { toImage: (f: unknown, o: unknown) => Promise<string> } }).Plotly;
          const url = await plotly.toImage({ data, layout }, { format: 'png', width: w, height: h, scale: 1 });
          return { url, ms: performance.now() - t0 };
        },
        { data: fig.data, layout: fig.layout, w: size.width, h: size.height },
      );
      let result: { url: string; ms: number };
      try {
        result = await withTimeout(draw, timeoutMs, `Rendering "${title}"`);
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        const pageError = pageErrors.slice(errorsBefore).join('; ');
        throw new Error(`PNG of "${title}" failed: ${message}${pageError ? ` (page error: ${pageError})` : ''}`);
      }
      times[`render.${title}`] = Math.round(result.ms / 10) / 100;
      const prefix = 'data:image/png;base64,';
      if (!result.url.startsWith(prefix)) throw new Error(`PNG of "${title}" failed: Plotly returned no PNG data URL`);
      return Buffer.from(result.url.slice(prefix.length), 'base64');
    },
    async close() {
      if (closed) return;
      closed = true;
      const browser = await browserPromise.catch(() => undefined);
      await browser?.close();
    },
    timings() {
      return { ...times };
    },
  };
  return { renderer };
}
