import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import { schemaChoice } from './params';

describe('schemaChoice', () => {
  it('is empty when every parameter is null (the Mall default applies)', async () => {
    expect(await schemaChoice({ schema: null, features: null, id: null, categorical: null })).toEqual({});
  });

  it('reads the schema file and passes the flags as given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'params-'));
    const file = join(dir, 'shop.json');
    await writeFile(file, JSON.stringify({ name: 'shop', features: ['a', 'b'], fields: [{ name: 'a' }, { name: 'b' }] }));
    const choice = await schemaChoice({ schema: file, features: ['a', 'c'], id: 'id', categorical: ['c'] });
    expect(choice.schema?.name).toBe('shop');
    expect(choice.schema?.fields.map((f) => [f.name, f.type])).toEqual([['a', 'number'], ['b', 'number']]);
    expect([choice.features, choice.id, choice.categorical]).toEqual([['a', 'c'], 'id', ['c']]);
    await expect(schemaChoice({ schema: join(dir, 'none.json'), features: null, id: null, categorical: null })).rejects.toThrow(OptionsError);
  });
});
