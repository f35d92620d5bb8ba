import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { absentColumns, fileRelation, partsFor, sizeBytes, sqlString } from './source';

describe('sizeBytes', () => {
  it('reads DuckDB\'s size texts in decimal and binary units, NaN otherwise', () => {
    expect(sizeBytes('953.6 MiB')).toBeCloseTo(953.6 * 2 ** 20, 0);
    expect(sizeBytes('1GB')).toBe(1e9);
    expect(sizeBytes('64 mb')).toBe(64e6);
    expect(sizeBytes('512KiB')).toBe(524_288);
    expect(sizeBytes('4096')).toBe(4096);
    expect(sizeBytes('lots')).toBeNaN();
    expect(sizeBytes('1.5 XB')).toBeNaN();
  });
});

describe('partsFor', () => {
  it('takes one part up to 20 million lines per GB of memory limit, one more per 20 million beyond', () => {
    expect(partsFor(10_053_199, 1e9)).toBe(1);
    expect(partsFor(20_000_000, 1e9)).toBe(1);
    expect(partsFor(20_000_001, 1e9)).toBe(2);
    expect(partsFor(100_000_000, 1e9)).toBe(5);
    expect(partsFor(10_000_000, 256e6)).toBe(2);
    expect(partsFor(170_000, 64e6)).toBe(1);
    expect(partsFor(Number.NaN, 1e9)).toBe(1);
  });
});

describe('fileRelation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tx-source-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a CSV as text with the header line\'s most frequent separator, Parquet as itself, quotes in names doubled', () => {
    const semi = join(dir, "it's.csv");
    writeFileSync(semi, 'a;b;c,d\n1;2;3\n');
    expect(fileRelation(semi)).toBe(`read_csv(${sqlString(semi)}, all_varchar = true, header = true, delim = ';', quote = '"', escape = '"', skip = 0) AS orders`);
    expect(sqlString(semi)).toContain("it''s.csv");
    const tabs = join(dir, 'tabs.tsv');
    writeFileSync(tabs, 'a\tb\n1\t2\n');
    expect(fileRelation(tabs)).toContain("delim = '\t'");
    expect(fileRelation(join(dir, 'x.PARQUET'))).toBe(`read_parquet(${sqlString(join(dir, 'x.PARQUET'))}) AS orders`);
  });
});

describe('absentColumns', () => {
  it('names the missing columns and the columns found, and says a one-column header is a separator problem', () => {
    const spec = { customer: 'c', date: 'd', amount: 'a', order: 'o' };
    expect(() => absentColumns(spec, ['c', 'd', 'a', 'o'], 'f.csv')).not.toThrow();
    expect(() => absentColumns(spec, ['c', 'd', 'x'], 'f.csv')).toThrow(/Columns "a", "o" are missing in f\.csv \(found: c, d, x\); name the columns/);
    expect(() => absentColumns(spec, ['c,d,a,o'], 'f.csv')).toThrow(/read as a single column/);
  });
});
