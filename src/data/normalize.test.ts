import { describe, expect, it } from 'vitest';
import { CategoryReader, cellText, foldCategory, missingTokenSet, readNumber } from './normalize';

const tokens = missingTokenSet(undefined);

describe('the record reading shared by every entry point', () => {
  it('trims cells and reads empty cells and missing-value tokens (any case) as missing', () => {
    expect(cellText('  Male ', tokens)).toBe('Male');
    for (const missing of [undefined, null, '', '   ', 'NA', 'n/a', ' NaN ', 'NULL', 'none', '-', '?']) expect(cellText(missing, tokens)).toBeNull();
    expect(cellText(12.5, tokens)).toBe('12.5');
    // a schema's own tokens replace the default ones
    const own = missingTokenSet(['unknown']);
    expect(cellText('NA', own)).toBe('NA');
    expect(cellText('Unknown', own)).toBeNull();
  });

  it('reads numbers, numeric text with padding, and refuses other text and non-finite values', () => {
    expect(readNumber(23, tokens)).toEqual({ kind: 'number', value: 23 });
    expect(readNumber(' 23 ', tokens)).toEqual({ kind: 'number', value: 23 });
    expect(readNumber('-2.5e1', tokens)).toEqual({ kind: 'number', value: -25 });
    expect(readNumber('.5', tokens)).toEqual({ kind: 'number', value: 0.5 });
    for (const missing of ['', ' ', 'NA', null, undefined]) expect(readNumber(missing, tokens)).toEqual({ kind: 'missing' });
    for (const invalid of ['12,50', 'old', '1e999', 'Infinity', '0x10', Number.NaN, Number.POSITIVE_INFINITY, true, {}])
      expect(readNumber(invalid, tokens)).toEqual({ kind: 'invalid' });
  });

  it('folds category spellings to the learned values and the schema aliases; flags the rest as unknown', () => {
    const reader = new CategoryReader(['Female', 'Male'], { f: 'Female', m: 'Male' }, tokens);
    expect(foldCategory(' fEmale ')).toBe('FEMALE');
    expect(reader.read(' female ')).toEqual({ kind: 'value', value: 'Female' });
    expect(reader.read('MALE')).toEqual({ kind: 'value', value: 'Male' });
    expect(reader.read('F')).toEqual({ kind: 'value', value: 'Female' });
    expect(reader.read('x')).toEqual({ kind: 'unknown', text: 'x' });
    for (const missing of ['', 'NA', '(missing)', null]) expect(reader.read(missing)).toEqual({ kind: 'missing' });
    // the keys the SQL compares UPPER(TRIM(cell)) with
    expect(reader.keysByValue()).toEqual(new Map([['Female', ['F', 'FEMALE']], ['Male', ['M', 'MALE']]]));
  });

  it('a learned value wins over an alias spelled the same', () => {
    const reader = new CategoryReader(['M', 'Male'], { m: 'Male' }, tokens);
    expect(reader.read('m')).toEqual({ kind: 'value', value: 'M' });
  });
});
