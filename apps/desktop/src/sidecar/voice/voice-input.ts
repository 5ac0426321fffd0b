import type { EchoCanceller } from './aec.js';
import { BargeInDetector, type BargeIn, type BargeInOptions } from './barge-in.js';
import { FRAME_SECONDS, FrameAssembler, SAMPLE_RATE } from './frames.js';
import { Resampler } from './resample.js';
import { SpeechSegmenter, type SegmenterEvent, type SegmenterOptions } from './segmenter.js';
import type { SpeechProbabilityModel } from './silero.js';

/** One 32 ms microphone frame after the engine's front end. */
export interface VoiceFrame {
  /** Stream time (s) at the start of the frame. */
  readonly t: number;
  /** Speech probability of the cleaned frame. */
  readonly p: number;
  /** The frame after echo cancellation (16 kHz mono float), ready for STT. */
  readonly frame: Float32Array;
  readonly events: readonly SegmenterEvent[];
  /** Set on the frame that confirms the user talking over the app. */
  readonly bargeIn?: BargeIn;
}

export interface VoiceInputOptions {
  readonly vad: SpeechProbabilityModel;
  /** Omit when the app plays nothing (or the OS already cancels echo). */
  readonly echoCanceller?: EchoCanceller;
  readonly segmenter?: Partial<SegmenterOptions>;
  readonly bargeIn?: Partial<BargeInOptions>;
}

/**
 * The engine's microphone front end for one stream: 16 kHz mono chunks of any size in, 512-sample
 * frames out, each echo-cancelled against the app's own playback, scored by the VAD, segmented,
 * and checked for barge-in. Calls are serialised, so the recurrent VAD state sees frames in order
 * even if callers do not await each push. The VAD and canceller belong to this stream while it
 * runs (the VAD is reset on construction): give concurrent streams their own.
 */
export class VoiceInput {
  private readonly mic = new FrameAssembler();
  private readonly far = new FrameAssembler();
  private farResampler: Resampler | undefined;
  private readonly segmenter: SpeechSegmenter;
  private readonly bargeIn: BargeInDetector;
  private frameIndex = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: VoiceInputOptions) {
    this.segmenter = new SpeechSegmenter(options.segmenter);
    this.bargeIn = new BargeInDetector(options.bargeIn);
    options.vad.reset();
  }

  /**
   * Audio the app is playing right now (TTS), at its own rate: resampled to 16 kHz and given to
   * the echo canceller as the far end. Push it as it is played, not as it is downloaded.
   */
  pushFarEnd(samples: Float32Array, sampleRate: number): void {
    const aec = this.options.echoCanceller;
    if (!aec) return;
    if (this.farResampler?.inputRate !== sampleRate)
      this.farResampler = new Resampler(sampleRate, SAMPLE_RATE);
    for (const frame of this.far.push(this.farResampler.push(samples))) aec.pushFarEnd(frame);
  }

  /** Playback started or stopped: arms the barge-in detector. */
  setPlaybackActive(active: boolean): void {
    this.bargeIn.setPlaybackActive(active);
  }

  /** Microphone audio, 16 kHz mono (Int16 PCM as sent by the capture worklet, or float). */
  pushMic(chunk: Float32Array | Int16Array): Promise<VoiceFrame[]> {
    const frames = this.mic.push(chunk);
    const result = this.queue.then(() => this.processFrames(frames));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** End of the stream (key released): closes an open speech segment. */
  async finish(): Promise<SegmenterEvent[]> {
    await this.queue;
    return this.segmenter.flush();
  }

  private async processFrames(frames: readonly Float32Array[]): Promise<VoiceFrame[]> {
    const out: VoiceFrame[] = [];
    for (const raw of frames) {
      const frame = this.options.echoCanceller?.processNearEnd(raw) ?? raw;
      const p = await this.options.vad.process(frame);
      const t = this.frameIndex * FRAME_SECONDS;
      this.frameIndex++;
      const events = this.segmenter.push(p);
      const bargeIn = this.bargeIn.push(p);
      out.push(bargeIn ? { t, p, frame, events, bargeIn } : { t, p, frame, events });
    }
    return out;
  }
}
