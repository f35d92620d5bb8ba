import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Customers } from '../data/clean';
import { MALL_SCHEMA } from '../data/schema';
import { spillColumns } from './spill';

const scratch = mkdtempSync(join(tmpdir(), 'spill-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function table(ids: (string | number)[]): Customers {
  const n = ids.length;
  return {
    schema: MALL_SCHEMA,
    n,
    ids,
    lines: Int32Array.from({ length: n }, (_, i) => i + 2 + (i > 3 ? 1 : 0)),
    numeric: {
      Age: Float64Array.from({ length: n }, (_, i) => 18 + ((i * 7) % 50)),
      'Annual Income (k$)': Float64Array.from({ length: n }, (_, i) => 0.1 * i + 1e-9 * i * i),
      'Spending Score (1-100)': Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -0 : 1 / (i + 1))),
    },
    categorical: { Gender: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 'Male' : i % 7 === 0 ? '(missing)' : 'Female')) },
  };
}

/** Every column's values, as plain arrays (-0 kept apart from 0 by toEqual's Object.is). */
function columns(data: Customers) {
  return {
    ids: [...data.ids],
    lines: Array.from(data.lines),
    numeric: Object.fromEntries(Object.entries(data.numeric).map(([k, v]) => [k, Array.from(v)])),
    categorical: Object.fromEntries(Object.entries(data.categorical).map(([k, v]) => [k, [...v]])),
  };
}

describe('spillColumns', () => {
  it('empties the columns while spilled and puts the very values back, then removes its folder', async () => {
    const data = table(Array.from({ length: 1000 }, (_, i) => 10_000 + i * 3));
    const before = columns(data);
    const spilled = await spillColumns(data, { dir: scratch, prefix: '.staging-columns-' });
    expect(spilled.bytes).toBe(1000 * (3 * 8 + 4 + 4 + 8));
    const [folder] = readdirSync(scratch);
    expect(folder).toMatch(/^\.staging-columns-/);
    expect(readFileSync(join(scratch, folder, '.owner'), 'utf8')).toBe(`${process.pid}\n`);
    expect(data.ids).toHaveLength(0);
    expect(data.lines).toHaveLength(0);
    expect(data.numeric.Age).toHaveLength(0);
    expect(data.categorical.Gender).toHaveLength(0);
    await spilled.restore();
    expect(columns(data)).toEqual(before);
    expect(data.lines).toBeInstanceOf(Int32Array);
    expect(data.numeric.Age).toBeInstanceOf(Float64Array);
    expect(readdirSync(scratch)).toHaveLength(0);
    await spilled.restore(); // a second restore changes nothing
    expect(columns(data)).toEqual(before);
  });

  it('keeps text ids in memory and spills the rest', async () => {
    const data = table(Array.from({ length: 50 }, (_, i) => `C-${i}`));
    const ids = data.ids;
    const before = columns(data);
    const spilled = await spillColumns(data, { dir: scratch });
    expect(data.ids).toBe(ids);
    expect(data.numeric.Age).toHaveLength(0);
    await spilled.restore();
    expect(columns(data)).toEqual(before);
  });

  it('leaves the table whole and no folder behind when the folder cannot be made', async () => {
    const data = table([1, 2, 3]);
    const before = columns(data);
    await expect(spillColumns(data, { dir: join(scratch, 'missing', 'deeper') })).rejects.toThrow(/ENOENT/);
    expect(columns(data)).toEqual(before);
  });
});
