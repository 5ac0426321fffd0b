import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSpeech } from './analyze.js';
import { VoiceError } from './errors.js';
import {
  durationSeconds,
  hasSpeechTools,
  loadEngineAudio,
  padAndJoin,
  speak,
} from '../../../test-support/voice/speech.js';
import { SPEECH_DIR } from '../../../test-support/data.js';
import { rmsDbfs, splitFrames } from './frames.js';
import { SileroVad } from './silero.js';

const SHARED_WAVS = readdirSync(SPEECH_DIR)
  .filter((f) => f.endsWith('.wav'))
  .sort();
const TOLERANCE = 0.1; // ±100 ms

describe('Silero VAD v5', () => {
  let vad: SileroVad;
  let dir = '';
  beforeAll(async () => {
    vad = await SileroVad.load();
    dir = await mkdtemp(path.join(os.tmpdir(), 'voiceassist-vad-'));
  });
  afterAll(async () => {
    await vad.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the shared speech recordings', () => {
    expect(SHARED_WAVS.length).toBeGreaterThanOrEqual(5);
  });

  it.each(SHARED_WAVS)('gives high probabilities in the speech of %s', async (file) => {
    const samples = loadEngineAudio(path.join(SPEECH_DIR, file));
    const report = await analyzeSpeech(samples, vad);
    const levels = splitFrames(samples).map(rmsDbfs);
    const peak = Math.max(...levels);
    // Frames within 20 dB of the loudest are voiced speech in these recordings.
    const loud = report.frames.filter((_, i) => (levels[i] ?? -Infinity) > peak - 20);
    const mean = loud.reduce((s, f) => s + f.p, 0) / loud.length;
    expect(loud.length).toBeGreaterThan(50);
    expect(mean).toBeGreaterThan(0.8);
    expect(loud.filter((f) => f.p >= 0.5).length / loud.length).toBeGreaterThan(0.85);
    expect(report.segments.length).toBeGreaterThanOrEqual(1);
  });

  it('stays low in the silence before JFK speaks', async () => {
    const report = await analyzeSpeech(loadEngineAudio(path.join(SPEECH_DIR, 'jfk.wav')), vad);
    const lead = report.frames.filter((f) => f.t < 0.3);
    expect(lead.length).toBeGreaterThan(5);
    for (const f of lead) expect(f.p).toBeLessThan(0.2);
    expect(report.segments[0]!.start).toBeGreaterThan(0.2);
  });

  it('carries its recurrent state: the same stream after reset() gives the same probabilities', async () => {
    const frames = splitFrames(loadEngineAudio(path.join(SPEECH_DIR, 'jfk.wav'))).slice(0, 60);
    const run = async (): Promise<number[]> => {
      vad.reset();
      const out: number[] = [];
      for (const f of frames) out.push(await vad.process(f));
      return out;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    // Each frame on a fresh state (no history, no context) scores differently: the state matters.
    const stateless: number[] = [];
    for (const f of frames) {
      vad.reset();
      stateless.push(await vad.process(f));
    }
    const diff = first.reduce((s, p, i) => s + Math.abs(p - (stateless[i] ?? 0)), 0) / first.length;
    expect(diff).toBeGreaterThan(0.05);
  });

  it('rejects frames that are not 512 samples', async () => {
    await expect(vad.process(new Float32Array(480))).rejects.toBeInstanceOf(VoiceError);
  });

  it.skipIf(!hasSpeechTools())(
    'puts segment boundaries within ±100 ms of the silence padding around espeak-ng speech (skipped: espeak-ng or sox missing)',
    async () => {
      const a = speak(
        dir,
        'a',
        'The patient reports chest pain radiating to the left arm since this morning.',
      );
      const b = speak(
        dir,
        'b',
        'Check the potassium level before the next dose of furosemide.',
        'en+f3',
      );
      const pads = [1.0, 1.5, 1.2];
      const file = path.join(dir, 'padded.wav');
      padAndJoin(file, [a, b], pads);
      const da = durationSeconds(a);
      const db = durationSeconds(b);
      const expected = [
        { start: pads[0]!, end: pads[0]! + da },
        { start: pads[0]! + da + pads[1]!, end: pads[0]! + da + pads[1]! + db },
      ];
      const report = await analyzeSpeech(loadEngineAudio(file), vad);
      expect(report.segments).toHaveLength(2);
      report.segments.forEach((s, i) => {
        expect(Math.abs(s.start - expected[i]!.start), `segment ${i} start`).toBeLessThanOrEqual(
          TOLERANCE,
        );
        expect(Math.abs(s.end - expected[i]!.end), `segment ${i} end`).toBeLessThanOrEqual(
          TOLERANCE,
        );
      });
      // And the padding itself is scored as silence.
      const inPad = report.frames.filter((f) => f.t + 0.032 < pads[0]! - 0.1);
      expect(Math.max(...inPad.map((f) => f.p))).toBeLessThan(0.2);
    },
  );
});
