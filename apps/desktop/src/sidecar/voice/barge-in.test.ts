import { describe, expect, it } from 'vitest';
import { BargeInDetector } from './barge-in.js';

const F = 0.032;

function feed(
  d: BargeInDetector,
  probs: readonly number[],
): { frame: number; onset: number; at: number }[] {
  const hits: { frame: number; onset: number; at: number }[] = [];
  probs.forEach((p, frame) => {
    const hit = d.push(p);
    if (hit) hits.push({ frame, ...hit });
  });
  return hits;
}

const run = (p: number, n: number): number[] => Array<number>(n).fill(p);

describe('BargeInDetector', () => {
  it('ignores speech while the app is not speaking', () => {
    expect(feed(new BargeInDetector(), run(0.95, 50))).toEqual([]);
  });

  it('fires once speech has lasted the minimum duration during playback', () => {
    const d = new BargeInDetector({ minSpeechMs: 200 });
    d.setPlaybackActive(true);
    const hits = feed(d, [...run(0.1, 10), ...run(0.9, 20)]);
    // 7 frames × 32 ms = 224 ms is the first run ≥ 200 ms.
    expect(hits).toHaveLength(1);
    expect(hits[0]!.frame).toBe(16);
    expect(hits[0]!.onset).toBeCloseTo(10 * F, 6);
    expect(hits[0]!.at).toBeCloseTo(17 * F, 6);
  });

  it('takes the minimum duration from the options', () => {
    const d = new BargeInDetector({ minSpeechMs: 64 });
    d.setPlaybackActive(true);
    expect(feed(d, run(0.9, 5))[0]!.frame).toBe(1);
  });

  it('does not fire on short bursts (echo residue, clicks)', () => {
    const d = new BargeInDetector();
    d.setPlaybackActive(true);
    expect(feed(d, [...run(0.9, 4), ...run(0.1, 3), ...run(0.9, 4), ...run(0.1, 10)])).toEqual([]);
  });

  it('fires at most once per playback and re-arms when playback starts again', () => {
    const d = new BargeInDetector({ minSpeechMs: 96 });
    d.setPlaybackActive(true);
    expect(feed(d, run(0.9, 20))).toHaveLength(1);
    d.setPlaybackActive(false);
    d.setPlaybackActive(true);
    expect(feed(d, run(0.9, 20))).toHaveLength(1);
  });

  it('forgets a run of speech that began before playback started', () => {
    const d = new BargeInDetector({ minSpeechMs: 160 });
    feed(d, run(0.9, 4));
    d.setPlaybackActive(true);
    expect(feed(d, run(0.9, 4))).toEqual([]);
    expect(feed(d, run(0.9, 1))).toHaveLength(1);
  });
});
