#!/usr/bin/env node
/**
 * Jupyter starts this (see the kernelspec `npm run kernel` installs):
 *   node <root>/scripts/tslab-kernel.js <connection_file>
 *
 * It starts the project's own tslab (pinned in package.json) with three adjustments:
 * 1. Working directory = the project root. tslab uses its working directory as TypeScript's rootDir, and Jupyter
 *    starts kernels in the notebook's folder, so `import ... from '../src/x'` would fail ("not under rootDir").
 *    From the root, cells import `./src/...` with full types, and relative data paths start at the root.
 * 2. TypeScript `strict: true`, as tsconfig.json. tslab ignores tsconfig and compiles without strict, which breaks
 *    src/ code that relies on strict null checks (narrowing `{ ok: true } | { ok: false; why }` fails without it).
 * 3. A failing cell sends a Jupyter `error` message (ename, evalue, and the stack of a thrown error), as other kernels
 *    do, instead of tslab's copy on stderr. tslab 1.0 only prints the error on stderr and replies status "error" with
 *    no error content, so nbconvert and JupyterLab could not tell which cell failed or why.
 * 4. Adding or removing a file under the project while the kernel runs no longer breaks it (see withRealTimers).
 * 5. Each execution announces itself with `execute_input` (code and number), so executed notebooks keep "In [n]".
 */
'use strict';
const path = require('node:path');

const connectionFile = process.argv[2];
if (!connectionFile) {
  process.stderr.write('usage: node scripts/tslab-kernel.js <connection_file> (Jupyter passes it)\n');
  process.exit(1);
}
const root = path.resolve(__dirname, '..');
const configPath = path.resolve(connectionFile);
process.chdir(root);

const tslabDir = path.dirname(require.resolve('tslab/package.json', { paths: [root] }));

// 2. strict, the project's compiler setting.
// TypeScript's exports are read-only getters, so tslab is handed a copy of the module object (same functions) whose
// createWatchCompilerHost adds the option; tslab creates its one watch program through it.
const tsPath = require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] });
const ts = require(tsPath);
const tsWithStrict = {};
for (const key of Object.keys(ts))
  if (key !== 'createWatchCompilerHost') Object.defineProperty(tsWithStrict, key, { enumerable: true, get: () => ts[key] });
Object.defineProperty(tsWithStrict, 'createWatchCompilerHost', {
  enumerable: true,
  value: (rootFiles, options, system, ...rest) => ts.createWatchCompilerHost(rootFiles, { ...options, strict: true }, withRealTimers(system), ...rest),
});

/**
 * 4. tslab drives TypeScript's rebuild by hand through a fake one-slot timer and throws "Unexpected pending
 * rebuildTimer" when TypeScript asks for a second timer. TypeScript does that when a file appears or disappears in a
 * watched folder (src/, node_modules/...): it schedules a re-check of failed module lookups. After that every cell
 * fails until the kernel restarts, so merely saving a file in src/ could break a running kernel. Give every timer
 * except the program update (the one tslab drives) a real timer.
 */
function withRealTimers(system) {
  const patched = Object.create(system);
  patched.setTimeout = (callback, ms, ...args) =>
    callback.name === 'updateProgramWithWatchStatus' ? system.setTimeout(callback, ms, ...args) : { realTimer: setTimeout(callback, ms, ...args) };
  patched.clearTimeout = (handle) => (handle && handle.realTimer ? clearTimeout(handle.realTimer) : system.clearTimeout(handle));
  return patched;
}
require.cache[tsPath].exports = tsWithStrict;

// 3. error messages for failing cells.
const { ZmqServer } = require(path.join(tslabDir, 'dist', 'jupyter.js'));

/** ename/evalue from what tslab printed on stderr for a failed cell (a thrown error or TypeScript diagnostics). */
function describeFailure(stderr) {
  const lines = stderr.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean);
  const thrownPattern = /(?:^|: )((?:[A-Za-z_$][\w$]*)?(?:Error|Exception))(?: \[\w+\])?: (.*)$/;
  const thrown = lines.find((l) => !/^at /.test(l) && thrownPattern.test(l));
  if (thrown) {
    const m = thrownPattern.exec(thrown);
    return { ename: m[1], evalue: m[2] };
  }
  const diagnostics = lines.filter((l) => /^(\S+ )?\d+:\d+ - /.test(l));
  if (diagnostics.length) return { ename: 'TypeScriptError', evalue: diagnostics.join('; ') };
  return { ename: 'Error', evalue: lines[lines.length - 1] || 'the cell failed without a message' };
}

ZmqServer.prototype.handleExecute = async function handleExecute(sock, msg) {
  const publish = (msgType, content) => {
    const message = msg.createReply();
    message.header.msg_type = msgType;
    message.content = content;
    message.signAndSend(this.connInfo.key, this.iopub);
  };
  // stderr is held until other output follows or 100 ms pass, so that what tslab prints last for a failing cell (the
  // TypeScript diagnostics, or the thrown error and its stack) is shown once, as the error output, not twice.
  let stderr = '';
  let held = '';
  let timer;
  const release = () => {
    clearTimeout(timer);
    if (held) publish('stream', { name: 'stderr', text: held });
    held = '';
  };
  const writeStream = (name, text) => {
    if (name !== 'stderr') {
      release();
      return publish('stream', { name, text });
    }
    stderr += text;
    held += text;
    clearTimeout(timer);
    timer = setTimeout(release, 100);
  };
  const writeDisplayData = (data, update) => {
    release();
    publish(update ? 'update_display_data' : 'display_data', data);
  };
  // Jupyter clients take a cell's number from execute_input (nbconvert keeps "In [ ]" without it). Shell messages
  // are handled one at a time, so the next count is tslab's current one plus one.
  publish('execute_input', { code: msg.content.code, execution_count: this.handler.execCount + 1 });
  const content = await this.handler.handleExecute(msg.content, writeStream, writeDisplayData);
  if (content.status === 'error') {
    clearTimeout(timer);
    const { ename, evalue } = describeFailure(stderr);
    const failure = held.replace(/\u001b\[[0-9;]*m/g, '').trimEnd();
    held = '';
    const ownFrame = /^\s+at .*(node_modules[\\/]tslab[\\/]|tslab-kernel\.js)/; // the kernel's frames say nothing about the cell
    const traceback = ename === 'TypeScriptError' || !failure ? [`${ename}: ${evalue}`] : failure.split('\n').filter((l) => !ownFrame.test(l));
    const error = { ename, evalue, traceback };
    publish('error', error);
    Object.assign(content, error);
  } else {
    release();
  }
  const reply = msg.createReply();
  reply.header.msg_type = 'execute_reply';
  reply.content = content;
  reply.signAndSend(this.connInfo.key, sock);
};

// 1. the project root as working directory (done above), then start tslab's kernel from this project.
const { startKernel } = require(path.join(tslabDir, 'dist', 'main.js'));
startKernel({ configPath, enableFindLocal: false });
