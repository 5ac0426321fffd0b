/**
 * A frame-labelled VAD test set built from openly licensed speech and noise generated here, with
 * labels known by construction:
 *
 * - Speech: the real recordings in ../shared/data/speech (JFK, public domain; FLEURS, CC BY 4.0)
 *   and sentences spoken by Debian's espeak-ng (generated here). Each is labelled on its clean
 *   source, before any noise is added: a 32 ms frame is active when its level is above
 *   max(10th-percentile level + 10 dB, peak − 40 dB); speech runs from the first to the last active
 *   frame, and a pause inside it is non-speech only when it lasts ≥ 320 ms (shorter pauses are part
 *   of the utterance, the usual utterance-level convention); a burst shorter than 96 ms after such a
 *   pause (a breath, a lip click) is not scored. The recordings differ by 40 dB in level: each unit
 *   is brought to −26 dBFS active speech ± 6 dB (seeded) before mixing.
 * - Scenes: speech units placed between gaps of 0.4–2.5 s (seeded), a background noise over the
 *   whole scene at a set SNR (against the active speech level), and transients (clicks, knocks)
 *   in the gaps, at least 250 ms from speech: all of that is non-speech.
 * - Frames within 64 ms of a speech/non-speech boundary are not scored (a no-score collar, as in
 *   NIST speech-activity scoring): where a word's edge falls inside one 32 ms frame is a matter of
 *   convention, not of detection.
 * Noise generators are deterministic (seeded PRNG), so the set is the same on every machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  FRAME_SAMPLES,
  FRAME_SECONDS,
  rmsDbfs,
  splitFrames,
} from '../../apps/desktop/src/sidecar/voice/frames.js';
import { SHARED_SPEECH_DIR } from './shared-data.js';
import { loadEngineAudio, speak } from '../../apps/desktop/test-support/voice/speech.js';

export const SAMPLE_RATE = 16_000;
/** Label values per frame. */
export const NON_SPEECH = 0;
export const SPEECH = 1;
export const NOT_SCORED = 2;
const COLLAR_FRAMES = 2; // 64 ms
const MIN_LABELLED_PAUSE_FRAMES = 10; // 320 ms
const MIN_SCORED_RUN_FRAMES = 3; // 96 ms
/** Every unit's active speech is brought to this level ± 6 dB (seeded) before mixing. */
const UNIT_LEVEL_DBFS = -26;

export type NoiseKind = 'white' | 'pink' | 'brown' | 'hum' | 'fan';
export type TransientKind = 'click' | 'knock';

export interface SpeechUnit {
  readonly name: string;
  readonly samples: Float32Array;
  /** Per frame: active speech (before the pause-merging rule). */
  readonly active: readonly boolean[];
}

export interface Scene {
  readonly name: string;
  readonly samples: Float32Array;
  /** Per 32 ms frame: NON_SPEECH, SPEECH or NOT_SCORED. */
  readonly labels: Uint8Array;
  /** Reference speech regions, seconds (after pause merging). */
  readonly regions: readonly { readonly start: number; readonly end: number }[];
  readonly noise: NoiseKind | 'none';
  readonly snrDb: number | null;
}

/** mulberry32: small, seeded, good enough for noise. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function noise(kind: NoiseKind, n: number, seed: number): Float32Array {
  const rand = prng(seed);
  const out = new Float32Array(n);
  switch (kind) {
    case 'white':
      for (let i = 0; i < n; i++) out[i] = gaussian(rand);
      break;
    case 'pink': {
      // Paul Kellet's economy filter: −3 dB/octave within ±0.05 dB above 9 Hz.
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      for (let i = 0; i < n; i++) {
        const w = gaussian(rand);
        b0 = 0.99765 * b0 + w * 0.099046;
        b1 = 0.963 * b1 + w * 0.2965164;
        b2 = 0.57 * b2 + w * 1.0526913;
        out[i] = b0 + b1 + b2 + w * 0.1848;
      }
      break;
    }
    case 'brown': {
      let y = 0;
      for (let i = 0; i < n; i++) {
        y = 0.998 * y + gaussian(rand) * 0.05;
        out[i] = y;
      }
      break;
    }
    case 'hum': {
      // Mains hum with harmonics and a slow wobble, plus a little hiss.
      for (let i = 0; i < n; i++) {
        const t = i / SAMPLE_RATE;
        let s = 0;
        for (let h = 1; h <= 6; h++) s += Math.sin(2 * Math.PI * 50 * h * t + h) / h;
        out[i] = s * (1 + 0.1 * Math.sin(2 * Math.PI * 0.3 * t)) + 0.05 * gaussian(rand);
      }
      break;
    }
    case 'fan': {
      // Low-passed noise (one pole at ~700 Hz), amplitude-modulated by the blade rate.
      const a = Math.exp((-2 * Math.PI * 700) / SAMPLE_RATE);
      let y = 0;
      for (let i = 0; i < n; i++) {
        y = a * y + (1 - a) * gaussian(rand);
        out[i] = y * (1 + 0.3 * Math.sin((2 * Math.PI * 28 * i) / SAMPLE_RATE));
      }
      break;
    }
  }
  return out;
}

/** One transient: a click (2–6 ms broadband burst) or a knock (60–140 ms decaying 120–220 Hz). */
export function transient(kind: TransientKind, rand: () => number): Float32Array {
  if (kind === 'click') {
    const n = Math.round((0.002 + 0.004 * rand()) * SAMPLE_RATE);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = gaussian(rand) * Math.exp(-i / (n / 3));
    return out;
  }
  const n = Math.round((0.06 + 0.08 * rand()) * SAMPLE_RATE);
  const hz = 120 + 100 * rand();
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.sin((2 * Math.PI * hz * i) / SAMPLE_RATE) * Math.exp(-i / (n / 4));
  return out;
}

function rms(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / Math.max(1, x.length));
}

/** Labels a clean source per frame (see the file comment). */
export function speechUnit(name: string, samples: Float32Array): SpeechUnit {
  const levels = splitFrames(samples).map(rmsDbfs);
  const sorted = [...levels].sort((a, b) => a - b);
  const p10 = sorted[Math.floor(sorted.length * 0.1)] ?? -120;
  const peak = sorted[sorted.length - 1] ?? 0;
  const threshold = Math.max(p10 + 10, peak - 40);
  return { name, samples, active: levels.map((l) => l > threshold) };
}

/**
 * Per frame of a unit: SPEECH over the active span, NON_SPEECH in pauses ≥ 320 ms, NOT_SCORED for
 * an isolated burst shorter than 96 ms after such a pause (a breath or lip click in the source).
 */
function unitLabels(unit: SpeechUnit): number[] {
  const a = unit.active;
  const first = a.indexOf(true);
  const last = a.lastIndexOf(true);
  const out: number[] = a.map((_, i) =>
    i >= first && i <= last && first >= 0 ? SPEECH : NON_SPEECH,
  );
  for (let i = first; i <= last;) {
    if (a[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j <= last && !a[j]) j++;
    if (j - i >= MIN_LABELLED_PAUSE_FRAMES) for (let k = i; k < j; k++) out[k] = NON_SPEECH;
    i = j;
  }
  for (let i = 0; i < out.length;) {
    if (out[i] !== SPEECH) {
      i++;
      continue;
    }
    let j = i;
    while (j < out.length && out[j] === SPEECH) j++;
    if (j - i < MIN_SCORED_RUN_FRAMES) for (let k = i; k < j; k++) out[k] = NOT_SCORED;
    i = j;
  }
  return out;
}

/** Active-speech RMS of a unit (linear). */
function activeRms(unit: SpeechUnit): number {
  let energy = 0;
  let n = 0;
  splitFrames(unit.samples).forEach((f, i) => {
    if (unit.active[i]) {
      energy += rms(f) ** 2;
      n++;
    }
  });
  return Math.sqrt(energy / Math.max(1, n));
}

export interface SceneSpec {
  readonly name: string;
  readonly units: readonly SpeechUnit[];
  readonly noise: NoiseKind | 'none';
  readonly snrDb: number | null;
  readonly transients: readonly TransientKind[];
  readonly seed: number;
}

/** Builds one scene; units start on frame boundaries so labels align with the VAD's frames. */
export function buildScene(spec: SceneSpec): Scene {
  const rand = prng(spec.seed);
  const gapFrames = (): number => Math.round((0.4 + 2.1 * rand()) / FRAME_SECONDS);
  const layout: { unit: SpeechUnit; at: number }[] = [];
  let frame = gapFrames();
  for (const unit of spec.units) {
    layout.push({ unit, at: frame });
    frame += Math.ceil(unit.samples.length / FRAME_SAMPLES) + gapFrames();
  }
  const frames = frame;
  const samples = new Float32Array(frames * FRAME_SAMPLES);
  const unitLabel = new Array<number>(frames).fill(NON_SPEECH);
  // The recordings differ by 40 dB in level; a scene's SNR is only meaningful for all its units
  // when each is brought to a common speech level first (with some spread, as talkers vary).
  for (const { unit, at } of layout) {
    const level = UNIT_LEVEL_DBFS + (rand() * 12 - 6);
    const gain = 10 ** (level / 20) / Math.max(1e-9, activeRms(unit));
    for (let i = 0; i < unit.samples.length; i++)
      samples[at * FRAME_SAMPLES + i] = (unit.samples[i] ?? 0) * gain;
    unitLabels(unit).forEach((l, i) => (unitLabel[at + i] = l));
  }
  const speech = unitLabel.map((l) => l !== NON_SPEECH);
  const speechRms = 10 ** (UNIT_LEVEL_DBFS / 20);

  // Transients in the gaps, ≥ 250 ms (8 frames) from any speech, 0–3 per gap.
  if (spec.transients.length > 0) {
    const margin = 8;
    for (let f = 0; f < frames; f++) {
      let clear = true;
      for (let k = f - margin; k <= f + margin && clear; k++) if (speech[k]) clear = false;
      if (!clear || rand() > 0.04) continue;
      const kind = spec.transients[Math.floor(rand() * spec.transients.length)] ?? 'click';
      const t = transient(kind, rand);
      const gain = speechRms * (1 + 3 * rand()) * (kind === 'click' ? 4 : 2);
      const at = f * FRAME_SAMPLES;
      for (let i = 0; i < t.length && at + i < samples.length; i++)
        samples[at + i] = (samples[at + i] ?? 0) + gain * (t[i] ?? 0);
      f += margin;
    }
  }

  if (spec.noise !== 'none' && spec.snrDb !== null) {
    const bg = noise(spec.noise, samples.length, spec.seed ^ 0x5eed);
    const gain = speechRms / (rms(bg) * 10 ** (spec.snrDb / 20));
    for (let i = 0; i < samples.length; i++) samples[i] = (samples[i] ?? 0) + gain * (bg[i] ?? 0);
  }
  let peak = 0;
  for (const v of samples) peak = Math.max(peak, Math.abs(v));
  if (peak > 0.99)
    for (let i = 0; i < samples.length; i++) samples[i] = (samples[i] ?? 0) * (0.99 / peak);

  const labels = Uint8Array.from(unitLabel);
  const isSpeech = (f: number): boolean => unitLabel[f] === SPEECH;
  const regions: { start: number; end: number }[] = [];
  for (let f = 0; f < frames; f++) {
    if (isSpeech(f) && !isSpeech(f - 1)) regions.push({ start: f * FRAME_SECONDS, end: 0 });
    if (isSpeech(f) && !isSpeech(f + 1)) {
      const r = regions[regions.length - 1];
      if (r) r.end = (f + 1) * FRAME_SECONDS;
    }
  }
  for (let f = 1; f < frames; f++)
    if (speech[f] !== speech[f - 1])
      for (let k = f - COLLAR_FRAMES; k < f + COLLAR_FRAMES; k++)
        if (k >= 0 && k < frames) labels[k] = NOT_SCORED;
  return { name: spec.name, samples, labels, regions, noise: spec.noise, snrDb: spec.snrDb };
}

/** Real recordings from ../shared/data/speech, by file stem; undefined when absent. */
export function realUnits(stems: readonly string[]): SpeechUnit[] {
  return stems.map((stem) =>
    speechUnit(stem, loadEngineAudio(path.join(SHARED_SPEECH_DIR, `${stem}.wav`))),
  );
}

/** Sentences spoken by espeak-ng (Debian), trimmed to speech by sox. */
export function espeakUnits(
  sentences: readonly string[],
  voice: string,
  prefix: string,
): SpeechUnit[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'voiceassist-vad-eval-'));
  try {
    return sentences.map((text, i) =>
      speechUnit(`${prefix}${i}`, loadEngineAudio(speak(dir, `${prefix}${i}`, text, voice))),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
