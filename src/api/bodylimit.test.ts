import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../test/paths';
import { buildApp } from './app';
import { handModel } from './test-support';

// A body over the limit, from clients that send the whole body before reading the answer (Python's http.client,
// which `requests` uses): they must read the 413 and its JSON body, not a broken pipe.
const run = promisify(execFile);
const MiB = 1024 * 1024;
const HAS_PYTHON = hasCommand('python3', ['-c', 'import http.client']);
const HAS_CURL = hasCommand('curl', ['--version']);

/** Posts a JSON body of `size` bytes with http.client (chunked when asked), prints {status, connection, body} or {error}. */
const PYTHON_CLIENT = `
import http.client, json, sys
port, size, chunked = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == 'chunked'
body = b'{"customers": [' + b' ' * (size - 17) + b']}'
conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
try:
    if chunked:
        parts = (body[i:i + 65536] for i in range(0, len(body), 65536))
        conn.request('POST', '/predict', body=parts, headers={'Content-Type': 'application/json'}, encode_chunked=True)
    else:
        conn.request('POST', '/predict', body=body, headers={'Content-Type': 'application/json'})
    res = conn.getresponse()
    print(json.dumps({'status': res.status, 'connection': res.getheader('connection'), 'body': json.loads(res.read())}))
except Exception as e:
    print(json.dumps({'error': repr(e)}))
`;

async function python(port: number, size: number, mode: 'length' | 'chunked' = 'length') {
  const { stdout } = await run('python3', ['-c', PYTHON_CLIENT, String(port), String(size), mode], { timeout: 60_000 });
  return JSON.parse(stdout) as { status?: number; connection?: string; body?: Record<string, unknown>; error?: string };
}

let app: FastifyInstance;
let port: number;
let dir: string;

beforeAll(async () => {
  app = buildApp({ model: handModel() });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  port = Number(new URL(url).port);
  dir = mkdtempSync(join(tmpdir(), 'bodylimit-'));
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!HAS_PYTHON)(`413 read by Python's http.client${HAS_PYTHON ? '' : ' (SKIPPED: no python3)'}`, () => {
  it('a 3 MiB body with Content-Length: status 413 and the JSON error, every time (10 tries), then Connection: close', async () => {
    for (let i = 0; i < 10; i++) {
      const answer = await python(port, 3 * MiB);
      expect(answer.error).toBeUndefined();
      expect(answer.status).toBe(413);
      expect(answer.connection).toBe('close');
      expect(answer.body).toMatchObject({ statusCode: 413, field: 'body', problem: expect.stringContaining('larger than the limit of 2097152 bytes') });
    }
  });

  it('a 3 MiB chunked body (no Content-Length): 413 and the JSON error too', async () => {
    const answer = await python(port, 3 * MiB, 'chunked');
    expect(answer.error).toBeUndefined();
    expect(answer).toMatchObject({ status: 413, body: { statusCode: 413, field: 'body' } });
  });

  it('the server keeps serving afterwards', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });
});

describe.skipIf(!HAS_CURL)(`413 read by curl${HAS_CURL ? '' : ' (SKIPPED: no curl)'}`, () => {
  it('a 3 MiB body: status 413 and the JSON error', async () => {
    const file = join(dir, 'big.json');
    writeFileSync(file, '{"customers": [' + ' '.repeat(3 * MiB) + ']}');
    const { stdout } = await run('curl', ['-s', '-H', 'content-type: application/json', '--data-binary', `@${file}`, '-w', '\n%{http_code}', `http://127.0.0.1:${port}/predict`]);
    const [body, status] = stdout.split('\n');
    expect(status).toBe('413');
    expect(JSON.parse(body)).toMatchObject({ statusCode: 413, field: 'body' });
  });
});

describe('the drain is bounded', () => {
  it('a client that stalls mid-body gets the 413 after drainTimeoutMs, not never', async () => {
    const small = buildApp({ model: handModel(), bodyLimit: 1000, drainTimeoutMs: 300 });
    const url = new URL(await small.listen({ port: 0, host: '127.0.0.1' }));
    try {
      const started = Date.now();
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: Number(url.port), method: 'POST', path: '/predict', headers: { 'content-type': 'application/json', 'content-length': 100_000 } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
            req.destroy();
          },
        );
        req.on('error', reject);
        req.write(' '.repeat(5000)); // and never the rest
      });
      expect(status).toBe(413);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await small.close();
    }
  });

  it('a declared length above drainLimit is answered at once (not read)', async () => {
    const small = buildApp({ model: handModel(), bodyLimit: 1000, drainLimit: 10_000 });
    const url = new URL(await small.listen({ port: 0, host: '127.0.0.1' }));
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: Number(url.port), method: 'POST', path: '/predict', headers: { 'content-type': 'application/json', 'content-length': 1_000_000 } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
            req.destroy();
          },
        );
        req.on('error', reject);
        req.write(' '.repeat(100));
      });
      expect(status).toBe(413);
    } finally {
      await small.close();
    }
  });
});
