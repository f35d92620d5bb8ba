import { COLUMNS, featureValue, type Customer, type FeatureName } from '../data/schema';
import { encodeGender } from '../features/encode';
import type { Matrix } from '../model/matrix';

function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header: readonly string[], rows: (string | number)[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/**
 * data/processed/preprocessed_data.csv: CustomerID, Gender encoded (Female 0, Male 1), and one standardized column per
 * clustering feature, named exactly as the feature.
 * @param scaled standardized features, shape [customers.length, features.length]
 */
export function preprocessedCsv(customers: readonly Customer[], scaled: Matrix, features: readonly FeatureName[]): string {
  const rows = customers.map((c, i) => [
    c.id,
    encodeGender(c.gender),
    ...features.map((_, j) => scaled.data[i * scaled.cols + j]),
  ]);
  return csv([COLUMNS.id, COLUMNS.gender, ...features], rows);
}

/** data/processed/clustered_data.csv: the cleaned raw columns plus an integer `Cluster` column (0..k-1). */
export function clusteredCsv(customers: readonly Customer[], labels: ArrayLike<number>): string {
  const rows = customers.map((c, i) => [
    c.id,
    c.gender,
    featureValue(c, COLUMNS.age),
    featureValue(c, COLUMNS.income),
    featureValue(c, COLUMNS.spending),
    labels[i],
  ]);
  return csv([COLUMNS.id, COLUMNS.gender, COLUMNS.age, COLUMNS.income, COLUMNS.spending, 'Cluster'], rows);
}
