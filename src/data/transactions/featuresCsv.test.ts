import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { customerFeaturesCsv, customerFeaturesCsvPieces, featuresCsvRow, FeaturesCsvFile, guardFeaturesCsv, type CustomerFeatureTable } from './featuresCsv';

/** A seeded table of `n` customers with awkward ids and values (fractions, negatives, -0, large numbers). */
function table(n: number): CustomerFeatureTable {
  const ids = Array.from({ length: n }, (_, i) => (i % 97 === 0 ? `=id,"${i}"` : i % 101 === 0 ? `-line\nbreak ${i}` : i % 103 === 0 ? `"q${i}"` : String(i).padStart(8, '0')));
  const a = Float64Array.from({ length: n }, (_, i) => i / 7);
  const b = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? -0 : -i * 1e17));
  return { idColumn: 'customer id', ids, names: ['a', 'b'], columns: { a, b } };
}

describe('featuresCsvRow', () => {
  it('writes the id as a CSV cell (guarded on demand) and the numbers in their shortest form', () => {
    const cols = [Float64Array.of(0.1 + 0.2, 3), Float64Array.of(-0, 1e21)];
    expect(featuresCsvRow('a,"b"', cols, 0)).toBe('"a,""b""",0.30000000000000004,0\n');
    expect(featuresCsvRow('=SUM(A1)', cols, 1)).toBe('=SUM(A1),3,1e+21\n');
    expect(featuresCsvRow('=SUM(A1)', cols, 1, true)).toBe("'=SUM(A1),3,1e+21\n");
    expect(featuresCsvRow('-12', [], 0, true)).toBe('-12\n');
  });
});

describe('FeaturesCsvFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'features-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('written in chunks (several 1 MB writes) gives customerFeaturesCsv\'s bytes and their sha256', () => {
    const t = table(120_000);
    for (const csvGuard of [false, true]) {
      const out = join(dir, `t-${csvGuard}.csv`);
      const file = new FeaturesCsvFile(out, t.idColumn, t.names, csvGuard);
      expect(existsSync(`${out}.partial`)).toBe(true);
      const cols = t.names.map((n) => t.columns[n]);
      for (let from = 0; from < t.ids.length; from += 2_048) {
        const to = Math.min(t.ids.length, from + 2_048);
        file.add(to - from, t.ids.slice(from, to), cols.map((c) => c.subarray(from, to)));
      }
      const sha = file.finish();
      const bytes = readFileSync(out);
      expect(bytes.length).toBeGreaterThan(3 * 2 ** 20);
      expect(bytes.toString('utf8')).toBe(customerFeaturesCsv(t, csvGuard));
      expect(bytes.toString('utf8')).toBe([...customerFeaturesCsvPieces(t, { csvGuard, linesPerPiece: 1_000 })].join(''));
      expect(sha).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
      expect(file.rows).toBe(120_000);
      expect(existsSync(`${out}.partial`)).toBe(false);
    }
  });

  it('names the file it cannot write, and leaves no partial file', () => {
    expect(() => new FeaturesCsvFile(join(dir, 'missing', 'f.csv'), 'id', ['a'])).toThrow(/cannot open .*missing\/f\.csv\.partial: ENOENT/);
    // the final name is a folder: the rename fails, the written part is removed
    const folder = join(dir, 'taken');
    mkdirSync(folder);
    const file = new FeaturesCsvFile(folder, 'id', ['a']);
    file.add(1, ['x'], [Float64Array.of(1)]);
    expect(() => file.finish()).toThrow(/cannot rename .*taken: .*check that the folder exists/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(() => file.add(1, ['x'], [Float64Array.of(1), Float64Array.of(2)])).toThrow(/2 columns given for 1 features \(a\)/);
  });

  it('counts the cells the guard changes: none for plain ids (the bytes are the same with and without the guard)', () => {
    const plain = new FeaturesCsvFile(join(dir, 'plain.csv'), 'id', ['a']);
    plain.add(3, ['1', '-12', 'x=1'], [Float64Array.of(1, 2, 3)]);
    plain.finish();
    expect(plain.formulaLikeCells).toBe(0);
    const t = table(1_000);
    const file = new FeaturesCsvFile(join(dir, 'awkward.csv'), '@id', t.names);
    file.add(t.ids.length, t.ids, t.names.map((n) => t.columns[n]));
    file.finish();
    expect(file.formulaLikeCells).toBe(1 + t.ids.filter((id) => /^[=+\-@]/.test(id)).length);
  });
});

describe('guardFeaturesCsv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'features-guard-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("turns the unguarded file into customerFeaturesCsv(table, true)'s bytes, across reads that split records", async () => {
    for (const n of [1, 120_000]) {
      const t = { ...table(n), idColumn: '=customer, "id"' };
      const path = join(dir, `plain-${n}.csv`);
      writeFileSync(path, customerFeaturesCsv(t, false));
      const pieces: string[] = [];
      const sha = await guardFeaturesCsv(path, (text) => void pieces.push(text));
      const guarded = customerFeaturesCsv(t, true);
      expect(guarded).not.toBe(customerFeaturesCsv(t, false));
      expect(pieces.join('')).toBe(guarded);
      if (n > 1) expect(pieces.length).toBeGreaterThan(10);
      expect(sha).toBe(`sha256:${createHash('sha256').update(guarded).digest('hex')}`);
    }
  });

  it('refuses a file cut inside a line, naming it', async () => {
    const path = join(dir, 'cut.csv');
    writeFileSync(path, 'id,a\n"=x,1\n');
    await expect(guardFeaturesCsv(path, () => undefined)).rejects.toThrow(/cut\.csv ends inside a line/);
    await expect(guardFeaturesCsv(join(dir, 'absent.csv'), () => undefined)).rejects.toThrow(/cannot read .*absent\.csv/);
  });
});
