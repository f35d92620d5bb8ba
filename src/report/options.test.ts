import { mkdtempSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTPUTS } from '../io/layout';
import { OptionsError } from '../util/errors';
import { checkOutputFolder, PROJECT_ROOT, relativeOrAbsolute, reportSettings } from './options';

describe('reportSettings', () => {
  it('applies the documented defaults and keeps what the caller set', () => {
    const s = reportSettings({});
    expect(s).toMatchObject({ out: PROJECT_ROOT, kMin: 2, kMax: 10, seed: 42, png: true, csvGuard: true });
    expect(s.k).toBeUndefined();
    expect(reportSettings({ out: '/x', kMin: 3, kMax: 4, seed: 7, png: false, csvGuard: false, k: 5 })).toMatchObject({
      out: '/x',
      kMin: 3,
      kMax: 4,
      seed: 7,
      png: false,
      csvGuard: false,
      k: 5,
    });
  });
});

describe('checkOutputFolder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-options-'));

  it('accepts a missing folder and a folder, refuses a file', () => {
    expect(() => checkOutputFolder(join(dir, 'new'), undefined)).not.toThrow();
    expect(() => checkOutputFolder(dir, undefined)).not.toThrow();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(() => checkOutputFolder(file, undefined)).toThrow(OptionsError);
    expect(() => checkOutputFolder(file, undefined)).toThrow(`--out ${file} is a file, not a folder`);
  });

  it('refuses an input that is one of the outputs, also through a link', () => {
    const out = join(dir, 'out');
    const target = join(out, OUTPUTS.clustered);
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, 'id\n1\n');
    const link = join(dir, 'input.csv');
    symlinkSync(target, link);
    expect(() => checkOutputFolder(out, link)).toThrow(/a run would replace its own input/);
    expect(() => checkOutputFolder(join(dir, 'elsewhere'), link)).not.toThrow();
  });
});

describe('relativeOrAbsolute', () => {
  it('shows a path under the working directory relative to it, any other absolute', () => {
    expect(relativeOrAbsolute(join(process.cwd(), 'data', 'x.csv'))).toBe(join('data', 'x.csv'));
    expect(relativeOrAbsolute('/')).toBe(resolve('/'));
  });
});
