import { describe, expect, it } from 'vitest';
import { describeValidation, describeValidationError, type AjvError } from './validationErrors';

const err = (keyword: string, instancePath: string, params: Record<string, unknown> = {}, extra: Partial<AjvError> = {}): AjvError => ({
  keyword,
  instancePath,
  params,
  ...extra,
});

describe('describeValidationError', () => {
  it('names the field as the client wrote it: batch index in brackets, JSON pointer escapes undone, the body when empty', () => {
    expect(describeValidationError(err('type', '/customers/3/age', { type: 'number' }, { data: true })).field).toBe('customers[3].age');
    expect(describeValidationError(err('type', '/Annual Income (k~1year)', { type: 'number' })).field).toBe('Annual Income (k/year)');
    expect(describeValidationError(err('type', '/a~0b', { type: 'number' })).field).toBe('a~b');
    // a column named "2024" outside `customers` is a name, not an index
    expect(describeValidationError(err('type', '/2024', { type: 'number' })).field).toBe('2024');
    expect(describeValidationError(err('type', '', { type: 'object' }, { data: [1, 2] }))).toEqual({ field: 'body', problem: 'must be a JSON object (got an array of 2)' });
  });

  it('says a required field is missing, with its other name when it has one', () => {
    expect(describeValidationError(err('required', '/customers/0', { missingProperty: 'age' }))).toEqual({ field: 'customers[0].age', problem: 'is required' });
    expect(describeValidationError(err('required', '', { missingProperty: 'Annual Income (k$)' }), ['annualIncome'])).toEqual({
      field: 'Annual Income (k$)',
      problem: 'is required (as "Annual Income (k$)" or "annualIncome")',
    });
  });

  it('lists the known fields for an unknown one, and names both names of a column sent twice', () => {
    const unknown = err('additionalProperties', '', { additionalProperty: 'agee' }, { parentSchema: { properties: { age: {}, gender: {} } } });
    expect(describeValidationError(unknown)).toEqual({ field: 'agee', problem: 'is not a known field (expected: "age", "gender")' });
    const both = err('not', '/customers/1', {}, { schema: { required: ['Annual Income (k$)', 'annualIncome'] } });
    expect(describeValidationError(both)).toEqual({ field: 'customers[1].annualIncome', problem: 'is the same column as "Annual Income (k$)"; send only one of the two' });
  });

  it('shows the value sent: a number that is not finite, long text cut at 40 characters, objects and null by kind', () => {
    expect(describeValidationError(err('type', '/age', { type: 'number' }, { data: Infinity })).problem).toBe('must be a finite number (got Infinity)');
    const long = 'x'.repeat(50);
    expect(describeValidationError(err('type', '/age', { type: 'number,string' }, { data: { a: 1 } })).problem).toBe('must be a number or a string (got an object)');
    expect(describeValidationError(err('type', '/age', { type: 'number' }, { data: long })).problem).toBe(`must be a number (got "${'x'.repeat(40)}...")`);
    expect(describeValidationError(err('type', '/age', { type: ['integer', 'null'] })).problem).toBe('must be an integer or null');
  });

  it('states bounds, allowed values and batch sizes', () => {
    expect(describeValidationError(err('maximum', '/age', { comparison: '<=', limit: 120 }, { data: 121 })).problem).toBe('must be <= 120 (got 121)');
    expect(describeValidationError(err('enum', '/gender', { allowedValues: ['Female', 'Male'] }, { data: 'x' })).problem).toBe('must be one of "Female", "Male" (got "x")');
    expect(describeValidationError(err('minItems', '/customers', { limit: 1 }, { data: [] }))).toEqual({ field: 'customers', problem: 'must hold at least 1 customer (got 0)' });
    expect(describeValidationError(err('maxItems', '/customers', { limit: 3 }, { data: [1, 2, 3, 4] })).problem).toBe('must hold at most 3 customers (got 4)');
    expect(describeValidationError(err('pattern', '/id', {}, { message: 'must match pattern', data: 'a' })).problem).toBe('must match pattern (got "a")');
  });
});

describe('describeValidation', () => {
  it('describes the first error that is not an `if`, with the other names of a missing column', () => {
    const errors = [
      err('if', '/customers/0', {}),
      err('required', '/customers/0', { missingProperty: 'Annual Income (k$)' }),
      err('required', '/customers/0', { missingProperty: 'annualIncome' }),
      err('required', '/customers/1', { missingProperty: 'other' }),
    ];
    expect(describeValidation(errors)).toEqual({
      field: 'customers[0].Annual Income (k$)',
      problem: 'is required (as "Annual Income (k$)" or "annualIncome")',
    });
    expect(describeValidation([err('if', '', {})])).toEqual({ field: 'body', problem: 'is invalid' });
  });
});
