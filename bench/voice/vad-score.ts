/**
 * Frame-level scoring of a VAD decision against the labels of bench/voice/vad-data.ts: what
 * vad-eval.ts reports for plain thresholded Silero and for the segmenter (definitions there).
 */
import { FRAME_SECONDS } from '../../apps/desktop/src/sidecar/voice/frames.js';
import {
  SpeechSegmenter,
  type SegmenterOptions,
} from '../../apps/desktop/src/sidecar/voice/segmenter.js';
import { distribution, round, type Distribution } from './stats.js';
import { NON_SPEECH, SPEECH, type Scene } from './vad-data.js';

export const PLAIN_THRESHOLD = 0.5;

export interface ScoredScene {
  readonly scene: Scene;
  readonly probs: Float32Array;
}

export interface VadScores {
  readonly frames: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly specificity: number;
  /** ms */
  readonly onsetLatency: Distribution;
  /** ms */
  readonly offsetLatency: Distribution;
  readonly regions: number;
  readonly missedRegions: number;
}

/** Per frame: what the detector has announced by the end of that frame, and its frame labels. */
export interface Decisions {
  readonly announced: Uint8Array;
  readonly speech: Uint8Array;
}

export function plainDecisions(probs: Float32Array): Decisions {
  const d = Uint8Array.from(probs, (p) => (p >= PLAIN_THRESHOLD ? 1 : 0));
  return { announced: d, speech: d };
}

export function segmenterDecisions(probs: Float32Array, options: SegmenterOptions): Decisions {
  const seg = new SpeechSegmenter(options);
  const announced = new Uint8Array(probs.length);
  const speech = new Uint8Array(probs.length);
  const mark = (start: number, end: number): void => {
    // A frame is speech when its centre lies inside a reported (padded) segment.
    const from = Math.max(0, Math.ceil(start / FRAME_SECONDS - 0.5));
    const to = Math.min(probs.length, Math.ceil(end / FRAME_SECONDS - 0.5));
    for (let f = from; f < to; f++) speech[f] = 1;
  };
  for (let f = 0; f < probs.length; f++) {
    for (const e of seg.push(probs[f] ?? 0))
      if (e.type === 'speech-end') mark(e.segment.start, e.segment.end);
    announced[f] = seg.inSpeech ? 1 : 0;
  }
  for (const e of seg.flush()) if (e.type === 'speech-end') mark(e.segment.start, e.segment.end);
  return { announced, speech };
}

export function score(
  scenes: readonly ScoredScene[],
  decide: (p: Float32Array) => Decisions,
): VadScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const onsets: number[] = [];
  const offsets: number[] = [];
  let regions = 0;
  let missed = 0;
  for (const { scene, probs } of scenes) {
    const d = decide(probs);
    for (let f = 0; f < scene.labels.length; f++) {
      const label = scene.labels[f];
      const said = d.speech[f] === 1;
      if (label === SPEECH) {
        if (said) tp++;
        else fn++;
      } else if (label === NON_SPEECH) {
        if (said) fp++;
        else tn++;
      }
    }
    scene.regions.forEach((r, k) => {
      regions++;
      // Latencies only where every detector could act: ≥ 1 s of non-speech before / after.
      const gapBefore = r.start - (scene.regions[k - 1]?.end ?? -Infinity);
      const gapAfter = (scene.regions[k + 1]?.start ?? Infinity) - r.end;
      const first = Math.floor(r.start / FRAME_SECONDS);
      const last = Math.ceil(r.end / FRAME_SECONDS);
      let on = -1;
      for (let f = first; f < last && on < 0; f++) if (d.announced[f]) on = f;
      if (on < 0) {
        missed++;
        return;
      }
      if (gapBefore >= 1) onsets.push(((on + 1) * FRAME_SECONDS - r.start) * 1000);
      let off = last;
      while (off < d.announced.length && d.announced[off]) off++;
      if (gapAfter >= 1) offsets.push(((off + 1) * FRAME_SECONDS - r.end) * 1000);
    });
  }
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  return {
    frames: tp + fp + fn + tn,
    precision: round(precision, 4),
    recall: round(recall, 4),
    f1: round((2 * precision * recall) / Math.max(1e-9, precision + recall), 4),
    specificity: round(tn / Math.max(1, tn + fp), 4),
    onsetLatency: distribution(onsets),
    offsetLatency: distribution(offsets),
    regions,
    missedRegions: missed,
  };
}
