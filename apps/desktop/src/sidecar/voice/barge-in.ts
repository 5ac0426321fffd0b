import { FRAME_SECONDS } from './frames.js';

export interface BargeInOptions {
  /** Frames at or above this probability count as the user speaking. */
  readonly threshold: number;
  /** Frames below this end a run of speech (between the two, the run neither grows nor ends). */
  readonly releaseThreshold: number;
  /** Speech must last this long while the app is speaking before it counts as barge-in. */
  readonly minSpeechMs: number;
  readonly frameSeconds: number;
}

/**
 * Stricter than the segmenter's start threshold: residual echo the canceller leaves behind must
 * not stop the app's own answer. 200 ms is about one stressed syllable.
 */
export const DEFAULT_BARGE_IN_OPTIONS: BargeInOptions = {
  threshold: 0.6,
  releaseThreshold: 0.35,
  minSpeechMs: 200,
  frameSeconds: FRAME_SECONDS,
};

export interface BargeIn {
  /** Stream time (s) of the first frame of the speech run that triggered it. */
  readonly onset: number;
  /** Stream time (s) at the end of the frame that confirmed it. */
  readonly at: number;
}

/**
 * Detects the user starting to talk over the app's own playback. Feed it every frame's VAD
 * probability (after echo cancellation); it reports at most once per playback, when a run of
 * speech frames reaches `minSpeechMs` while playback is active.
 */
export class BargeInDetector {
  readonly options: BargeInOptions;
  private frame = 0;
  private playing = false;
  private fired = false;
  private runStart: number | undefined;
  private runFrames = 0;

  constructor(options: Partial<BargeInOptions> = {}) {
    this.options = { ...DEFAULT_BARGE_IN_OPTIONS, ...options };
  }

  /** Call when playback of the app's speech starts or stops. Re-arms the detector on start. */
  setPlaybackActive(active: boolean): void {
    if (active && !this.playing) this.fired = false;
    this.playing = active;
    this.runStart = undefined;
    this.runFrames = 0;
  }

  get playbackActive(): boolean {
    return this.playing;
  }

  /** One frame's probability, in stream order; returns the barge-in when this frame confirms it. */
  push(probability: number): BargeIn | undefined {
    const { threshold, releaseThreshold, minSpeechMs, frameSeconds } = this.options;
    const t = this.frame * frameSeconds;
    this.frame++;
    if (!this.playing || this.fired) return undefined;
    if (probability >= threshold) {
      this.runStart ??= t;
      this.runFrames++;
    } else if (probability < releaseThreshold) {
      this.runStart = undefined;
      this.runFrames = 0;
    }
    if (this.runStart === undefined || this.runFrames * frameSeconds < minSpeechMs / 1000)
      return undefined;
    this.fired = true;
    return { onset: this.runStart, at: t + frameSeconds };
  }
}
