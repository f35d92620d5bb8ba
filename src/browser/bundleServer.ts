// The plotly.js bundles served to the renderer's Chromium from 127.0.0.1, and the profile folder that caches them.
import { readFileSync, statSync } from 'fs';
import { createServer, type Server } from 'http';
import { dirname, join } from 'path';
import { plotlyBundlePath, PLOTLY_BUNDLES } from '../figures/html';

/** Host the bundles are served from: mapped to a local port by --host-resolver-rules, so the URL (the cache key) never changes. */
export const BUNDLE_HOST = 'plotly-bundle.invalid';

/** Default profile folder: beside the installed plotly.js, in node_modules/.cache. */
export function defaultCacheDir(): string {
  const nodeModules = dirname(dirname(plotlyBundlePath('full')));
  return join(nodeModules, '.cache', 'customer-segmentation', 'chromium-profile');
}

/**
 * Serves the plotly.js bundles on 127.0.0.1 (random port) with long-lived cache headers. Loaded from "the network"
 * rather than inlined, Chromium compiles the script while streaming it and keeps V8's code cache for it.
 */
export async function startBundleServer(): Promise<{ port: number; server: Server }> {
  const bundles = new Map<string, { body: Buffer; etag: string; modified: string }>();
  for (const bundle of PLOTLY_BUNDLES) {
    const path = plotlyBundlePath(bundle);
    const { mtime, size } = statSync(path);
    bundles.set(`/${bundle}.js`, { body: readFileSync(path), etag: `"${size}-${mtime.getTime()}"`, modified: mtime.toUTCString() });
  }
  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    const page = /^\/(basic|gl3d|full)\.html(\?.*)?$/.exec(url);
    if (page) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><script src="/${page[1]}.js"></script></head><body></body></html>`);
      return;
    }
    const bundle = bundles.get(url);
    if (!bundle) {
      response.writeHead(404).end();
      return;
    }
    if (request.headers['if-none-match'] === bundle.etag) {
      response.writeHead(304, { etag: bundle.etag }).end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      etag: bundle.etag,
      'last-modified': bundle.modified,
    });
    response.end(bundle.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('bundle server has no TCP port');
  return { port: address.port, server };
}
