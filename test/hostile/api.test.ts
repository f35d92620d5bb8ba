/**
 * The API under a large batch and hostile clients (issue 20, finding 7): /health keeps answering while a batch of
 * 10,000 customers is scored, connections are capped, slow requests time out, a prototype-pollution body is named as
 * such. Real HTTP on 127.0.0.1.
 */
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { buildApp } from '../../src/api/app';
import { predictInSlices } from '../../src/api/slices';
import { handModel } from '../../src/api/test-support';
import { predict, RecordError, type PredictInput } from '../../src/segmentation/artifact';

const model = handModel();
const batch: PredictInput[] = Array.from({ length: 10_000 }, (_, i) => ({
  gender: i % 2 ? 'Male' : 'Female',
  age: 20 + (i % 50),
  annualIncome: 15 + (i % 100),
  spendingScore: 1 + (i % 99),
}));

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('predictInSlices', () => {
  it('gives the answers of predict on the whole batch and lets the event loop turn between slices', async () => {
    let turns = 0;
    const tick = () => {
      turns++;
      if (!done) setImmediate(tick);
    };
    let done = false;
    setImmediate(tick);
    const answers = await predictInSlices(model, batch, { sliceSize: 1000 });
    done = true;
    expect(answers).toEqual(predict(model, batch));
    expect(turns).toBeGreaterThanOrEqual(9); // one turn between each two of the 10 slices
  });

  it('names a refused customer by its index in the whole batch', async () => {
    const bad = [...batch.slice(0, 1200), { age: 30, annualIncome: 'x' as unknown as number, spendingScore: 5, gender: 'Male' }];
    const error = await predictInSlices(model, bad, { sliceSize: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordError);
    let whole: unknown;
    try {
      predict(model, bad);
    } catch (e) {
      whole = e;
    }
    expect((error as RecordError).field).toBe((whole as RecordError).field);
    expect((error as RecordError).field).toMatch(/^customers\[1200\]/);
  });
});

describe('the server', () => {
  it('answers GET /health while a 10,000-customer batch is being scored', async () => {
    app = buildApp({ model });
    // the order in which the server finished its answers (onSend: after the handler, before the bytes go out)
    const order: string[] = [];
    app.addHook('onSend', async (request) => void order.push(request.url));
    let health: Promise<Response> | undefined;
    // the moment the batch reaches its handler, a client asks for /health
    app.addHook('preHandler', async (request) => {
      if (request.url === '/predict') health = fetch(`${base}/health`);
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const answer = await fetch(`${base}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customers: batch }) });
    expect((await answer.json()).predictions).toHaveLength(10_000);
    expect((await (await health!).json()).status).toBe('ok');
    expect(order).toEqual(['/health', '/predict']);
  }, 30_000);

  it('closes connections beyond maxConnections at once', async () => {
    app = buildApp({ model, maxConnections: 2 });
    const base = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const s: Socket = connect(Number(base.port), base.hostname, () => resolve(s));
        s.once('error', reject);
      });
    const kept = [await open(), await open()];
    await new Promise((r) => setTimeout(r, 50));
    const third = await open();
    const closed = await new Promise<boolean>((resolve) => {
      third.once('close', () => resolve(true));
      third.on('error', () => undefined);
      setTimeout(() => resolve(false), 2000);
    });
    expect(closed).toBe(true);
    // the first two still work
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      kept[0].on('data', (d) => (text += d.toString()));
      kept[0].on('end', () => resolve(text));
      kept[0].write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    for (const s of kept) s.destroy();
  });

  it('answers 408 to a request whose headers do not arrive in time; closes a connection that falls silent', async () => {
    app = buildApp({ model, requestTimeoutMs: 300, connectionTimeoutMs: 500 });
    const base = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
    const send = (text: string) =>
      new Promise<string>((resolve) => {
        const s: Socket = connect(Number(base.port), base.hostname, () => s.write(text));
        let got = '';
        s.on('data', (d: Buffer) => (got += d.toString()));
        s.on('close', () => resolve(got));
        s.on('error', () => resolve(got));
      });
    // headers that never end (slowloris): 408
    expect(await send('POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n')).toMatch(/^HTTP\/1\.1 408 /);
    // a body that stops: the silent connection is closed
    const started = Date.now();
    await send('POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ag');
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);

  it('answers 408 to headers followed by a body that stalls, within the request time limit, /health fast meanwhile', async () => {
    const requestTimeoutMs = 1000;
    // the connection limit (silence) is far away: the 408 comes from the request time limit
    app = buildApp({ model, requestTimeoutMs, connectionTimeoutMs: 60_000 });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const url = new URL(base);
    const started = performance.now();
    let socket: Socket | undefined;
    onTestFinished(() => void socket?.destroy());
    const stalled = new Promise<{ text: string; ms: number }>((resolve) => {
      const s: Socket = (socket = connect(Number(url.port), url.hostname, () =>
        s.write('POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"age": 3'),
      ));
      let text = '';
      s.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('\r\n\r\n')) resolve({ text, ms: performance.now() - started });
      });
      s.on('close', () => resolve({ text, ms: performance.now() - started }));
      s.on('error', () => undefined);
    });
    let answered = false;
    void stalled.then(() => (answered = true));
    const healthMs: number[] = [];
    while (!answered && performance.now() - started < 5_000) {
      const t = performance.now();
      const res = await fetch(`${base}/health`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      healthMs.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
    const { text, ms } = await Promise.race([stalled, new Promise<{ text: string; ms: number }>((r) => setTimeout(() => r({ text: '(no answer in 5 s)', ms: Infinity }), 5_000))]);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    // the limit, plus at most one period of Node's check (a quarter of the limit), plus slack for a loaded machine
    expect(ms).toBeGreaterThanOrEqual(requestTimeoutMs * 0.9);
    expect(ms).toBeLessThan(requestTimeoutMs * 1.25 + 500);
    expect(healthMs.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...healthMs)).toBeLessThan(100);
  }, 30_000);

  it('a prototype-pollution body is refused as such, not as invalid JSON', async () => {
    app = buildApp({ model });
    for (const body of ['{"__proto__": {"x": 1}, "age": 1}', '{"constructor": {"prototype": {"x": 1}}, "age": 1}']) {
      const res = await app.inject({ method: 'POST', url: '/predict', payload: body, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBe('body: has a "__proto__" or "constructor.prototype" key, which is refused (prototype pollution); remove it');
    }
    const broken = await app.inject({ method: 'POST', url: '/predict', payload: '{"age": ', headers: { 'content-type': 'application/json' } });
    expect(broken.json().message).toBe('body: is not valid JSON');
  });
});
