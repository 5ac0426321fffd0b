import { FRAME_SECONDS } from './frames.js';

/** A stretch of speech, in seconds from the start of the stream. */
export interface SpeechSegment {
  readonly start: number;
  readonly end: number;
}

export interface SegmenterOptions {
  /** A frame at or above this probability starts (or continues) speech. */
  readonly startThreshold: number;
  /** Speech ends only after frames fall below this lower threshold (hysteresis). */
  readonly endThreshold: number;
  /** Shorter bursts are dropped (clicks, coughs). */
  readonly minSpeechMs: number;
  /** Silence must last this long to close a segment; shorter pauses stay inside it. */
  readonly minSilenceMs: number;
  /** Added before and after each segment so word edges are not clipped. */
  readonly padMs: number;
  readonly frameSeconds: number;
}

/** Silero's own defaults (threshold 0.5, neg. threshold 0.35, 250 ms min speech), utterance-level silence. */
export const DEFAULT_SEGMENTER_OPTIONS: SegmenterOptions = {
  startThreshold: 0.5,
  endThreshold: 0.35,
  minSpeechMs: 250,
  minSilenceMs: 300,
  padMs: 30,
  frameSeconds: FRAME_SECONDS,
};

export type SegmenterEvent =
  | { readonly type: 'speech-start'; readonly time: number }
  | { readonly type: 'speech-end'; readonly segment: SpeechSegment };

type State = 'silence' | 'candidate' | 'speech';

/**
 * Streaming speech segmenter over per-frame probabilities. `speech-start` is emitted once a burst
 * has lasted `minSpeechMs` (its time is the padded onset, in the past); `speech-end` once silence
 * has lasted `minSilenceMs` (the segment ends where the silence began, plus padding).
 */
export class SpeechSegmenter {
  readonly options: SegmenterOptions;
  private state: State = 'silence';
  private frame = 0;
  private onset = 0; // time of the first speech frame of the open segment
  private silenceFrom: number | undefined; // time the current run of silent frames began
  private lastEnd = 0; // padded end of the previous segment (starts never overlap it)

  constructor(options: Partial<SegmenterOptions> = {}) {
    this.options = { ...DEFAULT_SEGMENTER_OPTIONS, ...options };
    if (this.options.endThreshold > this.options.startThreshold)
      throw new RangeError('endThreshold must not exceed startThreshold');
  }

  /** Time (s) at the start of the next frame. */
  get time(): number {
    return this.frame * this.options.frameSeconds;
  }

  get inSpeech(): boolean {
    return this.state === 'speech';
  }

  push(probability: number): SegmenterEvent[] {
    const { startThreshold, endThreshold, minSpeechMs, minSilenceMs, frameSeconds } = this.options;
    const t = this.frame * frameSeconds;
    this.frame++;
    const events: SegmenterEvent[] = [];
    switch (this.state) {
      case 'silence':
        if (probability >= startThreshold) {
          this.state = 'candidate';
          this.onset = t;
          this.silenceFrom = undefined;
        }
        break;
      case 'candidate':
      case 'speech':
        if (probability >= startThreshold) this.silenceFrom = undefined;
        else if (probability < endThreshold) this.silenceFrom ??= t;
        // Between the thresholds nothing changes: that is the hysteresis.
        if (
          this.silenceFrom !== undefined &&
          t + frameSeconds - this.silenceFrom >= minSilenceMs / 1000
        ) {
          const segment = this.close(this.silenceFrom);
          if (segment) events.push({ type: 'speech-end', segment });
        } else if (
          this.state === 'candidate' &&
          this.silenceFrom === undefined &&
          t + frameSeconds - this.onset >= minSpeechMs / 1000
        ) {
          this.state = 'speech';
          events.push({ type: 'speech-start', time: this.paddedStart() });
        }
        break;
    }
    return events;
  }

  /** Ends the stream: closes an open segment at the end of the last frame. */
  flush(): SegmenterEvent[] {
    if (this.state === 'silence') return [];
    const wasSpeech = this.state === 'speech';
    const start = this.paddedStart();
    const segment = this.close(this.silenceFrom ?? this.time, this.time);
    if (!segment) return [];
    return wasSpeech
      ? [{ type: 'speech-end', segment }]
      : [
          { type: 'speech-start', time: start },
          { type: 'speech-end', segment },
        ];
  }

  private paddedStart(): number {
    return Math.max(this.lastEnd, this.onset - this.options.padMs / 1000, 0);
  }

  private close(
    speechEnd: number,
    streamEnd = Number.POSITIVE_INFINITY,
  ): SpeechSegment | undefined {
    const { minSpeechMs, padMs } = this.options;
    const long = speechEnd - this.onset >= minSpeechMs / 1000;
    const segment = {
      start: this.paddedStart(),
      end: Math.min(streamEnd, speechEnd + padMs / 1000),
    };
    this.state = 'silence';
    this.silenceFrom = undefined;
    if (!long) return undefined;
    this.lastEnd = segment.end;
    return segment;
  }
}

/** Segments a whole recording's per-frame probabilities. */
export function segmentProbabilities(
  probabilities: readonly number[],
  options: Partial<SegmenterOptions> = {},
): SpeechSegment[] {
  const segmenter = new SpeechSegmenter(options);
  const segments: SpeechSegment[] = [];
  const collect = (events: SegmenterEvent[]): void => {
    for (const e of events) if (e.type === 'speech-end') segments.push(e.segment);
  };
  for (const p of probabilities) collect(segmenter.push(p));
  collect(segmenter.flush());
  return segments;
}
