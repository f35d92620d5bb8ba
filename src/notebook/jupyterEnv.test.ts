import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import { findOnPath, requirementsStamp, resolveJupyter, venvBin, venvDataDir } from './jupyterEnv';

const files = (...paths: string[]) => (p: string) => paths.includes(p);

describe('venv paths', () => {
  it('bin/ on POSIX, Scripts\\*.exe on Windows; data under share/jupyter', () => {
    expect(venvBin('/p/.venv', 'jupyter', 'linux')).toBe('/p/.venv/bin/jupyter');
    expect(venvBin('/p/.venv', 'jupyter', 'win32')).toMatch(/Scripts[\\/]jupyter\.exe$/);
    expect(venvDataDir('/p/.venv')).toBe('/p/.venv/share/jupyter');
  });
});

describe('requirementsStamp', () => {
  it('changes with the requirements or the Python, not with line endings', () => {
    const a = requirementsStamp('jupyterlab==4.6.6\n', '3.11.7 (main)');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(requirementsStamp('jupyterlab==4.6.6\r\n', '3.11.7 (main)\n')).toBe(a);
    expect(requirementsStamp('jupyterlab==4.6.5\n', '3.11.7 (main)')).not.toBe(a);
    expect(requirementsStamp('jupyterlab==4.6.6\n', '3.12.1 (main)')).not.toBe(a);
  });
});

describe('resolveJupyter', () => {
  const root = '/p';
  const env = { PATH: '/p/.venv/bin:/usr/local/bin:/usr/bin' };
  const venv = '/p/.venv/bin/jupyter';

  it('auto: the project venv when installed, else PATH', () => {
    expect(resolveJupyter('auto', { root, env, exists: files(venv, '/usr/bin/jupyter'), platform: 'linux' })).toEqual({ command: venv, source: 'venv' });
    expect(resolveJupyter('auto', { root, env, exists: files('/usr/bin/jupyter'), platform: 'linux' })).toEqual({ command: '/usr/bin/jupyter', source: 'system' });
  });

  it('system skips the venv even when it is first on PATH (an activated venv)', () => {
    expect(resolveJupyter('system', { root, env, exists: files(venv, '/usr/bin/jupyter'), platform: 'linux' })).toEqual({ command: '/usr/bin/jupyter', source: 'system' });
  });

  it('a path is taken as given when it exists', () => {
    expect(resolveJupyter('/opt/j/bin/jupyter', { root, env, exists: files('/opt/j/bin/jupyter'), platform: 'linux' })).toEqual({ command: '/opt/j/bin/jupyter', source: 'path' });
  });

  it('says how to get what is missing', () => {
    const none = { root, env, exists: files(), platform: 'linux' as const };
    expect(() => resolveJupyter('venv', none)).toThrow(/--jupyter venv: \/p\/.venv\/bin\/jupyter not found; run `npm run jupyter:setup` first/);
    expect(() => resolveJupyter('system', { ...none, exists: files(venv) })).toThrow(/--jupyter system: no jupyter found on PATH outside .venv; run `npm run jupyter:setup`/);
    expect(() => resolveJupyter('auto', none)).toThrow(OptionsError);
    expect(() => resolveJupyter('lab', none)).toThrow(/--jupyter must be auto, venv, system or a path to a jupyter executable \(got "lab"\)/);
    expect(() => resolveJupyter('/nope/jupyter', none)).toThrow(/\/nope\/jupyter not found/);
  });
});

describe('findOnPath', () => {
  it('returns the first match and skips empty entries', () => {
    expect(findOnPath('jupyter', { env: { PATH: ':/a:/b' }, exists: files('/b/jupyter', '/c/jupyter'), platform: 'linux' })).toBe('/b/jupyter');
    expect(findOnPath('jupyter', { env: {}, exists: files('/b/jupyter'), platform: 'linux' })).toBeNull();
  });
});
