// Cleaning: outliers of a numeric column by the 1.5×IQR rule, flagged and never changed.
import { quantileSorted } from '../../util/stats';
import type { Customers, OutlierFlag } from './types';

/** The values of `column` outside [Q1 − 1.5·IQR, Q3 + 1.5·IQR] (quartiles by linear interpolation, as pandas). */
export function flagOutliers(data: Customers, column: string): OutlierFlag {
  const values = data.numeric[column];
  const s = Float64Array.from(values).sort();
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  const lower = q1 - 1.5 * (q3 - q1);
  const upper = q3 + 1.5 * (q3 - q1);
  const ids: (string | number)[] = [];
  for (let i = 0; i < data.n; i++) if (values[i] < lower || values[i] > upper) ids.push(data.ids[i]);
  return { feature: column, lower, upper, count: ids.length, ids };
}
