import { describe, expect, it } from 'vitest';
import { csvCell } from './csv';

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
