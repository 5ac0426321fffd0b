import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SEGMENTER_OPTIONS,
  segmentProbabilities as segmentWith,
  SILERO_STYLE_SEGMENTER_OPTIONS,
  SpeechSegmenter,
  type SegmenterEvent,
  type SegmenterInput,
} from './segmenter.js';

const F = 0.032; // seconds per frame

/**
 * The mechanism tests run on fixed settings (Silero's own: 0.5/0.35, 250 ms speech, 300 ms
 * silence, 30 ms pads), so they keep testing the mechanism when the tuned defaults change.
 */
function segmentProbabilities(probs: readonly number[], options: SegmenterInput = {}) {
  return segmentWith(probs, { ...SILERO_STYLE_SEGMENTER_OPTIONS, ...options });
}

/** Probabilities from runs: [[p, frames], …]. */
function runs(...parts: [number, number][]): number[] {
  return parts.flatMap(([p, n]) => Array<number>(n).fill(p));
}

describe('SpeechSegmenter', () => {
  it('finds one padded segment in speech surrounded by silence', () => {
    const segments = segmentProbabilities(runs([0.01, 30], [0.9, 50], [0.01, 40]));
    expect(segments).toHaveLength(1);
    expect(segments[0]!.start).toBeCloseTo(30 * F - 0.03, 6);
    expect(segments[0]!.end).toBeCloseTo(80 * F + 0.03, 6);
  });

  it('keeps short pauses inside a segment and splits at long ones', () => {
    // 6 frames ≈ 192 ms < 300 ms min silence; 15 frames = 480 ms ≥ 300 ms.
    const probs = runs([0, 10], [0.9, 20], [0.05, 6], [0.9, 20], [0.05, 15], [0.9, 20], [0, 20]);
    const segments = segmentProbabilities(probs);
    expect(segments).toHaveLength(2);
    expect(segments[0]!.end).toBeCloseTo(56 * F + 0.03, 6);
    expect(segments[1]!.start).toBeCloseTo(71 * F - 0.03, 6);
  });

  it('drops bursts shorter than the minimum speech duration', () => {
    expect(segmentProbabilities(runs([0, 20], [0.95, 5], [0, 30]))).toEqual([]);
    expect(segmentProbabilities(runs([0, 20], [0.95, 8], [0, 30]))).toHaveLength(1); // 256 ms
  });

  it('applies hysteresis: probabilities between the thresholds neither start nor end speech', () => {
    expect(segmentProbabilities(runs([0, 10], [0.45, 50], [0, 10]))).toEqual([]);
    const held = segmentProbabilities(runs([0, 10], [0.9, 10], [0.4, 40], [0, 20]));
    expect(held).toHaveLength(1);
    expect(held[0]!.end).toBeCloseTo(60 * F + 0.03, 6); // the 0.4 stretch stayed speech
  });

  it('streams speech-start once confirmed and speech-end after the minimum silence', () => {
    const s = new SpeechSegmenter({
      ...SILERO_STYLE_SEGMENTER_OPTIONS,
      minSpeechMs: 96,
      minSilenceMs: 96,
      startPadMs: 0,
      endPadMs: 0,
    });
    const events: [number, SegmenterEvent][] = [];
    runs([0, 5], [0.9, 10], [0, 10]).forEach((p, i) => {
      for (const e of s.push(p)) events.push([i, e]);
    });
    expect(events).toEqual([
      [7, { type: 'speech-start', time: 5 * F }], // third speech frame completes 96 ms
      [17, { type: 'speech-end', segment: { start: 5 * F, end: 15 * F } }],
    ]);
  });

  it('closes a segment still open at the end of the stream', () => {
    const segments = segmentProbabilities(runs([0, 5], [0.9, 20]));
    expect(segments).toHaveLength(1);
    expect(segments[0]!.end).toBeCloseTo(25 * F, 6); // padding never runs past the end
  });

  it('never lets padding overlap the previous segment', () => {
    const segments = segmentProbabilities(runs([0.9, 20], [0, 10], [0.9, 20]), {
      startPadMs: 200,
      endPadMs: 200,
    });
    expect(segments).toHaveLength(2);
    expect(segments[1]!.start).toBeGreaterThanOrEqual(segments[0]!.end);
  });

  it('pads the start and end separately; a negative end pad moves the end back, never before the start', () => {
    const [seg] = segmentProbabilities(runs([0, 30], [0.9, 50], [0.01, 40]), {
      startPadMs: 64,
      endPadMs: -192,
    });
    expect(seg!.start).toBeCloseTo(30 * F - 0.064, 6);
    expect(seg!.end).toBeCloseTo(80 * F - 0.192, 6);
    const [short] = segmentProbabilities(runs([0, 30], [0.9, 9], [0.01, 40]), {
      startPadMs: 0,
      endPadMs: -1000,
    });
    expect(short!.end).toBeCloseTo(short!.start + F, 6);
  });

  it('ships the values tuned on the VAD set (bench/voice/vad-eval.ts): early onset, trimmed tail', () => {
    const s = new SpeechSegmenter();
    expect(s.options).toEqual(DEFAULT_SEGMENTER_OPTIONS);
    const events: [number, SegmenterEvent][] = [];
    runs([0, 10], [0.9, 20], [0.05, 20]).forEach((p, i) => {
      for (const e of s.push(p)) events.push([i, e]);
    });
    // Announced on the second speech frame (64 ms), ended after 320 ms of silence (10 frames).
    expect(events.map(([i, e]) => [i, e.type])).toEqual([
      [11, 'speech-start'],
      [39, 'speech-end'],
    ]);
    const end = events[1]![1];
    expect(end.type === 'speech-end' && end.segment).toEqual({
      start: 10 * F - 0.064,
      end: 30 * F - 0.128,
    });
  });

  it('rejects an end threshold above the start threshold', () => {
    expect(() => new SpeechSegmenter({ startThreshold: 0.3, endThreshold: 0.5 })).toThrow(
      RangeError,
    );
  });
});
