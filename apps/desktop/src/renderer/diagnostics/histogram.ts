/** Pure numbers behind the latency plot (kept apart from the SVG so tests can check them). */

export interface Summary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
}

export interface Histogram {
  /** Upper end of the x axis (a round number ≥ max). */
  readonly axisMax: number;
  readonly binWidth: number;
  readonly counts: readonly number[];
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? Number.NaN;
}

export function summarize(values: readonly number[]): Summary | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    min: sorted[0] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
  };
}

/** 1, 2, 2.5, 5 × 10^n: the smallest such number ≥ x. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const pow = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * pow >= x) return m * pow;
  return 10 * pow;
}

export function histogram(values: readonly number[], bins = 20): Histogram {
  const max = values.reduce((m, v) => Math.max(m, v), 0);
  const axisMax = niceCeil(max * 1.0001);
  const binWidth = axisMax / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor(v / binWidth)));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return { axisMax, binWidth, counts };
}
