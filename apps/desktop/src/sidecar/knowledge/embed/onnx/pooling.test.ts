import { describe, expect, it } from 'vitest';
import { pool } from './pooling.js';

// Two sequences, 3 positions, 2 dims; the second sequence has one padding position (huge values
// there, so any leak of padding into a result is obvious).
const hidden = {
  batch: 2,
  seq: 3,
  dim: 2,
  data: Float32Array.from([1, 2, 3, 4, 5, 6, /* second */ -1, 0, 2, 4, 100, 100]),
};
const mask = [1, 1, 1, 1, 1, 0];

describe('pool', () => {
  it('mean ignores padding', () => {
    const [a, b] = pool(hidden, mask, ['mean']);
    expect(Array.from(a!)).toEqual([3, 4]);
    expect(Array.from(b!)).toEqual([0.5, 2]);
  });

  it('cls takes the first token', () => {
    const [a, b] = pool(hidden, mask, ['cls']);
    expect(Array.from(a!)).toEqual([1, 2]);
    expect(Array.from(b!)).toEqual([-1, 0]);
  });

  it('max ignores padding', () => {
    const [, b] = pool(hidden, mask, ['max']);
    expect(Array.from(b!)).toEqual([2, 4]);
  });

  it('mean_sqrt_len divides the sum by the square root of the token count', () => {
    const [, b] = pool(hidden, mask, ['mean_sqrt_len']);
    expect(b![0]).toBeCloseTo(1 / Math.SQRT2, 6);
    expect(b![1]).toBeCloseTo(4 / Math.SQRT2, 6);
  });

  it('weightedmean weights position i by i+1', () => {
    const [a] = pool(hidden, mask, ['weightedmean']);
    expect(a![0]).toBeCloseTo((1 * 1 + 2 * 3 + 3 * 5) / 6, 6);
  });

  it('lasttoken takes the last unmasked token', () => {
    const [, b] = pool(hidden, mask, ['lasttoken']);
    expect(Array.from(b!)).toEqual([2, 4]);
  });

  it('concatenates several modes in sentence-transformers order whatever order they are given', () => {
    const [, b] = pool(hidden, mask, ['mean', 'cls']);
    expect(Array.from(b!)).toEqual([-1, 0, 0.5, 2]);
  });

  it('an all-padding row pools to zeros instead of NaN', () => {
    const [, b] = pool(hidden, [1, 1, 1, 0, 0, 0], ['mean', 'max']);
    expect(Array.from(b!)).toEqual([0, 0, 0, 0]);
  });
});
