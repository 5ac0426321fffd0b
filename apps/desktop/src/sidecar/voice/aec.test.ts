import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Aec3EchoCanceller, erleDb, type EchoCanceller } from './aec.js';
import { VoiceError } from './errors.js';
import { loadEngineAudio } from '../../../test-support/voice/speech.js';
import { SPEECH_DIR } from '../../../test-support/data.js';
import { FRAME_SAMPLES, SAMPLE_RATE, splitFrames } from './frames.js';
import { buildEchoScenario } from '../../../test-support/voice/echo-scenario.js';

function runCanceller(aec: EchoCanceller, far: Float32Array, mic: Float32Array): Float32Array {
  const farFrames = splitFrames(far);
  const micFrames = splitFrames(mic);
  const out = new Float32Array(micFrames.length * FRAME_SAMPLES);
  micFrames.forEach((frame, i) => {
    const ref = farFrames[i];
    if (ref) aec.pushFarEnd(ref);
    out.set(aec.processNearEnd(frame), i * FRAME_SAMPLES);
  });
  return out.subarray(aec.latencySamples); // aligned with the input
}

function correlation(a: Float32Array, b: Float32Array, from: number, to: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = from; i < to; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('Aec3EchoCanceller', () => {
  let aec: Aec3EchoCanceller | undefined;
  afterEach(() => {
    aec?.close();
    aec = undefined;
  });

  it('removes ≥ 30 dB of a synthetic 40 ms echo of real far-end speech on the echo-only parts', async () => {
    const scenario = buildEchoScenario(
      loadEngineAudio(path.join(SPEECH_DIR, 'fleurs-en-001.wav')),
      loadEngineAudio(path.join(SPEECH_DIR, 'jfk.wav')).subarray(
        0.3 * SAMPLE_RATE,
        3.8 * SAMPLE_RATE,
      ),
      { delayMs: 40, gainDb: -10, nearStartSeconds: 7 },
    );
    aec = await Aec3EchoCanceller.create();
    const cleaned = runCanceller(aec, scenario.far, scenario.mic);
    expect(scenario.echoOnly.length).toBeGreaterThan(100); // frames: several seconds of echo alone
    const erle = erleDb(scenario.mic, cleaned, scenario.echoOnly);
    expect(erle).toBeGreaterThanOrEqual(30);
    // The user's speech survives: after the far end stops it passes through essentially untouched.
    const [from, to] = scenario.nearOnly;
    expect(correlation(scenario.near, cleaned, from, to)).toBeGreaterThan(0.99);
  });

  it('passes near-end speech through unchanged when nothing plays, after a fixed latency', async () => {
    const near = loadEngineAudio(path.join(SPEECH_DIR, 'jfk.wav')).subarray(0, 3 * SAMPLE_RATE);
    aec = await Aec3EchoCanceller.create();
    const cleaned = runCanceller(aec, new Float32Array(0), near);
    expect(correlation(near, cleaned, SAMPLE_RATE, 2.5 * SAMPLE_RATE)).toBeGreaterThan(0.999);
  });

  it('delays impulses by exactly latencySamples', async () => {
    aec = await Aec3EchoCanceller.create();
    const x = new Float32Array(FRAME_SAMPLES * 30);
    const at = [1000, 3333, 7001, 12_345];
    for (const i of at) x[i] = 0.5;
    const out = new Float32Array(x.length);
    splitFrames(x).forEach((f, i) => out.set(aec!.processNearEnd(f), i * FRAME_SAMPLES));
    for (const i of at) {
      let peak = 0;
      let where = -1;
      for (let j = i; j < i + 1000; j++)
        if (Math.abs(out[j]!) > peak) [peak, where] = [Math.abs(out[j]!), j];
      expect(where - i).toBe(aec.latencySamples);
    }
  });

  it('leaves no process-wide exception handlers behind (the wasm glue installs rethrowing ones)', async () => {
    const before = [
      process.listenerCount('uncaughtException'),
      process.listenerCount('unhandledRejection'),
    ];
    aec = await Aec3EchoCanceller.create();
    expect([
      process.listenerCount('uncaughtException'),
      process.listenerCount('unhandledRejection'),
    ]).toEqual(before);
  });

  it('rejects frames of the wrong size', async () => {
    aec = await Aec3EchoCanceller.create();
    expect(() => aec!.processNearEnd(new Float32Array(160))).toThrow(VoiceError);
  });
});

describe('erleDb', () => {
  it('is 20·log10 of the amplitude ratio', () => {
    const mic = new Float32Array(100).fill(0.5);
    const out = new Float32Array(100).fill(0.005);
    expect(erleDb(mic, out, [[0, 100]])).toBeCloseTo(40, 6);
  });
});
