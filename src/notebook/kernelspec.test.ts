import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import { KERNEL_NAME, installKernelSpec, jupyterDataDir, kernelSpec } from './kernelspec';

describe('kernelSpec', () => {
  it('starts the project launcher with node and the connection file', () => {
    expect(kernelSpec({ root: '/home/me/mall', node: '/opt/node/bin/node' })).toEqual({
      argv: ['/opt/node/bin/node', '/home/me/mall/scripts/tslab-kernel.js', '{connection_file}'],
      display_name: 'TypeScript (customer segmentation)',
      language: 'typescript',
      metadata: { project_root: '/home/me/mall' },
    });
  });

  it('refuses relative paths, showing them', () => {
    expect(() => kernelSpec({ root: 'mall', node: '/usr/bin/node' })).toThrow(OptionsError);
    expect(() => kernelSpec({ root: 'mall', node: '/usr/bin/node' })).toThrow(/root="mall"/);
  });
});

describe('jupyterDataDir without asking jupyter', () => {
  const base = { askJupyter: false, home: '/home/u' };
  it('follows Jupyter rules per platform', () => {
    expect(jupyterDataDir({ ...base, env: {}, platform: 'linux' })).toBe('/home/u/.local/share/jupyter');
    expect(jupyterDataDir({ ...base, env: { XDG_DATA_HOME: '/x' }, platform: 'linux' })).toBe('/x/jupyter');
    expect(jupyterDataDir({ ...base, env: {}, platform: 'darwin' })).toBe('/home/u/Library/Jupyter');
    expect(jupyterDataDir({ ...base, env: { APPDATA: '/appdata' }, platform: 'win32' })).toBe(join('/appdata', 'jupyter'));
    expect(jupyterDataDir({ ...base, env: { JUPYTER_DATA_DIR: '/j' }, platform: 'darwin' })).toBe('/j');
  });
});

describe('installKernelSpec', () => {
  it('writes kernels/<name>/kernel.json under the data folder', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kspec-'));
    const file = await installKernelSpec({ root: '/r', node: '/n', dataDir });
    expect(file).toBe(join(dataDir, 'kernels', KERNEL_NAME, 'kernel.json'));
    expect(JSON.parse(await readFile(file, 'utf8')).argv).toEqual(['/n', '/r/scripts/tslab-kernel.js', '{connection_file}']);
  });
});
