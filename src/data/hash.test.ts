import { HAS_MALL, MALL_CSV, MALL_SKIP_REASON, titled } from '../../test/paths';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataHash } from './hash';

describe('dataHash', () => {
  it('gives the FIPS 180-2 test vectors with a sha256: prefix', () => {
    expect(dataHash('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(dataHash('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it.skipIf(!HAS_MALL)(titled('hashes the UTF-8 bytes of the text: the real file matches `sha256sum Mall_Customers.csv`', !HAS_MALL, MALL_SKIP_REASON), () => {
    const text = readFileSync(MALL_CSV, 'utf8');
    expect(dataHash(text)).toBe('sha256:194975e1f84d29ee7a99ca72bc14dcd55af355384f35171ef7e9e053ac7f6612');
  });

  it('hashes non-ASCII text as UTF-8 (é = bytes c3 a9, per `printf "\\xc3\\xa9" | sha256sum`)', () => {
    expect(dataHash('é')).toBe('sha256:4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
  });

  it('tells apart files that differ only in line ends', () => {
    expect(dataHash('a,b\n1,2\n')).not.toBe(dataHash('a,b\r\n1,2\r\n'));
  });
});
