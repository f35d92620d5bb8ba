import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeModel } from '../segmentation/artifact';
import { handModel } from './test-support';

// scripts/serve.ts as a user runs it: a child process, real signals.
const ROOT = resolve(__dirname, '../..');
const TSX = require.resolve('tsx/cli');
let dir: string;
let modelPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'serve-test-'));
  modelPath = join(dir, 'model.json');
  writeFileSync(modelPath, serializeModel(handModel()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}
function serve(args: string[]): Run {
  const child = spawn(process.execPath, [TSX, 'scripts/serve.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}
async function waitFor(check: () => RegExpMatchArray | null, what: string, ms = 30_000): Promise<RegExpMatchArray> {
  const start = Date.now();
  for (;;) {
    const m = check();
    if (m) return m;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('scripts/serve.ts', () => {
  it('exits 1 with one line, no stack, when the model file is missing', async () => {
    const run = serve(['--model', join(dir, 'nope.json'), '--port', '0']);
    expect(await run.exited).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: Model file .*nope\.json does not exist; create it with `npm run report`/);
  });

  it('exits 1 with one line when the model file is not a model', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "something-else"}');
    const run = serve(['--model', bad, '--port', '0']);
    expect(await run.exited).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: Model .*bad\.json is not usable: format is "something-else"/);
  });

  it('exits 1 with one line on a bad flag', async () => {
    const run = serve(['--model', modelPath, '--port', 'eighty']);
    expect(await run.exited).toBe(1);
    expect(run.stderr().trim()).toBe('error: --port must be a whole number, got "eighty"');
  });

  it('binds 127.0.0.1 by default, serves, and on SIGTERM lets an in-flight request finish, then exits 0', async () => {
    const run = serve(['--model', modelPath, '--port', '0', '--data-dir', dir]);
    const [, url, port] = await waitFor(() => run.stdout().match(/at (http:\/\/127\.0\.0\.1:(\d+))/), 'start-up line');
    expect((await fetch(`${url}/health`)).status).toBe(200);

    // Start a request and send only half its body: it is in flight when SIGTERM arrives.
    let finish = () => {};
    const body = JSON.stringify({ customers: [{ gender: 'Female', age: 23, annualIncome: 16, spendingScore: 77 }] });
    const answer = new Promise<{ status: number; text: string }>((res, rej) => {
      const req = request(
        { host: '127.0.0.1', port: Number(port), method: 'POST', path: '/predict', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (r) => {
          let text = '';
          r.on('data', (d) => (text += d));
          r.on('end', () => res({ status: r.statusCode ?? 0, text }));
        },
      );
      req.on('error', rej);
      req.write(body.slice(0, 20));
      finish = () => req.end(body.slice(20));
    });
    await new Promise((r) => setTimeout(r, 200));
    run.child.kill('SIGTERM');
    await waitFor(() => run.stdout().match(/SIGTERM: closing/), 'closing line');
    // the server is closing: new connections are refused, the in-flight request still completes
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    finish();
    const { status, text } = await answer;
    expect(status).toBe(200);
    expect(JSON.parse(text).predictions[0].cluster).toBe(0);
    const answeredAt = Date.now();
    expect(await run.exited).toBe(0);
    // its keep-alive socket closed with the answer: no wait for the keep-alive timeout (5 s)
    expect(Date.now() - answeredAt).toBeLessThan(4000);
    expect(run.stdout()).toContain('closed');
    expect(run.stderr()).toBe('');
  });

  it('SIGINT also closes cleanly', async () => {
    const run = serve(['--model', modelPath, '--port', '0', '--data-dir', dir]);
    await waitFor(() => run.stdout().match(/at http:\/\/127\.0\.0\.1:\d+/), 'start-up line');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });
});
