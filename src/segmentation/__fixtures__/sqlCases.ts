import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exampleTableCsv } from '../../data/examples';
import type { SchemaChoice } from '../../data/schema';
import { predict, type SegmentModel } from '../artifact';
import { rowCentreModel } from './rowModel';

/** The public Mall file (env MALL_CSV, else data/raw/), absent on a fresh clone until downloaded. */
export const MALL_CSV = resolve(__dirname, '..', '..', '..', process.env.MALL_CSV ?? join('data', 'raw', 'Mall_Customers.csv'));

/** One table to score with the exported SQL, and its model (centres are rows of the data; see rowCentreModel). */
export interface SqlCase {
  name: string;
  csv: string;
  schema: SchemaChoice;
  k: number;
  /** Centre 1 is a copy of centre 0: every row ties between them, and predict (and the SQL) must pick 0. */
  repeat: boolean;
  model: SegmentModel;
  records: Record<string, string | number>[];
  idColumn: string;
}

/**
 * The exported-SQL cases of the tests and of scripts/check-sql.ts: the Mall data (when {@link MALL_CSV} exists), a
 * 100,000-row generated retail table with a one-hot feature (k=5), and its first 2,000 rows with a repeated centre (ties).
 * Options: `rows` of the retail table (default 100,000).
 */
export function sqlCases(options: { rows?: number } = {}): SqlCase[] {
  const { rows = 100_000 } = options;
  const out: Omit<SqlCase, 'model' | 'records' | 'idColumn'>[] = [];
  if (existsSync(MALL_CSV)) out.push({ name: 'Mall', csv: readFileSync(MALL_CSV, 'utf8'), schema: {}, k: 6, repeat: false });
  const wide = exampleTableCsv({ kind: 'retail', rows, seed: 11 });
  out.push({
    name: `retail, ${rows.toLocaleString('en-US')} rows, one-hot region`,
    csv: wide,
    schema: { id: 'customer_ref', features: ['age_years', 'income_eur', 'visits_per_month', 'basket_eur', 'tenure_months', 'region'], categorical: ['region', 'channel'] },
    k: 5,
    repeat: false,
  });
  out.push({ name: 'ties (a repeated centre)', csv: wide.split('\n').slice(0, 2001).join('\n'), schema: { id: 'customer_ref', features: ['age_years', 'income_eur', 'basket_eur'] }, k: 4, repeat: true });
  return out.map((c) => ({ ...c, ...rowCentreModel(c.csv, c.schema, c.k, { repeatCentre: c.repeat }) }));
}

/** The CSV's columns in order, each marked text (the id, categorical and known label columns) or not (numbers). */
export function csvColumns(c: Pick<SqlCase, 'csv' | 'model'>): { name: string; text: boolean }[] {
  const header = c.csv.slice(0, c.csv.indexOf('\n')).split(',').map((h) => h.trim());
  const text = new Set([c.model.schema.primaryKey, ...(c.model.schema.categorical ?? []), 'Gender', 'region', 'channel']);
  return header.map((name) => ({ name, text: text.has(name) }));
}

/**
 * Rows of the case whose answer (id -> [cluster, distance], from an engine) is missing or differs from predict's
 * cluster or distance, bit for bit (NaN for a NULL distance never matches).
 */
export function countMismatches(c: Pick<SqlCase, 'model' | 'records' | 'idColumn'>, answers: Map<string, [number, number]>): number {
  const expected = predict(c.model, c.records, { ignoreUnknown: true });
  let count = 0;
  c.records.forEach((r, i) => {
    const got = answers.get(String(r[c.idColumn]));
    if (!got || got[0] !== expected[i].cluster || got[1] !== expected[i].distance) count++;
  });
  return count;
}
