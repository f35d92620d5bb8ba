import { describe, expect, it } from 'vitest';
import { cleanText } from '../__fixtures__/cleaning';
import { dropWarnings, noUsableRowsMessage } from './warnings';

describe('warning text', () => {
  it('lists at most 10 lines of a reason and counts the rest', () => {
    const body = Array.from({ length: 13 }, (_, i) => `${i + 1},Male,,15,39`).join('\n');
    const r = cleanText(`${body}\n99,Male,30,15,39`);
    expect(r.warnings[0]).toBe('Dropped 13 rows with missing Age (lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ... 3 more)');
  });

  it('names the value of each dropped row where there is one, "empty" where the cell was', () => {
    const dropped = [
      { line: 2, cells: [], others: [], id: '1', reason: 'missing Age', detail: '' },
      { line: 3, cells: [], others: [], id: '2', reason: 'missing Age', detail: '"NA"' },
    ];
    expect(dropWarnings(dropped, 'CustomerID')).toEqual(['Dropped 2 rows with missing Age (line 2: empty, line 3: "NA")']);
  });

  it('refuses a table with no usable row naming the three main reasons, and says when there are more', () => {
    expect(noUsableRowsMessage('x.csv', 9, { a: 1, b: 5, c: 2, d: 1 })).toBe('No usable rows in x.csv: read 9, dropped all (5 × b, 2 × c, 1 × a, ...); fix those cells and retry');
    expect(noUsableRowsMessage('x.csv', 1, { a: 1 })).toBe('No usable rows in x.csv: read 1, dropped all (1 × a); fix those cells and retry');
  });
});
