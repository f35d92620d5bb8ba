import { readFileSync } from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../util/errors';
import { EXAMPLE_COLUMNS, RETAIL_SEGMENTS, exampleSource, exampleTable, exampleTableCsv, type DirtyKind, type ExampleKind } from './examples';
import { dataHash } from './hash';

/** The cells of each data line (the tables never need quoting). */
const cellsOf = (csv: string): { header: string[]; lines: string[][] } => {
  const [header, ...lines] = csv.slice(0, -1).split('\n');
  return { header: header.split(','), lines: lines.map((l) => l.split(',')) };
};
const column = (csv: string, name: string): string[] => {
  const { header, lines } = cellsOf(csv);
  const j = header.indexOf(name);
  return lines.map((cells) => cells[j]);
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('exampleTable: columns and shapes', () => {
  it('retail: string ids, six numeric features, two categories, header in the documented order', () => {
    const t = exampleTable({ kind: 'retail', rows: 500, seed: 1 });
    const { header, lines } = cellsOf(t.csv);
    expect(header).toEqual([...EXAMPLE_COLUMNS.retail.header]);
    expect(t.columns).toBe(EXAMPLE_COLUMNS.retail);
    expect(t.columns.id).toBe('customer_ref');
    expect(t.columns.features).toEqual(['age_years', 'income_eur', 'visits_per_month', 'basket_eur', 'tenure_months', 'online_share']);
    expect(t.columns.categorical).toEqual(['region', 'channel']);
    expect(new Set(header)).toEqual(new Set([t.columns.id, ...t.columns.features, ...t.columns.categorical]));
    expect(lines).toHaveLength(500);
    expect(t.csv.endsWith('\n')).toBe(true);
    for (const cells of lines) expect(cells).toHaveLength(header.length);
    expect(column(t.csv, 'customer_ref').slice(0, 3)).toEqual(['C-000001', 'C-000002', 'C-000003']);
  });

  it('wide: integer ids, twelve numeric features, one category, 100,000 rows by default', () => {
    const t = exampleTable({ kind: 'wide' });
    const { header, lines } = cellsOf(t.csv);
    expect(header).toEqual([...EXAMPLE_COLUMNS.wide.header]);
    expect(t.columns.features).toHaveLength(12);
    expect(t.columns.categorical).toEqual(['plan']);
    expect(new Set(header)).toEqual(new Set([t.columns.id, ...t.columns.features, ...t.columns.categorical]));
    expect(t.rows).toBe(100_000);
    expect(lines).toHaveLength(100_000);
    expect(lines[99_999][0]).toBe('100000');
    expect(t.segments).toHaveLength(100_000);
    expect(t.nSegments).toBe(6);
  });

  it('defaults to 2,000 retail rows and seed 42', () => {
    const t = exampleTable({ kind: 'retail' });
    expect([t.rows, t.seed]).toEqual([2000, 42]);
    expect(t.csv).toBe(exampleTableCsv({ kind: 'retail', rows: 2000, seed: 42, dirty: false }));
  });
});

describe('exampleTable: clean values', () => {
  for (const kind of ['retail', 'wide'] as ExampleKind[]) {
    it(`${kind}: every feature is a finite number >= 0, ids unique, categories from their set`, () => {
      const t = exampleTable({ kind, rows: 3000, seed: 5 });
      for (const f of t.columns.features) {
        for (const v of column(t.csv, f)) {
          expect(v).toMatch(/^\d+(\.\d+)?$/);
          expect(Number(v)).toBeGreaterThanOrEqual(0);
        }
      }
      const ids = column(t.csv, t.columns.id);
      expect(new Set(ids).size).toBe(3000);
      const sets: Record<string, string[]> = {
        region: ['North', 'South', 'East', 'West'],
        channel: ['store', 'online', 'both'],
        plan: ['free', 'basic', 'premium'],
      };
      for (const c of t.columns.categorical) {
        const values = new Set(column(t.csv, c));
        expect([...values].sort()).toEqual([...sets[c]].sort());
      }
    });
  }

  it('retail: units as documented, channel follows online_share, income skewed', () => {
    const csv = exampleTableCsv({ kind: 'retail', rows: 4000, seed: 3 });
    const age = column(csv, 'age_years').map(Number);
    const online = column(csv, 'online_share').map(Number);
    const income = column(csv, 'income_eur').map(Number);
    expect(Math.min(...age)).toBeGreaterThanOrEqual(18);
    expect(Math.max(...age)).toBeLessThanOrEqual(90);
    expect(age.every(Number.isInteger) && income.every(Number.isInteger)).toBe(true);
    expect(Math.max(...online)).toBeLessThanOrEqual(1);
    column(csv, 'channel').forEach((ch, i) => expect(ch).toBe(online[i] < 0.25 ? 'store' : online[i] > 0.75 ? 'online' : 'both'));
    // a lognormal mixture with one rich segment: the mean is well above the median
    expect(mean(income) / median(income)).toBeGreaterThan(1.2);
    expect(column(csv, 'basket_eur').every((v) => /^\d+\.\d\d$/.test(v))).toBe(true);
  });

  it('retail: segment sizes follow the weights exactly, and segments differ as specified', () => {
    const t = exampleTable({ kind: 'retail', rows: 2000, seed: 11 });
    const counts = RETAIL_SEGMENTS.map((_, s) => t.segments.filter((x) => x === s).length);
    expect(counts).toEqual(RETAIL_SEGMENTS.map((s) => 2000 * s.weight));
    const age = column(t.csv, 'age_years').map(Number);
    RETAIL_SEGMENTS.forEach((spec, s) => {
      const ages = age.filter((_, i) => t.segments[i] === s);
      expect(Math.abs(mean(ages) - spec.age[0])).toBeLessThan(1.5);
    });
  });
});

describe('exampleTable: determinism', () => {
  it('same options, same bytes; another seed, other bytes', () => {
    for (const kind of ['retail', 'wide'] as ExampleKind[]) {
      expect(exampleTableCsv({ kind, rows: 1000, seed: 9 })).toBe(exampleTableCsv({ kind, rows: 1000, seed: 9 }));
      expect(exampleTableCsv({ kind, rows: 1000, seed: 9 })).not.toBe(exampleTableCsv({ kind, rows: 1000, seed: 10 }));
      expect(exampleTableCsv({ kind, rows: 200, seed: 9, dirty: true })).toBe(exampleTableCsv({ kind, rows: 200, seed: 9, dirty: true }));
    }
  });

  it('gives the bytes the scikit-learn fixtures were computed from (test/fixtures/sklearn_*.json)', () => {
    for (const name of ['retail', 'wide']) {
      const file = path.resolve(__dirname, '..', '..', 'test', 'fixtures', `sklearn_${name}.json`);
      const fixture = JSON.parse(readFileSync(file, 'utf8')) as {
        table: { kind: ExampleKind; rows: number; seed: number; dirty: boolean };
        csv_sha256: string;
        features: string[];
      };
      const t = exampleTable(fixture.table);
      // a change here invalidates the fixture: rerun scripts/fixtures/other_tables.py
      expect(dataHash(t.csv)).toBe(`sha256:${fixture.csv_sha256}`);
      expect(fixture.features).toEqual(t.columns.features);
    }
  });
});

describe('exampleTable: dirty', () => {
  const rows = 2000;
  const clean = exampleTable({ kind: 'retail', rows, seed: 4 });
  const dirty = exampleTable({ kind: 'retail', rows, seed: 4, dirty: true });
  const cleanLines = cellsOf(clean.csv).lines;
  const dirtyLines = cellsOf(dirty.csv).lines;
  const header = EXAMPLE_COLUMNS.retail.header;

  it('spoils about 1% of the rows, every kind at least once, each row once, with the same number of lines', () => {
    expect(dirtyLines).toHaveLength(rows);
    expect(dirty.dirty).toHaveLength(20);
    const kinds = new Set(dirty.dirty.map((d) => d.kind));
    const all: DirtyKind[] = ['empty-number', 'na-number', 'not-a-number', 'negative-number', 'duplicate-row', 'repeated-id', 'padded-category', 'upper-category', 'empty-category'];
    expect([...kinds].sort()).toEqual([...all].sort());
    expect(new Set(dirty.dirty.map((d) => d.row)).size).toBe(dirty.dirty.length);
    expect(clean.dirty).toEqual([]);
  });

  it('changes only the listed rows, and each listed cell holds its listed value', () => {
    const listed = new Set(dirty.dirty.map((d) => d.row));
    dirtyLines.forEach((cells, i) => {
      if (!listed.has(i)) expect(cells).toEqual(cleanLines[i]);
      else expect(cells).not.toEqual(cleanLines[i]);
    });
    for (const d of dirty.dirty) expect(dirtyLines[d.row][header.indexOf(d.column)]).toBe(d.value);
  });

  it('writes each kind as documented', () => {
    for (const d of dirty.dirty) {
      const cleanCell = cleanLines[d.row][header.indexOf(d.column)];
      switch (d.kind) {
        case 'empty-number':
        case 'empty-category':
          expect(d.value).toBe('');
          break;
        case 'na-number':
          expect(d.value).toBe('NA');
          break;
        case 'not-a-number':
          expect(d.value).toBe('abc');
          break;
        case 'negative-number':
          expect(Number(d.value)).toBeLessThan(0);
          expect(Number(d.value)).toBe(Number(cleanCell) > 0 ? -Number(cleanCell) : -1);
          break;
        case 'padded-category':
          expect(d.value).toBe(` ${cleanCell.toLowerCase()}`);
          break;
        case 'upper-category':
          expect(d.value).toBe(cleanCell.toUpperCase());
          expect(d.value).not.toBe(cleanCell);
          break;
        case 'duplicate-row':
          expect(dirtyLines[d.row]).toEqual(dirtyLines[d.copyOf!]);
          expect(dirtyLines[d.copyOf!]).toEqual(cleanLines[d.copyOf!]);
          break;
        case 'repeated-id':
          expect(dirtyLines[d.row][0]).toBe(dirtyLines[d.copyOf!][0]);
          expect(dirtyLines[d.row].slice(1)).toEqual(cleanLines[d.row].slice(1));
          expect(dirtyLines[d.row].slice(1)).not.toEqual(dirtyLines[d.copyOf!].slice(1));
          break;
      }
      if (['empty-number', 'na-number', 'not-a-number', 'negative-number'].includes(d.kind)) {
        expect(EXAMPLE_COLUMNS.retail.features).toContain(d.column);
      }
      if (d.kind.endsWith('-category')) expect(EXAMPLE_COLUMNS.retail.categorical).toContain(d.column);
    }
    // the spoiled ids repeat: a cleaner has something to drop
    expect(new Set(column(dirty.csv, 'customer_ref')).size).toBe(rows - 4);
  });

  it('spoils the wide table too, at least one row per kind on small tables', () => {
    const t = exampleTable({ kind: 'wide', rows: 100, seed: 1, dirty: true });
    expect(t.dirty).toHaveLength(9);
    expect(t.dirty.filter((d) => d.kind.endsWith('-category')).every((d) => d.column === 'plan')).toBe(true);
  });
});

describe('exampleTable: options', () => {
  it('refuses bad options with the value in the message', () => {
    expect(() => exampleTable({ kind: 'mall' as ExampleKind })).toThrow('invalid kind: mall; use retail or wide');
    expect(() => exampleTable({ kind: 'retail', rows: 0 })).toThrow(OptionsError);
    expect(() => exampleTable({ kind: 'retail', rows: 2.5 })).toThrow('invalid rows: 2.5; use an integer >= 1');
    expect(() => exampleTable({ kind: 'retail', rows: 10, dirty: true })).toThrow('invalid rows: 10; a dirty table needs rows >= 50');
    expect(() => exampleTable({ kind: 'wide', seed: 0.5 })).toThrow('invalid seed: 0.5; use an integer');
  });

  it('names the source for messages', () => {
    expect(exampleSource({ kind: 'retail' })).toBe('<example retail rows=2000 seed=42>');
    expect(exampleSource({ kind: 'wide', rows: 10, seed: 1, dirty: true })).toBe('<example wide rows=10 seed=1 dirty>');
  });
});
