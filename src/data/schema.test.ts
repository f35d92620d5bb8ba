import { describe, expect, it } from 'vitest';
import { DataError, OptionsError } from '../util/errors';
import { cleanCustomers, toRecords, MISSING_CATEGORY } from './clean';
import { parseCustomersCsv } from './parse';
import { MALL_SCHEMA, axisTitle, levelWords, resolveSchema, validateSchema } from './schema';

const OWN = ['customer_id', 'gender', 'age', 'annual_income', 'spending_score', 'visits_per_month'];

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('resolveSchema', () => {
  it('uses the built-in Mall schema for the Mall header, whatever the case and column order', () => {
    const s = resolveSchema(['spending score (1-100)', 'Gender', 'customerid', 'Age', 'Annual Income (k$)']);
    expect(s.name).toBe('mall');
    expect(s.primaryKey).toBe('CustomerID');
    expect(s.features).toEqual(['Age', 'Annual Income (k$)', 'Spending Score (1-100)']);
    expect(s.categorical).toEqual(['Gender']);
  });

  it('stops on another table without flags, listing the columns found and how to name features', () => {
    const e = errorOf(() => resolveSchema(OWN, {}, 'own.csv'));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain('missing in own.csv (found: customer_id, gender, age, annual_income, spending_score, visits_per_month)');
    expect(e.message).toContain('--features colA,colB,colC');
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('builds a schema from flags: features numeric, categorical and id as text', () => {
    const s = resolveSchema(OWN, { features: ['age', 'annual_income', 'visits_per_month'], id: 'customer_id', categorical: ['gender'] });
    expect(s.name).toBe('custom');
    expect(s.fields.map((f) => [f.name, f.type])).toEqual([
      ['customer_id', 'string'],
      ['gender', 'string'],
      ['age', 'number'],
      ['annual_income', 'number'],
      ['visits_per_month', 'number'],
    ]);
    // default words and axis titles come from the column name
    expect(levelWords(s, 'visits_per_month')).toEqual(['low visits_per_month', 'average visits_per_month', 'high visits_per_month']);
    expect(axisTitle(s, 'age')).toBe('age');
  });

  it('lets a flag win over the schema file, and keeps the file words', () => {
    const file = validateSchema(
      {
        primaryKey: 'customer_id',
        features: ['age', 'annual_income'],
        fields: [
          { name: 'customer_id', type: 'string' },
          { name: 'annual_income', type: 'number', title: 'Income', unit: 'EUR', transform: 'log1p', constraints: { minimum: 0 } },
          { name: 'visits_per_month', type: 'number', title: 'store visits', words: ['few store visits', 'some store visits', 'many store visits'] },
        ],
      },
      's.json',
    );
    const s = resolveSchema(OWN, { schema: file, features: ['annual_income', 'visits_per_month'] });
    expect(s.features).toEqual(['annual_income', 'visits_per_month']);
    expect(axisTitle(s, 'annual_income')).toBe('Income (EUR)');
    expect(levelWords(s, 'visits_per_month')[2]).toBe('many store visits');
  });

  it('refuses a named column that is not in the header, naming it and the columns found', () => {
    const e = errorOf(() => resolveSchema(OWN, { features: ['age', 'basket'] }, 'own.csv'));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/^Column "basket" is missing in own.csv \(found: customer_id, .*visits_per_month\); names must be as in the header$/);
  });

  it('refuses one feature, the id as a feature, and text columns that are not categorical', () => {
    expect(errorOf(() => resolveSchema(OWN, { features: ['age'] }))).toBeInstanceOf(OptionsError);
    expect(errorOf(() => resolveSchema(OWN, { features: ['age', 'customer_id'], id: 'customer_id' })).message).toContain('id column');
    const file = validateSchema({ features: ['age', 'gender'], fields: [{ name: 'gender', type: 'string' }] }, 's.json');
    expect(errorOf(() => resolveSchema(OWN, { schema: file })).message).toContain('"gender" is text but not categorical');
  });

  it('one-hot: a categorical column listed as a feature stays text', () => {
    const s = resolveSchema(OWN, { features: ['age', 'gender'], categorical: ['gender'] });
    expect(s.fields.find((f) => f.name === 'gender')?.type).toBe('string');
  });

  it('validateSchema names the file and the problem', () => {
    expect(errorOf(() => validateSchema([], 'x.json')).message).toBe('Schema x.json: not a JSON object; see "Your own data" in README.md for the format');
    expect(errorOf(() => validateSchema({ fields: [{ name: 'a', type: 'date' }] }, 'x.json')).message).toContain('fields[0] ("a"): type must be number, integer or string');
    expect(errorOf(() => validateSchema({ fields: [{ name: 'a', transform: 'log' }] }, 'x.json')).message).toContain('transform must be "none" or "log1p"');
    expect(() =>
      resolveSchema(['a', 'b'], { schema: validateSchema({ features: ['a', 'b'], fields: [{ name: 'a', transform: 'log1p' }] }, 'x.json') }),
    ).toThrow(/log1p" needs constraints.minimum > -1/);
  });

  it('the Mall schema is a file with the Mall words and units', () => {
    expect(levelWords(MALL_SCHEMA, 'Age')).toEqual(['Young', 'Middle-aged', 'Older']);
    expect(axisTitle(MALL_SCHEMA, 'Annual Income (k$)')).toBe('Annual Income (k$)');
    expect(axisTitle(MALL_SCHEMA, 'Age')).toBe('Age (years)');
  });
});

describe('cleanCustomers on a table of another shape', () => {
  const text = [
    'ref,region,channel,age,income_eur,visits,extra',
    'C-1,North,store,30,42000,4,x',
    'C-2, north ,online,41,,2,x', // missing income
    'C-3,NORTH,store,abc,39000,3,x', // age not a number
    'C-4,South,,25,-5,1,x', // negative income (range stated), missing channel kept
    'C-5,South,online,52,51000,-2,x', // negative visits: no range stated, kept
    'C-1,North,store,33,42000,4,x', // repeated id with other values
    'C-6,south,both,61,80000,7,x',
    ',East,store,20,1,1,x', // missing id
  ].join('\n');
  const schema = validateSchema(
    {
      primaryKey: 'ref',
      features: ['age', 'income_eur', 'visits'],
      categorical: ['region', 'channel'],
      fields: [{ name: 'income_eur', type: 'number', constraints: { minimum: 0 } }],
    },
    'own.json',
  );
  const r = cleanCustomers(parseCustomersCsv(text, { source: 'own.csv', schema: { schema } }));

  it('accounts for every row with its reason', () => {
    expect(r.rows.read).toBe(8);
    expect(r.rows.used + r.rows.dropped).toBe(8);
    expect(r.dropped.map((d) => [d.line, d.id, d.reason])).toEqual([
      [3, 'C-2', 'missing income_eur'],
      [4, 'C-3', 'age not a number'],
      [5, 'C-4', 'income_eur negative'],
      [7, 'C-1', 'repeated ref'],
      [9, '', 'missing ref'],
    ]);
  });

  it('keeps string ids, merges spellings that differ in case into the most frequent one, keeps a missing category', () => {
    expect(toRecords(r.data)).toEqual([
      { ref: 'C-1', region: 'North', channel: 'store', age: 30, income_eur: 42000, visits: 4 },
      { ref: 'C-5', region: 'South', channel: 'online', age: 52, income_eur: 51000, visits: -2 },
      { ref: 'C-6', region: 'South', channel: 'both', age: 61, income_eur: 80000, visits: 7 },
    ]);
    expect(r.warnings).toContain('Read 1 region value spelled differently ("south") as South');
    const withMissing = cleanCustomers(parseCustomersCsv('ref,region,a,b\n1,,1,2\n2,x,3,4\n', { schema: { id: 'ref', features: ['a', 'b'], categorical: ['region'] } }));
    expect(withMissing.data.categorical.region).toEqual([MISSING_CATEGORY, 'x']);
    // read back from an output file, "(missing)" stays missing, also for a column with an enum
    const back = cleanCustomers(
      parseCustomersCsv('ref,region,a,b\n1,(missing),1,2\n2,x,3,4\n', {
        schema: { schema: validateSchema({ primaryKey: 'ref', features: ['a', 'b'], categorical: ['region'], fields: [{ name: 'ref', type: 'string' }, { name: 'region', type: 'string', constraints: { enum: ['x'] } }] }, 's') },
      }),
    );
    expect(back.rows.dropped).toBe(0);
    expect(back.data.categorical.region).toEqual([MISSING_CATEGORY, 'x']);
  });

  it('numbers customers by row when the table has no id column', () => {
    const noId = cleanCustomers(parseCustomersCsv('a,b\n1,2\n,3\n4,5\n', { schema: { features: ['a', 'b'] } }));
    expect(noId.data.ids).toEqual([1, 3]);
    expect(noId.outliers.map((o) => o.feature)).toEqual(['a', 'b']);
  });

  it('reads the missing-value and unknown-category policies from the file or the flags (a flag wins), and refuses others', () => {
    const file = validateSchema({ features: ['a', 'b'], missing: 'median', unknownCategory: 'error', fields: [] }, 's.json');
    expect(resolveSchema(['a', 'b'], { schema: file })).toMatchObject({ missing: 'median', unknownCategory: 'error' });
    expect(resolveSchema(['a', 'b'], { schema: file, missing: 'drop', unknownCategory: 'ignore' })).toMatchObject({ missing: 'drop', unknownCategory: 'ignore' });
    expect(resolveSchema(['a', 'b'], { features: ['a', 'b'] }).missing).toBeUndefined();
    expect(() => validateSchema({ features: ['a', 'b'], missing: 'mean' }, 's.json')).toThrow('Schema s.json: missing must be "drop" or "median" (got "mean")');
    expect(() => validateSchema({ features: ['a', 'b'], unknownCategory: 'skip' }, 's.json')).toThrow('unknownCategory must be "ignore" or "error" (got "skip")');
  });
});
