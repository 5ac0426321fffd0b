/** Small timing helpers shared by the bench/voice measurements. */

export interface Distribution {
  readonly n: number;
  readonly median: number;
  readonly p95: number;
  readonly mean: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((x, y) => x - y);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    median: round(quantile(sorted, 0.5)),
    p95: round(quantile(sorted, 0.95)),
    mean: round(mean),
  };
}

export const round = (x: number, digits = 4): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export const now = (): number => performance.now();
