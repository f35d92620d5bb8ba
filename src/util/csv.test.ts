import { describe, expect, it } from 'vitest';
import { csvCell, formulaLike } from './csv';

describe('csvCell', () => {
  it('prefixes text a spreadsheet would run as a formula with a quote (OWASP CSV injection)', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1+cmd|x')).toBe("'+1+cmd|x");
    expect(csvCell('-2-3')).toBe("'-2-3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe(`"'\rx"`);
  });

  it('keeps numbers, number-like text and ordinary text as they are; the guard can be turned off', () => {
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell('-3.5')).toBe('-3.5');
    expect(csvCell('-12')).toBe('-12');
    expect(csvCell('+1e5')).toBe('+1e5');
    expect(csvCell(true)).toBe('true');
    expect(csvCell('Smith, J')).toBe('"Smith, J"');
    expect(csvCell('=1+1', false)).toBe('=1+1');
  });
});

describe('formulaLike', () => {
  it('is true exactly for the text csvCell guards', () => {
    for (const s of ['=1', '+x', '-2-3', '@a', '\tx', '\rx', '-12', '+3.5e2', 'a=1', '', '0', ' =1'])
      expect(formulaLike(s), JSON.stringify(s)).toBe(csvCell(s, true).replace(/^"|"$/g, '') !== s.replace(/^"|"$/g, ''));
    expect(['=1', '-2-3', '-12', 'a'].map(formulaLike)).toEqual([true, true, false, false]);
  });
});
