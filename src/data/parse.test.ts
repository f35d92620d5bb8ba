import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../util/errors';
import { parseCustomersCsv } from './parse';

const fixture = (name: string): string => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const HEADER = 'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)';

/** The DataError thrown by `fn`, failing the test when there is none. */
function dataErrorOf(fn: () => unknown): DataError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected a DataError, nothing was thrown');
}

describe('parseCustomersCsv: tolerated formats', () => {
  it('reads the public layout with 1-based line numbers', () => {
    const table = parseCustomersCsv(`${HEADER}\n1,Male,19,15,39\n2,Female,21,15,81\n`, { source: 'x.csv' });
    expect(table.source).toBe('x.csv');
    expect(table.header).toEqual(HEADER.split(','));
    expect(table.read).toBe(2);
    expect(table.rows).toEqual([
      { line: 2, values: { CustomerID: '1', Gender: 'Male', Age: '19', 'Annual Income (k$)': '15', 'Spending Score (1-100)': '39' } },
      { line: 3, values: { CustomerID: '2', Gender: 'Female', Age: '21', 'Annual Income (k$)': '15', 'Spending Score (1-100)': '81' } },
    ]);
  });

  it('defaults the source to <input>', () => {
    expect(parseCustomersCsv(`${HEADER}\n1,Male,19,15,39`).source).toBe('<input>');
  });

  it('handles BOM, CRLF, quotes, blank lines, padding, reordered and extra columns (messy-format.csv)', () => {
    const table = parseCustomersCsv(fixture('messy-format.csv'), { source: 'messy-format.csv' });
    expect(table.header).toEqual(['Gender', 'Age', 'CustomerID', 'Spending Score (1-100)', 'Annual Income (k$)', 'Notes']);
    // lines 3 and 7 are blank, 9 is ",,,,,"; the quoted note on line 5 spans two lines
    expect(table.rows.map((r) => r.line)).toEqual([2, 4, 5, 8, 10]);
    expect(table.read).toBe(5);
    expect(table.rows.map((r) => r.values.Gender)).toEqual(['female', 'MALE', 'f', 'm', 'Female']);
    expect(table.rows.map((r) => r.values.CustomerID)).toEqual(['1', '2', '3', '4', '5']);
    expect(table.rows[1].values).toEqual({ CustomerID: '2', Gender: 'MALE', Age: '21', 'Annual Income (k$)': '15', 'Spending Score (1-100)': '81' });
    expect(Object.keys(table.rows[0].values)).toHaveLength(5);
  });

  it('keeps line numbers right after a quoted field with an embedded CRLF', () => {
    const text = `${HEADER},Note\r\n1,Male,19,15,39,"a\r\nb\r\nc"\r\n2,Male,19,15,39,x\r\n`;
    expect(parseCustomersCsv(text).rows.map((r) => r.line)).toEqual([2, 5]);
  });

  it('reads old-Mac CR line ends', () => {
    expect(parseCustomersCsv(`${HEADER}\r1,Male,19,15,39\r2,Male,19,15,39`).rows.map((r) => r.line)).toEqual([2, 3]);
  });

  it('matches header names in any case and with inner spaces collapsed', () => {
    const table = parseCustomersCsv('customerid,GENDER,age,annual  income (K$),spending score (1-100)\n7,Male,19,15,39\n');
    expect(table.rows[0].values.CustomerID).toBe('7');
    expect(table.rows[0].values['Annual Income (k$)']).toBe('15');
  });

  it('reads missing trailing cells as empty strings', () => {
    const table = parseCustomersCsv(`${HEADER}\n1,Male,19\n`);
    expect(table.rows[0].values).toEqual({ CustomerID: '1', Gender: 'Male', Age: '19', 'Annual Income (k$)': '', 'Spending Score (1-100)': '' });
  });
});

describe('parseCustomersCsv: refusals', () => {
  it('refuses an empty or whitespace-only text', () => {
    expect(dataErrorOf(() => parseCustomersCsv('', { source: 'e.csv' })).message).toBe(
      'e.csv is empty; expected a CSV with a header row and one customer per line',
    );
    expect(dataErrorOf(() => parseCustomersCsv('\ufeff \r\n\n', { source: 'e.csv' })).message).toMatch(/^e\.csv is empty;/);
  });

  it('refuses a header without data rows', () => {
    const error = dataErrorOf(() => parseCustomersCsv(`${HEADER}\n\n`, { source: 'h.csv' }));
    expect(error.message).toBe('h.csv has a header but no data rows; add customer rows below the header');
    expect(error.source).toBe('h.csv');
  });

  it('names the missing column and lists the columns found', () => {
    const text = 'CustomerID,Gender,Age,Annual Income (k$)\n1,Male,19,15\n';
    expect(dataErrorOf(() => parseCustomersCsv(text, { source: 'data/raw/x.csv' })).message).toBe(
      'Column "Spending Score (1-100)" is missing in data/raw/x.csv (found: CustomerID, Gender, Age, Annual Income (k$)); for a table of your own, name the clustering features, e.g. npm run report -- --data FILE --features colA,colB,colC [--id COL] [--categorical colX,colY] (or --schema FILE.json)',
    );
  });

  it('names every missing column', () => {
    const text = 'CustomerID,Sex,Years,Annual Income (k$),Spending Score (1-100)\n1,Male,19,15,39\n';
    expect(dataErrorOf(() => parseCustomersCsv(text, { source: 'x.csv' })).message).toBe(
      'Columns "Gender", "Age" are missing in x.csv (found: CustomerID, Sex, Years, Annual Income (k$), Spending Score (1-100)); for a table of your own, name the clustering features, e.g. npm run report -- --data FILE --features colA,colB,colC [--id COL] [--categorical colX,colY] (or --schema FILE.json)',
    );
  });

  it('hints at a missing header row when the first line is data', () => {
    expect(dataErrorOf(() => parseCustomersCsv('1,Male,19,15,39\n2,Male,21,15,81\n', { source: 'x.csv' })).message).toBe(
      'Columns "CustomerID", "Gender", "Age", "Annual Income (k$)", "Spending Score (1-100)" are missing in x.csv (found: 1, Male, 19, 15, 39); the first line looks like data: add the header row; for a table of your own, name the clustering features, e.g. npm run report -- --data FILE --features colA,colB,colC [--id COL] [--categorical colX,colY] (or --schema FILE.json)',
    );
  });

  it('refuses a required column given twice', () => {
    const text = `${HEADER},age\n1,Male,19,15,39,20\n`;
    expect(dataErrorOf(() => parseCustomersCsv(text, { source: 'x.csv' })).message).toBe(
      'Column "Age" appears 2 times in x.csv (columns 3, 6); keep one',
    );
  });

  it('refuses a one-column file and names a semicolon delimiter', () => {
    const text = 'CustomerID;Gender;Age;Annual Income (k$);Spending Score (1-100)\n1;Male;19;15;39\n';
    expect(dataErrorOf(() => parseCustomersCsv(text, { source: 's.csv' })).message).toBe(
      's.csv is not a comma-separated file: it has one column "CustomerID;Gender;Age;Annual Income (k$);Spending Score (1-100)" (the header contains ";": save the file comma-separated); expected a header row and one customer per line, comma-separated',
    );
    expect(dataErrorOf(() => parseCustomersCsv('hello\nworld\n', { source: 'w.txt' })).message).toMatch(
      /^w\.txt is not a comma-separated file: it has one column "hello"; expected /,
    );
  });

  it('refuses JSON', () => {
    const json = JSON.stringify([{ CustomerID: 1, Gender: 'Male', Age: 19 }]);
    expect(dataErrorOf(() => parseCustomersCsv(json, { source: 'c.json' })).message).toBe(
      'c.json looks like JSON, not CSV; export it as CSV with a header row and one customer per line',
    );
    expect(dataErrorOf(() => parseCustomersCsv('  {"a": 1}', { source: 'c.json' })).message).toMatch(/looks like JSON/);
  });

  it('refuses binary content (NUL bytes, e.g. a zip/xlsx or UTF-16 file)', () => {
    const zipLike = 'PK\u0003\u0004\u0014\u0000\u0000\u0000\u0008\u0000';
    expect(dataErrorOf(() => parseCustomersCsv(zipLike, { source: 'x.xlsx' })).message).toBe(
      'x.xlsx is not a CSV text file (binary or UTF-16 content); save it as UTF-8 CSV with a header row and one customer per line',
    );
    const utf16 = Buffer.from(`${HEADER}\n1,Male,19,15,39\n`, 'utf16le').toString('latin1');
    expect(dataErrorOf(() => parseCustomersCsv(utf16)).message).toMatch(/not a CSV text file/);
  });

  it('refuses bytes that are not UTF-8 text', () => {
    const garbage = Buffer.from(Array.from({ length: 64 }, (_, i) => 0x80 + (i % 64))).toString('utf8');
    expect(dataErrorOf(() => parseCustomersCsv(garbage, { source: 'g.bin' })).message).toMatch(/^g\.bin is not a CSV text file/);
  });

  it('refuses unparseable CSV with the line: an unclosed quote, a stray quote (csv-parse\'s reason)', () => {
    const text = `${HEADER}\n1,"Male,19,15,39\n2,Male,20,15,39\n`;
    expect(dataErrorOf(() => parseCustomersCsv(text, { source: 'q.csv' })).message).toBe(
      'q.csv is not a readable CSV: the quoted field opened on line 2 is never closed (a missing closing ")',
    );
    const stray = `${HEADER}\n1,Male,19,15,39\n2,Ma"le",20,15,39\n3,Male,20,15,39\n`;
    expect(dataErrorOf(() => parseCustomersCsv(stray, { source: 'q.csv' })).message).toMatch(
      /^q\.csv is not a readable CSV: line 3: Invalid Opening Quote: a quote is found on field 1/,
    );
  });

  it('refuses a quote still open 10,000 lines later without reading the rest of the file', () => {
    const lines = [HEADER, '1,"Male,19,15,39'];
    for (let i = 2; i <= 20_000; i++) lines.push(`${i},Male,19,15,39`);
    expect(dataErrorOf(() => parseCustomersCsv(lines.join('\n'), { source: 'q.csv' })).message).toBe(
      'q.csv is not a readable CSV: the quoted field opened on line 2 is still open 10000 lines later (a missing closing ", or a stray " in a cell)',
    );
  });

  it('splits plain lines on commas and quoted ones as RFC 4180 says, with the same trimmed cells', () => {
    const text = `${HEADER}\n1, Male ,19,15,39\n2,"Fe""male, x", 20 ,15,39\n\n3,"a\nb",1,2,3\n4,"",5,6,7\n`;
    const rows = parseCustomersCsv(text).rows;
    expect(rows.map((r) => [r.line, r.values.Gender, r.values.Age])).toEqual([
      [2, 'Male', '19'],
      [3, 'Fe"male, x', '20'],
      [5, 'a\nb', '1'],
      [7, '', '5'],
    ]);
  });
});
