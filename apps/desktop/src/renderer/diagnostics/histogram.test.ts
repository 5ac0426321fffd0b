import { describe, expect, it } from 'vitest';
import { histogram, niceCeil, percentile, summarize } from './histogram.js';

describe('latency histogram numbers', () => {
  it('nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(summarize([30, 10, 20])).toEqual({ count: 3, p50: 20, p95: 30, min: 10, max: 30 });
    expect(summarize([])).toBeUndefined();
  });

  it('round axis ends and every value in a bin', () => {
    expect(niceCeil(0.7)).toBe(1);
    expect(niceCeil(180)).toBe(200);
    expect(niceCeil(230)).toBe(250);
    expect(niceCeil(1420)).toBe(2000);
    const h = histogram([0, 10, 99, 100, 380, 400], 20);
    expect(h.axisMax).toBe(500);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(6);
    expect(h.counts[0]).toBe(2);
    expect(h.counts[16]).toBe(1); // 400 ms in the 400–425 bin
  });
});
