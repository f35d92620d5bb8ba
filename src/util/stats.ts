/** Quantile of values already sorted ascending, by linear interpolation between closest ranks (numpy's default, "type 7"). */
export function quantileSorted(sortedValues: ArrayLike<number>, q: number): number {
  if (sortedValues.length === 0) return NaN;
  const position = (sortedValues.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sortedValues[below] + (sortedValues[above] - sortedValues[below]) * (position - below);
}

/**
 * Quantile of unsorted values (sorts a float64 copy: a numeric typed-array sort, ~10x faster than
 * Array#sort with a comparator on 200,000 values), q in [0, 1]; NaN for no values.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSorted(Float64Array.from(values).sort(), q);
}
