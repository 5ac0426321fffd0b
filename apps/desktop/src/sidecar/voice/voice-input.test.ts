import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Aec3EchoCanceller } from './aec.js';
import { buildEchoScenario, type EchoScenario } from '../../../test-support/voice/echo-scenario.js';
import { loadEngineAudio } from '../../../test-support/voice/speech.js';
import { SPEECH_DIR } from '../../../test-support/data.js';
import { SAMPLE_RATE } from './frames.js';
import { resample } from './resample.js';
import { SileroVad } from './silero.js';
import { VoiceInput, type VoiceFrame } from './voice-input.js';
import { floatToInt16 } from './wav.js';

const NEAR_START = 4;
const CHUNK = 320; // 20 ms packets: not a multiple of the 512-sample frame

/**
 * Plays the scenario through a VoiceInput the way the app would: the far end is pushed at 24 kHz
 * (a TTS rate) just before the microphone chunk covering the same time, with playback active.
 */
async function play(
  input: VoiceInput,
  scenario: EchoScenario,
  farAt24k: Float32Array,
): Promise<VoiceFrame[]> {
  input.setPlaybackActive(true);
  const mic = floatToInt16(scenario.mic);
  const frames: VoiceFrame[] = [];
  const farChunk = (CHUNK * 24_000) / SAMPLE_RATE;
  for (let i = 0, j = 0; i < mic.length; i += CHUNK, j += farChunk) {
    input.pushFarEnd(farAt24k.subarray(j, j + farChunk), 24_000);
    frames.push(...(await input.pushMic(mic.subarray(i, i + CHUNK))));
  }
  return frames;
}

describe('VoiceInput', () => {
  let vad: SileroVad;
  let far: Float32Array;
  let near: Float32Array;
  beforeAll(async () => {
    vad = await SileroVad.load();
    far = loadEngineAudio(path.join(SPEECH_DIR, 'fleurs-en-001.wav'));
    near = loadEngineAudio(path.join(SPEECH_DIR, 'jfk.wav')).subarray(
      0.3 * SAMPLE_RATE,
      3.8 * SAMPLE_RATE,
    );
  });
  afterAll(async () => {
    await vad.close();
  });

  it('does not barge in on the echo of its own playback once the echo is cancelled', async () => {
    const scenario = buildEchoScenario(far, new Float32Array(0), { nearStartSeconds: 0 });
    const aec = await Aec3EchoCanceller.create();
    try {
      const frames = await play(
        new VoiceInput({ vad, echoCanceller: aec }),
        scenario,
        resample(scenario.far, SAMPLE_RATE, 24_000),
      );
      expect(frames.length).toBe(Math.floor(scenario.mic.length / 512));
      expect(frames.filter((f) => f.bargeIn)).toEqual([]);
    } finally {
      aec.close();
    }
  });

  it('does barge in on that echo without the canceller (so the canceller is what prevents it)', async () => {
    const scenario = buildEchoScenario(far, new Float32Array(0), { nearStartSeconds: 0 });
    const frames = await play(
      new VoiceInput({ vad }),
      scenario,
      resample(scenario.far, SAMPLE_RATE, 24_000),
    );
    expect(frames.filter((f) => f.bargeIn)).toHaveLength(1);
  });

  it('barges in when the user talks over the playback, soon after they start', async () => {
    const scenario = buildEchoScenario(far, near, { nearStartSeconds: NEAR_START });
    const aec = await Aec3EchoCanceller.create();
    try {
      const input = new VoiceInput({ vad, echoCanceller: aec });
      const frames = await play(input, scenario, resample(scenario.far, SAMPLE_RATE, 24_000));
      const hits = frames.filter((f) => f.bargeIn);
      expect(hits).toHaveLength(1);
      const { onset, at } = hits[0]!.bargeIn!;
      expect(onset).toBeGreaterThan(NEAR_START - 0.1);
      expect(at).toBeLessThan(NEAR_START + 0.5);
      // The segmenter saw the user's speech as well.
      const starts = frames
        .flatMap((f) => f.events)
        .flatMap((e) => (e.type === 'speech-start' ? [e.time] : []));
      expect(starts.some((time) => Math.abs(time - NEAR_START) < 0.2)).toBe(true);
    } finally {
      aec.close();
    }
  });

  it('re-blocks odd-sized PCM chunks into frames in order and closes the last segment on finish', async () => {
    const input = new VoiceInput({ vad });
    const pcm = floatToInt16(near);
    const pending: Promise<VoiceFrame[]>[] = [];
    for (let i = 0; i < pcm.length; i += 333) pending.push(input.pushMic(pcm.subarray(i, i + 333))); // not awaited in between
    const frames = (await Promise.all(pending)).flat();
    expect(frames.map((f) => f.t)).toEqual(frames.map((_, i) => i * 0.032));
    expect(frames).toHaveLength(Math.floor(pcm.length / 512));
    const closing = await input.finish();
    const all = [...frames.flatMap((f) => f.events), ...closing];
    expect(all.filter((e) => e.type === 'speech-end').length).toBeGreaterThanOrEqual(1);
  });
});
