/**
 * npx tsx scripts/load-test.ts [--model data/models/clustering_model.json] [--duration 10] [--rate 500] [--batch 100]
 *   [--connections 10] [--out bench/results/api-load.json] [--md bench/api-load.md]
 *
 * Load test of the prediction API on loopback (127.0.0.1 only), bounded in time: starts `scripts/serve.ts` as a child
 * process (the server gets its own process and core; autocannon runs here), warms it up, then runs
 *   1. single: one customer per POST /predict at a fixed overall rate (default 500 req/s) -> throughput, latency;
 *   2. single-max: one customer per request, as fast as the connections allow -> the saturation throughput;
 *   3. batch: `--batch` customers per request, as fast as possible -> requests/s and customers/s.
 * Latency: autocannon's histogram (1 ms resolution, corrected for coordinated omission at a fixed rate) and our own
 * record of every response time (microsecond resolution, not corrected). Writes JSON results and a Markdown table.
 */
import { spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { OptionsError, isUserError } from '../src/errors';
import { loadModel } from '../src/io/modelFile';
import { cliMain, intOption } from './cli';

const HOST = '127.0.0.1';

interface Scenario {
  name: string;
  description: string;
  /** 'autocannon', or 'paced': our open-loop generator sending evenly spaced requests (latency from the scheduled send time). */
  tool: 'autocannon' | 'paced';
  batch: number;
  connections: number;
  /** Fixed overall request rate, req/s; undefined = as fast as possible. */
  rate?: number;
}

interface ScenarioResult {
  name: string;
  description: string;
  tool: Scenario['tool'];
  batchSize: number;
  connections: number;
  targetRate: number | null;
  durationS: number;
  requests: { total: number; perSecond: number };
  customersPerSecond: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /**
   * autocannon's own histogram: integer milliseconds; with a fixed rate, "corrected" for coordinated omission with an
   * expected interval of ceil(1 / per-connection rate) = 1 ms. Null for the paced scenario.
   */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number } | null;
  /**
   * Every response time, sub-millisecond. autocannon: from the moment the request was written; paced: from the
   * moment it was scheduled (so queueing in the client counts too: no coordinated omission).
   */
  latencyMsFine: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
}

/** Deterministic customers spread over the valid ranges (no randomness needed). */
function customers(n: number): { gender: string; age: number; annualIncome: number; spendingScore: number }[] {
  return Array.from({ length: n }, (_, i) => ({
    gender: i % 2 ? 'Male' : 'Female',
    age: 18 + ((i * 7) % 53),
    annualIncome: 15 + ((i * 13) % 123),
    spendingScore: 1 + ((i * 29) % 100),
  }));
}

/** Quantile of sorted values, linear interpolation. */
function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

async function runScenario(url: string, s: Scenario, durationS: number): Promise<ScenarioResult> {
  const body = JSON.stringify(s.batch === 1 ? { customers: customers(1) } : { customers: customers(s.batch) });
  const times: number[] = [];
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((res, rej) => {
    instance = autocannon({
      url: `${url}/predict`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections: s.connections,
      duration: durationS,
      ...(s.rate ? { overallRate: s.rate } : {}),
    }, (err, result) => (err ? rej(err) : res(result)));
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode === 200) times.push(responseTime);
  });
  const r = await done;
  const total = r.requests.total;
  const seconds = r.duration;
  return {
    name: s.name,
    description: s.description,
    tool: s.tool,
    batchSize: s.batch,
    connections: s.connections,
    targetRate: s.rate ?? null,
    durationS: round(seconds, 2),
    requests: { total, perSecond: round(total / seconds, 1) },
    customersPerSecond: round((total * s.batch) / seconds, 0),
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.mean },
    latencyMsFine: fineLatency(times),
  };
}

function fineLatency(times: number[]): ScenarioResult['latencyMsFine'] {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 0.5)),
    p90: round(percentile(sorted, 0.9)),
    p99: round(percentile(sorted, 0.99)),
    p999: round(percentile(sorted, 0.999)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  };
}

/**
 * Open-loop generator: one request every 1000/rate ms, on up to `connections` keep-alive sockets; a request waiting
 * for a free socket keeps its scheduled time, so a slow server shows up as latency rather than as fewer requests.
 * (autocannon's overallRate instead lets each connection send its per-second quota back to back, then pause.)
 */
async function runPaced(url: string, s: Scenario, durationS: number): Promise<ScenarioResult> {
  const rate = s.rate ?? 500;
  const body = JSON.stringify({ customers: customers(s.batch) });
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: s.connections });
  const interval = 1000 / rate;
  const n = Math.round(rate * durationS);
  const times: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const start = performance.now() + 20;
  let end = start;
  await new Promise<void>((resolveAll) => {
    let finished = 0;
    const settle = () => {
      end = performance.now();
      if (++finished === n) resolveAll();
    };
    const fire = (scheduled: number) => {
      const req = httpRequest(
        { hostname, port, path: '/predict', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) times.push(performance.now() - scheduled);
            else non2xx++;
            settle();
          });
        },
      );
      req.on('error', () => {
        errors++;
        settle();
      });
      req.end(body);
    };
    let sent = 0;
    const tick = () => {
      const now = performance.now();
      while (sent < n && start + sent * interval <= now) fire(start + sent++ * interval);
      if (sent < n) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    setTimeout(tick, 20);
  });
  agent.destroy();
  const seconds = (end - start) / 1000;
  return {
    name: s.name,
    description: s.description,
    tool: s.tool,
    batchSize: s.batch,
    connections: s.connections,
    targetRate: rate,
    durationS: round(seconds, 2),
    requests: { total: n, perSecond: round(n / seconds, 1) },
    customersPerSecond: round((n * s.batch) / seconds, 0),
    non2xx,
    errors,
    timeouts: 0,
    latencyMs: null,
    latencyMsFine: fineLatency(times),
  };
}

/** Starts scripts/serve.ts on a free loopback port; resolves with its URL and a stop function. */
async function startServer(modelPath: string): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const tsx = require.resolve('tsx/cli');
  const child = spawn(process.execPath, [tsx, resolve(__dirname, 'serve.ts'), '--port', '0', '--host', HOST, '--model', modelPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const url = await new Promise<string>((res, rej) => {
    const timer = setInterval(() => {
      const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearInterval(timer);
        res(m[1]);
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(timer);
      rej(new OptionsError(`The server exited (${code}) before listening: ${err.trim().split('\n')[0]}`));
    });
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

interface Aim {
  p99Ms: number;
  /** The scenario the aim is judged on: the open-loop paced one (evenly spaced requests, no coordinated omission). */
  judgedOn: string;
  p99: number;
  met: boolean;
}

function markdown(results: ScenarioResult[], meta: Record<string, unknown>, aim: Aim): string {
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.tool} | ${r.batchSize} | ${r.targetRate ?? 'max'} | ${r.requests.perSecond} | ${r.customersPerSecond} | ` +
      `${r.latencyMsFine.p50} | ${r.latencyMsFine.p99} | ${r.latencyMsFine.max} | ${r.latencyMs?.p99 ?? '-'} | ${r.non2xx + r.errors + r.timeouts} |`,
  );
  const ac = results.find((r) => r.name === 'single');
  return `# Prediction API load test

Generated by \`npx tsx scripts/load-test.ts\` (raw numbers: \`bench/results/api-load.json\`) on ${String(meta.generatedAt).slice(0, 16)} UTC.
Server: \`scripts/serve.ts\` (Fastify ${meta.fastify}, one Node process) on ${meta.host}; load generated in a separate
process on the same machine (${meta.cpus} x ${meta.cpuModel}, Node ${meta.node}), ${meta.connections} keep-alive connections.
Model: k=${meta.k} (${meta.modelPath}). Each scenario runs ${meta.durationS} s, after a ${meta.warmupS} s warm-up.

| scenario | load tool | customers/request | target req/s | req/s | customers/s | p50 ms | p99 ms | max ms | autocannon p99 ms | failed |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

**Aim: p99 under ${aim.p99Ms} ms for a single prediction at ${meta.rate} req/s: ${aim.met ? 'met' : 'NOT met'}** (p99 ${aim.p99} ms in
\`${aim.judgedOn}\`).

How to read it:
- p50 / p99 / max: every response's own time, sub-millisecond. For \`single-paced\` the clock starts when the request
  was *due* (one every ${round(1000 / Number(meta.rate), 2)} ms), so any queueing in front of a slow server counts: no coordinated omission.
- \`single\` is autocannon's \`overallRate\`: each connection sends its per-second quota (${meta.rate}/${meta.connections}) back to
  back at the start of each second and then idles, so it measures bursts, not an even ${meta.rate} req/s.
  "autocannon p99" is autocannon's own histogram (1 ms steps); at a fixed rate autocannon "corrects" it for coordinated
  omission assuming one request per ceil(1000/${Math.floor(Number(meta.rate) / Number(meta.connections))}) ms = 1 ms per connection,
  which adds phantom samples to any response slower than 1 ms${ac?.latencyMs ? ` (here: ${ac.latencyMs.p99} ms)` : ''}.
- failed = non-2xx answers + socket errors + timeouts.
- Client and server share the ${meta.cpus} cores; the numbers include the load generator's own CPU time. 1-minute load
  average before / after the run: ${(meta.loadAverage1m as { before: number; after: number }).before} / ${(meta.loadAverage1m as { before: number; after: number }).after}
  (anything else running on the machine shows up in the p99 and max columns).
`;
}

cliMain(async () => {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rate: { type: 'string' },
      batch: { type: 'string' },
      connections: { type: 'string' },
      out: { type: 'string' },
      md: { type: 'string' },
      only: { type: 'string' },
    },
    strict: true,
  });
  const { model: modelPath = 'data/models/clustering_model.json', out = 'bench/results/api-load.json', md = 'bench/api-load.md' } = values;
  const durationS = intOption(values.duration, '--duration') ?? 10;
  const warmupS = intOption(values.warmup, '--warmup') ?? 2;
  const rate = intOption(values.rate, '--rate') ?? 500;
  const batch = intOption(values.batch, '--batch') ?? 100;
  const connections = intOption(values.connections, '--connections') ?? 10;
  if (durationS < 1 || durationS > 120) throw new OptionsError(`--duration must be 1-120 seconds, got ${durationS}`, 'duration');
  if (batch < 1 || batch > 10_000) throw new OptionsError(`--batch must be 1-10000, got ${batch}`, 'batch');

  const model = await loadModel(modelPath); // fail early, one line, if the model is missing
  const scenarios: Scenario[] = [
    { name: 'single', tool: 'autocannon', description: `1 customer per request, autocannon overallRate ${rate} req/s`, batch: 1, connections, rate },
    { name: 'single-paced', tool: 'paced', description: `1 customer per request, evenly spaced at ${rate} req/s (open loop)`, batch: 1, connections, rate },
    { name: 'single-max', tool: 'autocannon', description: '1 customer per request, as fast as possible', batch: 1, connections },
    { name: `batch-${batch}`, tool: 'autocannon', description: `${batch} customers per request, as fast as possible`, batch, connections },
  ];
  if (values.only) {
    const names = values.only.split(',');
    const unknown = names.filter((n) => !scenarios.some((s) => s.name === n));
    if (unknown.length) throw new OptionsError(`--only: unknown scenario ${unknown.join(', ')} (have: ${scenarios.map((s) => s.name).join(', ')})`, 'only');
    scenarios.splice(0, scenarios.length, ...scenarios.filter((s) => names.includes(s.name)));
  }
  // Hard bound on the whole run, whatever happens.
  const budgetMs = (warmupS + scenarios.length * (durationS + 5) + 30) * 1000;
  const guard = setTimeout(() => {
    process.stderr.write(`error: load test exceeded its ${budgetMs / 1000} s budget\n`);
    process.exit(1);
  }, budgetMs);
  guard.unref();

  const loadBefore = loadavg()[0];
  const server = await startServer(modelPath);
  const results: ScenarioResult[] = [];
  try {
    process.stderr.write(`server at ${server.url}; warm-up ${warmupS} s\n`);
    await runScenario(server.url, { name: 'warmup', tool: 'autocannon', description: 'warm-up', batch: 1, connections }, warmupS);
    for (const s of scenarios) {
      process.stderr.write(`${s.name}: ${s.description}, ${durationS} s ...\n`);
      const r = s.tool === 'paced' ? await runPaced(server.url, s, durationS) : await runScenario(server.url, s, durationS);
      process.stderr.write(`  ${r.requests.perSecond} req/s, p50 ${r.latencyMsFine.p50} ms, p99 ${r.latencyMsFine.p99} ms, failed ${r.non2xx + r.errors + r.timeouts}\n`);
      results.push(r);
    }
  } finally {
    await server.stop();
  }

  const judged = results.find((r) => r.tool === 'paced') ?? results[0];
  const aim: Aim = {
    p99Ms: 10,
    judgedOn: judged.name,
    p99: judged.latencyMsFine.p99,
    met: judged.latencyMsFine.p99 < 10 && judged.non2xx + judged.errors + judged.timeouts === 0,
  };
  const meta = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memGiB: round(totalmem() / 2 ** 30, 1),
    autocannon: (require('autocannon/package.json') as { version: string }).version,
    fastify: (require('fastify/package.json') as { version: string }).version,
    modelPath,
    k: model.k,
    dataHash: model.dataHash,
    durationS,
    warmupS,
    rate,
    connections,
    host: HOST,
    /** 1-minute load average before and after the run: other work on the machine shows up in the tail latencies. */
    loadAverage1m: { before: round(loadBefore, 2), after: round(loadavg()[0], 2) },
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ format: 'api-load-test', version: 1, meta, aim, scenarios: results }, null, 2) + '\n');
  mkdirSync(dirname(md), { recursive: true });
  writeFileSync(md, markdown(results, meta, aim));
  process.stdout.write(`${markdown(results, meta, aim)}\nwrote ${out} and ${md}\n`);
}, isUserError);
