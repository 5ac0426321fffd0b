import { describe, expect, it } from 'vitest';
import { embedInBatches, planBatches } from './batching.js';

describe('planBatches', () => {
  it('groups by length under both the item and the padded-token limits, covering every index once', () => {
    const lengths = [300, 10, 12, 11, 250, 9, 600, 13];
    const batches = planBatches(lengths, 3, 1024);
    expect(batches).toEqual([[5, 1, 3], [2, 7, 4], [0], [6]]);
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(3);
      expect(b.length * Math.max(...b.map((i) => lengths[i]!))).toBeLessThanOrEqual(1024);
    }
    expect(batches.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('still runs a text longer than the token budget, alone', () => {
    expect(planBatches([5000, 5], 8, 1024)).toEqual([[1], [0]]);
    expect(planBatches([], 8, 1024)).toEqual([]);
  });
});

describe('embedInBatches', () => {
  it('keeps input order and respects the batch size', async () => {
    const seen: number[] = [];
    const out = await embedInBatches(['a', 'bbb', 'cc', 'dddd', 'e'], 2, (batch) => {
      seen.push(batch.length);
      return Promise.resolve(batch.map((t) => Float32Array.of(t.length)));
    });
    expect(out.map((v) => v[0])).toEqual([1, 3, 2, 4, 1]);
    expect(seen).toEqual([2, 2, 1]);
  });
});
