import { FRAME_SECONDS, SAMPLE_RATE, splitFrames } from './frames.js';
import { resample } from './resample.js';
import { segmentProbabilities, type SegmenterOptions, type SpeechSegment } from './segmenter.js';
import type { SpeechProbabilityModel } from './silero.js';
import { decodeWav, toMono } from './wav.js';

/** What `voiceassist vad --json` prints. Times in seconds; frame `t` is the frame's start. */
export interface VadReport {
  readonly sampleRate: typeof SAMPLE_RATE;
  readonly segments: SpeechSegment[];
  readonly frames: { readonly t: number; readonly p: number }[];
}

/** Any WAV → the engine's format: mono (channels averaged), 16 kHz (band-limited resampling). */
export function wavToEngineAudio(bytes: Uint8Array): Float32Array {
  const { sampleRate, channels } = decodeWav(bytes);
  return resample(toMono(channels), sampleRate, SAMPLE_RATE);
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Runs the model over every 32 ms frame of a 16 kHz recording and segments the result. */
export async function analyzeSpeech(
  samples: Float32Array,
  model: SpeechProbabilityModel,
  options: Partial<SegmenterOptions> = {},
): Promise<VadReport> {
  model.reset();
  const probabilities: number[] = [];
  for (const frame of splitFrames(samples)) probabilities.push(await model.process(frame));
  const duration = samples.length / SAMPLE_RATE;
  const segments = segmentProbabilities(probabilities, options).map((s) => ({
    start: round(s.start, 3),
    end: round(Math.min(s.end, duration), 3),
  }));
  return {
    sampleRate: SAMPLE_RATE,
    segments,
    frames: probabilities.map((p, i) => ({ t: round(i * FRAME_SECONDS, 3), p: round(p, 4) })),
  };
}
