import { readFileSync } from 'fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plotlyBundlePath } from '../figures/html';
import { defaultCacheDir, startBundleServer } from './bundleServer';

describe('startBundleServer', () => {
  let base: string;
  let close: () => void;
  beforeAll(async () => {
    const { port, server } = await startBundleServer();
    base = `http://127.0.0.1:${port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('serves a page per bundle that loads it, uncached', async () => {
    const res = await fetch(`${base}/basic.html?page=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('<script src="/basic.js"></script>');
  });

  it('serves each bundle byte for byte with long-lived cache headers, and answers 304 to its etag', async () => {
    const res = await fetch(`${base}/basic.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(plotlyBundlePath('basic')))).toBe(true);
    const etag = res.headers.get('etag') as string;
    expect((await fetch(`${base}/basic.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('answers 404 to anything else', async () => {
    expect((await fetch(`${base}/other.js`)).status).toBe(404);
    expect((await fetch(`${base}/basic.html/x`)).status).toBe(404);
  });
});

describe('defaultCacheDir', () => {
  it('lives in node_modules/.cache, beside the installed plotly.js', () => {
    expect(defaultCacheDir()).toMatch(/node_modules\/\.cache\/customer-segmentation\/chromium-profile$/);
  });
});
