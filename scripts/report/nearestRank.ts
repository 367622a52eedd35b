/**
 * Nearest-rank percentile of values already sorted ascending: the smallest value with at least p% of the
 * values at or below it (rank = ceil(p/100 · n)). Always an observed value, never interpolated.
 * https://en.wikipedia.org/wiki/Percentile#The_nearest-rank_method
 */
export function nearestRank(sortedAscending: readonly number[], p: number): number | null {
  const n = sortedAscending.length;
  if (n === 0) return null;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return sortedAscending[rank - 1] ?? null;
}

/** p50/p95/p99 of unsorted values, rounded to 0.1 ms; nulls when there are none. */
export function latencyPercentiles(values: readonly number[]): {
  p50: number | null;
  p95: number | null;
  p99: number | null;
} {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number | null => {
    const v = nearestRank(sorted, p);
    return v === null ? null : Math.round(v * 10) / 10;
  };
  return { p50: at(50), p95: at(95), p99: at(99) };
}
