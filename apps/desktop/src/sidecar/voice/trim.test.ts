import { describe, expect, it } from 'vitest';
import { LeadingSilenceTrimmer, trimToSpeech } from './trim.js';

describe('trimToSpeech', () => {
  it('keeps the span from the first segment start to the last segment end', () => {
    const x = Float32Array.from({ length: 16_000 }, (_, i) => i);
    const y = trimToSpeech(x, [
      { start: 0.1, end: 0.2 },
      { start: 0.5, end: 0.75 },
    ]);
    expect(y.length).toBe(10_400);
    expect(y[0]).toBe(1600);
    expect(y.at(-1)).toBe(11_999);
  });

  it('returns nothing when there is no speech', () => {
    expect(trimToSpeech(new Float32Array(100), [])).toHaveLength(0);
  });
});

describe('LeadingSilenceTrimmer', () => {
  const frame = (v: number): Float32Array => new Float32Array(512).fill(v);

  it('holds frames back until speech, then releases the preroll with the speech frame', () => {
    const t = new LeadingSilenceTrimmer({ prerollMs: 64 }); // two frames
    const passed: number[] = [];
    const push = (v: number, p: number): void => {
      for (const f of t.push(frame(v), p)) passed.push(f[0]!);
    };
    push(1, 0.01);
    push(2, 0.01);
    push(3, 0.01);
    push(4, 0.02);
    expect(passed).toEqual([]);
    push(5, 0.9);
    expect(passed).toEqual([3, 4, 5]);
    push(6, 0.01); // after speech, silence passes too: the key release ends the turn
    expect(passed).toEqual([3, 4, 5, 6]);
    expect(t.speechSeen).toBe(true);
    expect(t.droppedSeconds).toBeCloseTo(0.064, 6);
  });
});
