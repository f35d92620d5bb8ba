/**
 * Choice of the TensorFlow.js backend for the model layer.
 *
 * - `native`: TensorFlow C library through tfjs-node (multi-threaded). It is an optional dependency installed
 *   under the alias `tfjs-node-native` because its install script downloads libtensorflow; `@tensorflow/tfjs-node`
 *   is tried second. Note that in this project `@tensorflow/tfjs-node` may be the danfojs override alias of the
 *   pure-JS `@tensorflow/tfjs`, which loads fine but registers no `tensorflow` backend: that counts as absent.
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (XNNPACK + SIMD; single-threaded in Node, see silhouette workers).
 * - `cpu`: the pure-JS backend (slowest, always available).
 */
import { createRequire } from 'module';
import * as tf from '@tensorflow/tfjs-core';
import { OptionsError } from '../util/errors';

export type BackendName = 'native' | 'wasm' | 'cpu';

/** Options of {@link initBackend}. */
export interface BackendOptions {
  /**
   * Backend to use. Default 'auto' (or the env variable SEGMENTATION_BACKEND when set): native tfjs-node if it
   * loads, else wasm, else cpu.
   */
  backend?: BackendName | 'auto';
}

/** The backend in use and why it was chosen. */
export interface BackendInfo {
  readonly name: BackendName;
  /** Why, e.g. "auto: tfjs-node not installed (…); wasm loaded". */
  readonly reason: string;
}

const BACKEND_NAMES: readonly string[] = ['native', 'wasm', 'cpu', 'auto'];
/** tfjs's own registry name for each of ours. */
const TF_NAME: Record<BackendName, string> = { native: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };
/** Module names tried, in order, for the native backend. */
export const NATIVE_MODULES: readonly string[] = ['tfjs-node-native', '@tensorflow/tfjs-node'];

/** TensorFlow C++ log level set for the native backend unless the env already has one: 2 = errors only. */
export const TF_CPP_MIN_LOG_LEVEL = '2';

type LoadResult = { ok: true; detail: string } | { ok: false; why: string };

let current: { requested: BackendName | 'auto'; info: BackendInfo } | null = null;
let pending: { requested: BackendName | 'auto'; promise: Promise<BackendInfo> } | null = null;

const requireHere = createRequire(__filename);

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 160);
}

/** The `name` in the package.json that `moduleName` resolves to, or null when it is not installed or unreadable. */
function installedPackageName(moduleName: string): string | null {
  try {
    return String(requireHere(`${moduleName}/package.json`).name);
  } catch {
    return null;
  }
}

function loadNative(): LoadResult {
  const tried: string[] = [];
  for (const moduleName of NATIVE_MODULES) {
    // Checked before loading: in this project `@tensorflow/tfjs-node` can be the danfojs override alias of the
    // pure-JS @tensorflow/tfjs, which takes ~0.4 s to load and registers no native backend.
    const packageName = installedPackageName(moduleName);
    if (packageName !== null && packageName !== '@tensorflow/tfjs-node') {
      tried.push(`${moduleName}: resolves to ${packageName}, which registers no native 'tensorflow' backend`);
      continue;
    }
    // TensorFlow's C++ logging prints INFO lines (oneDNN, CPU features) to stderr when the library loads, which
    // would break the CLI's one-line errors and quiet runs; it reads this variable at its first log line. A value the
    // user set is kept.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= TF_CPP_MIN_LOG_LEVEL;
    try {
      requireHere(moduleName);
    } catch (error) {
      const code = (error as { code?: string }).code;
      tried.push(code === 'MODULE_NOT_FOUND' ? `${moduleName}: not installed` : `${moduleName}: ${errorText(error)}`);
      continue;
    }
    if (tf.findBackendFactory(TF_NAME.native) !== null) return { ok: true, detail: `${moduleName} loaded` };
    tried.push(`${moduleName}: resolves to ${packageName ?? 'another package'}, which registers no native 'tensorflow' backend`);
  }
  return { ok: false, why: tried.join('; ') };
}

async function activate(name: BackendName): Promise<LoadResult> {
  try {
    if (name === 'native') {
      const loaded = loadNative();
      if (!loaded.ok) return loaded;
      if (!(await tf.setBackend(TF_NAME.native))) return { ok: false, why: 'tfjs-node loaded but its backend failed to initialise' };
      return loaded;
    }
    if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
      if (!(await tf.setBackend(TF_NAME.wasm))) return { ok: false, why: 'the wasm backend failed to initialise' };
      return { ok: true, detail: 'wasm loaded' };
    }
    // The pure-JS backend prints an advert for tfjs-node on first use unless PROD is set; library code stays quiet.
    tf.env().set('PROD', true);
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend(TF_NAME.cpu))) return { ok: false, why: 'the cpu backend failed to initialise' };
    return { ok: true, detail: 'cpu loaded' };
  } catch (error) {
    return { ok: false, why: errorText(error) };
  }
}

const FIX: Record<BackendName, string> = {
  native:
    'install it with `npm install tfjs-node-native@npm:@tensorflow/tfjs-node@4.22.0` (downloads libtensorflow), or build it offline with `npm run native:build` (Linux x86_64), or use --backend wasm',
  wasm: 'reinstall @tensorflow/tfjs-backend-wasm (npm ci) or use --backend cpu',
  cpu: 'reinstall @tensorflow/tfjs-backend-cpu (npm ci)',
};

async function choose(requested: BackendName | 'auto'): Promise<BackendInfo> {
  if (requested !== 'auto') {
    const result = await activate(requested);
    if (!result.ok) {
      throw new OptionsError(`backend "${requested}" cannot load: ${result.why}; ${FIX[requested]}`, 'backend');
    }
    return { name: requested, reason: `requested: ${result.detail}` };
  }
  const notes: string[] = [];
  const native = await activate('native');
  if (native.ok) return { name: 'native', reason: `auto: ${native.detail}` };
  notes.push(`tfjs-node not installed (${native.why})`);
  const wasm = await activate('wasm');
  if (wasm.ok) return { name: 'wasm', reason: `auto: ${notes.join('; ')}; wasm loaded` };
  notes.push(`wasm failed (${wasm.why})`);
  const cpu = await activate('cpu');
  if (cpu.ok) return { name: 'cpu', reason: `auto: ${notes.join('; ')}; cpu loaded` };
  throw new OptionsError(`no TensorFlow.js backend can load: ${notes.join('; ')}; cpu failed (${cpu.why}); ${FIX.cpu}`, 'backend');
}

/**
 * Selects and initialises the TensorFlow.js backend used by kmeans and silhouette. Idempotent: calling it again
 * with the same request returns the same info without re-initialising; a different request switches backend.
 *
 * @throws OptionsError for an unknown backend name, or when a requested backend cannot load (says why and how
 *   to fix).
 * @example
 *   const info = await initBackend({ backend: 'auto' }); // { name: 'wasm', reason: 'auto: tfjs-node not installed (…); wasm loaded' }
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const fromEnv = process.env.SEGMENTATION_BACKEND;
  const { backend = fromEnv !== undefined && fromEnv !== '' ? fromEnv : 'auto' } = options;
  if (!BACKEND_NAMES.includes(backend)) {
    const where = options.backend === undefined ? 'env SEGMENTATION_BACKEND' : 'backend';
    throw new OptionsError(`${where}="${backend}" is not a backend; use one of: ${BACKEND_NAMES.join(', ')}`, 'backend');
  }
  const requested = backend as BackendName | 'auto';
  if (current !== null && current.requested === requested && tf.getBackend() === TF_NAME[current.info.name]) {
    return current.info;
  }
  if (pending !== null && pending.requested === requested) return pending.promise;
  const promise = choose(requested).then(
    (info) => {
      current = { requested, info };
      pending = null;
      return info;
    },
    (error: unknown) => {
      pending = null;
      throw error;
    },
  );
  pending = { requested, promise };
  return promise;
}

/**
 * The backend chosen by the last {@link initBackend}, initialising the default ('auto' / env) when none was
 * chosen yet. Used by kmeans and silhouette so that callers may skip initBackend.
 */
export async function ensureBackend(): Promise<BackendInfo> {
  if (current !== null && tf.getBackend() === TF_NAME[current.info.name]) return current.info;
  if (pending !== null) return pending.promise;
  return initBackend();
}
