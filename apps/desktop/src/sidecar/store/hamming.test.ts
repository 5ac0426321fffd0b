import { describe, expect, it } from 'vitest';
import { HammingMatrix, MAX_CHUNKS, smallest } from './hamming.js';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function reference(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) for (let x = (a[i] ?? 0) ^ (b[i] ?? 0); x; x &= x - 1) d++;
  return d;
}

const random = (rand: () => number, n: number): Uint8Array =>
  Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));

describe('HammingMatrix', () => {
  for (const bytes of [16, 48, 64, 96, MAX_CHUNKS * 16, 20, 8]) {
    it(`matches a scalar reference for ${bytes * 8}-bit vectors, through growth and removals`, () => {
      const rand = rng(bytes);
      const m = new HammingMatrix(bytes);
      expect(m.accelerated).toBe(bytes % 16 === 0);
      const rows: Uint8Array[] = [];
      for (let i = 0; i < 3000; i++) {
        const v = random(rand, bytes);
        rows.push(v);
        expect(m.push(v)).toBe(i);
      }
      // All-ones against all-zeros: the largest distance, which must not overflow a byte lane.
      rows.push(new Uint8Array(bytes).fill(0xff));
      m.push(new Uint8Array(bytes).fill(0xff));
      for (const i of [5, 0, 1500]) {
        expect(m.swapRemove(i)).toBe(rows.length - 1);
        rows[i] = rows[rows.length - 1] ?? new Uint8Array(bytes);
        rows.pop();
      }
      for (const q of [random(rand, bytes), new Uint8Array(bytes)]) {
        const d = m.distances(q);
        expect(d.length).toBe(rows.length);
        expect([...d]).toEqual(rows.map((r) => reference(r, q)));
      }
    });
  }

  it('finds the k nearest rows, ties to the lower index', () => {
    const d = Uint16Array.from([5, 3, 9, 3, 0, 7, 3]);
    expect(smallest(d, 3, 16)).toEqual([4, 1, 3]);
    expect(smallest(d, 10, 16)).toEqual([4, 1, 3, 6, 0, 5, 2]);
    expect(smallest(d, 0, 16)).toEqual([]);
  });
});
