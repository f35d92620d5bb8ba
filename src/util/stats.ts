/** Quantile of values already sorted ascending, by linear interpolation between closest ranks (numpy's default, "type 7"). */
export function quantileSorted(sortedValues: readonly number[], q: number): number {
  if (sortedValues.length === 0) return NaN;
  const position = (sortedValues.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sortedValues[below] + (sortedValues[above] - sortedValues[below]) * (position - below);
}

/** Quantile of unsorted values (sorts a copy), q in [0, 1]; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  return quantileSorted([...values].sort((a, b) => a - b), q);
}
