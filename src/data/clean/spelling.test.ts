import { describe, expect, it } from 'vitest';
import { cleanText, mall } from '../__fixtures__/cleaning';
import { parseCustomersCsv } from '../parse';
import { MALL_SCHEMA, missingTokens } from '../schema';
import { cleanCustomers } from './cleaner';
import { categoryColumn, MISSING_CODE, UNRECOGNISED } from './spelling';
import type { CleanOptions } from './types';

describe('category spellings, through cleanCustomers', () => {
  const clean = (body: string, options?: CleanOptions) =>
    cleanCustomers(parseCustomersCsv(`shop,visits,spend\n${body}`, { source: 'shops.csv', schema: { features: ['visits', 'spend'], categorical: ['shop'] } }), options);

  it('reads padded and lower/upper-case Gender and f/m, and drops missing or unknown Gender', () => {
    const r = cleanText('1,female,19,15,39\n2,MALE,20,15,39\n3,f,21,15,39\n4,M,22,15,39\n5,,23,15,39\n6,Other,24,15,39\n7,"  Female ",25,15,39\n');
    expect(mall(r).map((c) => c.gender)).toEqual(['Female', 'Male', 'Female', 'Male', 'Female']);
    expect(r.rows.droppedBy).toEqual({ 'missing Gender': 1, 'unrecognised Gender': 1 });
    expect(r.warnings).toContain('Read 4 Gender values spelled differently ("female", "MALE", "f", "M") as Female/Male');
    expect(r.warnings).toContain('Dropped 1 row with unrecognised Gender (line 7: "Other")');
  });

  it('writes a value without an enum as its most frequent spelling over all rows read', () => {
    const r = clean(['EAST,1,1', 'east,2,2', 'East,3,3', 'East,4,4', 'East,x,5'].join('\n'));
    expect(r.data.categorical.shop).toEqual(['East', 'East', 'East', 'East']);
    expect(r.warnings).toContain('Read 2 shop values spelled differently ("EAST", "east") as East');
  });
});

describe('CategoryColumn', () => {
  it('codes the spellings of an enum with its aliases, missing tokens as missing and others as unrecognised', () => {
    const gender = categoryColumn(MALL_SCHEMA, 'Gender', 1, missingTokens(MALL_SCHEMA));
    expect(gender.required).toBe(true);
    for (const text of ['', 'NA', '(missing)']) expect(gender.codeOf(text)).toBe(MISSING_CODE);
    expect(gender.codeOf('Other')).toBe(UNRECOGNISED);
    const female = gender.codeOf('Female');
    expect([gender.codeOf('female'), gender.codeOf('F'), gender.codeOf('f')]).toEqual([female, female, female]);
    expect(gender.codeOf('male')).not.toBe(female);
    expect(gender.written()[female]).toBe('Female');
  });

  it('lists the respelled values of kept rows only, with their counts', () => {
    const schema = { name: 's', features: ['x', 'y'], fields: [{ name: 'shop', type: 'string' as const }, { name: 'x', type: 'number' as const }, { name: 'y', type: 'number' as const }], categorical: ['shop'] };
    const shop = categoryColumn(schema, 'shop', 0, missingTokens(schema));
    expect(shop.required).toBe(false);
    for (const text of ['North', 'north', 'north', 'NORTH', 'North']) shop.count(text);
    for (const text of ['North', 'north', 'north']) shop.kept(text);
    expect(shop.respelled()).toEqual(new Map([['north', { count: 2, value: 'North' }]]));
  });
});
