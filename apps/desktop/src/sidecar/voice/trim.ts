import { FRAME_SECONDS, SAMPLE_RATE } from './frames.js';
import type { SpeechSegment } from './segmenter.js';

/** The part of a recording from the first segment's start to the last segment's end (empty if none). */
export function trimToSpeech(
  samples: Float32Array,
  segments: readonly SpeechSegment[],
  sampleRate = SAMPLE_RATE,
): Float32Array {
  const first = segments[0];
  const last = segments.at(-1);
  if (!first || !last) return new Float32Array(0);
  const from = Math.max(0, Math.floor(first.start * sampleRate));
  const to = Math.min(samples.length, Math.ceil(last.end * sampleRate));
  return samples.subarray(from, Math.max(from, to));
}

export interface LeadingTrimOptions {
  /** Probability that opens the gate. */
  readonly threshold: number;
  /** Audio kept before the first speech frame, so the first phoneme is not clipped. */
  readonly prerollMs: number;
  readonly frameSeconds: number;
}

const DEFAULT_LEADING_TRIM: LeadingTrimOptions = {
  threshold: 0.5,
  prerollMs: 200,
  frameSeconds: FRAME_SECONDS,
};

/**
 * Streaming trim of leading silence for a push-to-talk turn: frames are held back (at most
 * `prerollMs` of them) until the first speech frame, then released with everything after. The
 * end of the turn is the key release, so trailing silence is cut by `trimToSpeech` if at all.
 */
export class LeadingSilenceTrimmer {
  readonly options: LeadingTrimOptions;
  private readonly held: Float32Array[] = [];
  private readonly maxHeld: number;
  private open = false;
  private dropped = 0;

  constructor(options: Partial<LeadingTrimOptions> = {}) {
    this.options = { ...DEFAULT_LEADING_TRIM, ...options };
    this.maxHeld = Math.ceil(this.options.prerollMs / 1000 / this.options.frameSeconds);
  }

  /** A frame and its probability; returns the frames to pass on now (possibly several, or none). */
  push(frame: Float32Array, probability: number): Float32Array[] {
    if (this.open) return [frame];
    this.held.push(frame);
    if (probability >= this.options.threshold) {
      this.open = true;
      return this.held.splice(0);
    }
    if (this.held.length > this.maxHeld) {
      this.held.shift();
      this.dropped++;
    }
    return [];
  }

  /** True once speech has been seen. */
  get speechSeen(): boolean {
    return this.open;
  }

  /** Seconds of leading audio dropped so far (the offset of passed-on audio in the stream). */
  get droppedSeconds(): number {
    return this.dropped * this.options.frameSeconds;
  }
}
