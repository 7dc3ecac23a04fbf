/** Mean absolute error. */
export function meanAbsoluteError(actual: readonly number[], predicted: readonly number[]): number {
  return actual.reduce((s, a, i) => s + Math.abs(a - (predicted[i] ?? 0)), 0) / actual.length;
}

/** Coefficient of determination against the mean of `actual` (can be negative); null when `actual` is constant. */
export function rSquared(actual: readonly number[], predicted: readonly number[]): number | null {
  const mean = actual.reduce((s, a) => s + a, 0) / actual.length;
  const total = actual.reduce((s, a) => s + (a - mean) ** 2, 0);
  if (total === 0) return null;
  const residual = actual.reduce((s, a, i) => s + (a - (predicted[i] ?? 0)) ** 2, 0);
  return 1 - residual / total;
}

/** Row indices of `k` folds after a seeded shuffle; each row is in exactly one fold. */
export function kFoldIndices(rows: number, k: number, seed = 1): number[][] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length: rows }, (_, i) => i);
  for (let i = rows - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return Array.from({ length: k }, (_, f) => order.filter((_, i) => i % k === f));
}
