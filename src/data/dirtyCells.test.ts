import { describe, expect, it } from 'vitest';
import { createRng } from '../util/random';
import { spoil, type DirtyKind } from './dirtyCells';

const columns = { id: 'id', features: ['a', 'b'], categorical: ['shop'], header: ['id', 'a', 'b', 'shop'] };

describe('spoil', () => {
  it('spoils distinct rows, one of each kind at least, copying from rows it leaves clean, in row order', () => {
    const rows = 60;
    const cells = Array.from({ length: rows }, (_, i) => [String(i + 1), String(100 + i), 'North']);
    const ids = Array.from({ length: rows }, (_, i) => `C${i}`);
    const clean = cells.map((r) => [...r]);
    const done = spoil(cells, ids, columns, createRng(3, 1));
    const kinds: DirtyKind[] = ['empty-number', 'na-number', 'not-a-number', 'negative-number', 'duplicate-row', 'repeated-id', 'padded-category', 'upper-category', 'empty-category'];
    expect(new Set(done.map((d) => d.kind))).toEqual(new Set(kinds));
    expect(done.map((d) => d.row)).toEqual([...done.map((d) => d.row)].sort((x, y) => x - y));
    expect(new Set(done.map((d) => d.row)).size).toBe(done.length);
    const spoiled = new Set(done.map((d) => d.row));
    for (const d of done) {
      if (d.kind === 'duplicate-row' || d.kind === 'repeated-id') {
        expect(spoiled.has(d.copyOf as number)).toBe(false);
        expect(ids[d.row]).toBe(ids[d.copyOf as number]);
        if (d.kind === 'duplicate-row') expect(cells[d.row]).toEqual(clean[d.copyOf as number]);
        else expect(cells[d.row]).toEqual(clean[d.row]);
      } else {
        expect(cells[d.row][columns.header.indexOf(d.column) - 1]).toBe(d.value);
      }
    }
    expect(done.find((d) => d.kind === 'padded-category')?.value).toBe(' north');
    expect(done.find((d) => d.kind === 'upper-category')?.value).toBe('NORTH');
    const negative = done.find((d) => d.kind === 'negative-number')!;
    expect(Number(negative.value)).toBe(-Number(clean[negative.row][columns.header.indexOf(negative.column) - 1]));
  });

  it('leaves the category kinds out of a table without categorical columns', () => {
    const cells = Array.from({ length: 50 }, (_, i) => [String(i), String(i)]);
    const ids = cells.map((_, i) => String(i + 1));
    const done = spoil(cells, ids, { id: 'id', features: ['a', 'b'], categorical: [], header: ['id', 'a', 'b'] }, createRng(1, 1));
    expect(done.some((d) => d.kind.endsWith('-category'))).toBe(false);
    expect(done).toHaveLength(6);
  });
});
