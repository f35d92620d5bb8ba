import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveOutput } from './save';

describe('saveOutput', () => {
  it('creates the folders under outDir and writes the text', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'save-'));
    const path = await saveOutput({ outDir, file: 'data/processed/x.csv', text: 'a,b\n1,2\n' });
    expect(path).toBe(join(outDir, 'data', 'processed', 'x.csv'));
    expect(await readFile(path, 'utf8')).toBe('a,b\n1,2\n');
  });
});
