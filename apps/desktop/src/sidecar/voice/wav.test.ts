import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceError } from './errors.js';
import { FrameAssembler, splitFrames } from './frames.js';
import { decodeWav, encodeWav, floatToInt16, int16ToFloat, toMono } from './wav.js';

const HAS_SOX = existsSync('/usr/bin/sox');

describe('wav', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voiceassist-wav-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips 16-bit PCM', () => {
    const pcm = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    const decoded = decodeWav(encodeWav(pcm, 16_000));
    expect(decoded.sampleRate).toBe(16_000);
    expect(decoded.channels).toHaveLength(1);
    expect(floatToInt16(decoded.channels[0]!)).toEqual(pcm);
  });

  it('round-trips 32-bit float', () => {
    const x = Float32Array.from([0, 0.25, -0.5, 0.999]);
    const decoded = decodeWav(encodeWav(x, 22_050, 'float32'));
    expect(decoded.sampleRate).toBe(22_050);
    expect(decoded.channels[0]).toEqual(x);
  });

  it.skipIf(!HAS_SOX)(
    'reads stereo 24-bit, 8-bit and float WAVs written by sox (skipped: sox missing)',
    async () => {
      for (const [name, args] of [
        ['s24.wav', ['-b', '24', '-e', 'signed-integer']],
        ['u8.wav', ['-b', '8', '-e', 'unsigned-integer']],
        ['f32.wav', ['-b', '32', '-e', 'floating-point']],
      ] as const) {
        const file = path.join(dir, name);
        // Left: 0.5 DC-free 1 kHz tone; right: silence → the mono mix has half the amplitude.
        execFileSync('sox', [
          '-D',
          '-n',
          '-r',
          '44100',
          '-c',
          '2',
          ...args,
          file,
          'synth',
          '0.1',
          'sine',
          '1000',
          'remix',
          '1',
          '0',
        ]);
        const decoded = decodeWav(await readFile(file));
        expect(decoded.sampleRate, name).toBe(44_100);
        expect(decoded.channels, name).toHaveLength(2);
        expect(decoded.channels[0]!.length, name).toBe(4410);
        const left = Math.max(...decoded.channels[0]!);
        expect(left, name).toBeGreaterThan(0.95);
        expect(Math.max(...decoded.channels[1]!.map(Math.abs)), name).toBe(0);
        expect(Math.max(...toMono(decoded.channels)), name).toBeCloseTo(left / 2, 5);
      }
    },
  );

  it('rejects what is not a WAV with a coded error', () => {
    expect(() => decodeWav(new TextEncoder().encode('hello, not a wav file'))).toThrow(VoiceError);
    try {
      decodeWav(new Uint8Array(4));
    } catch (err) {
      expect((err as VoiceError).code).toBe('WAV_INVALID');
    }
  });

  it('converts between float and int16 with clipping', () => {
    expect(floatToInt16(Float32Array.from([2, -2, 0.5]))).toEqual(
      Int16Array.from([32767, -32768, 16384]),
    );
    expect(int16ToFloat(Int16Array.from([-32768, 16384]))).toEqual(Float32Array.from([-1, 0.5]));
  });
});

describe('frames', () => {
  it('splits into 512-sample frames, zero-padding the last', () => {
    const frames = splitFrames(new Float32Array(1100).fill(1));
    expect(frames.map((f) => f.length)).toEqual([512, 512, 512]);
    expect(frames[2]![75]).toBe(1);
    expect(frames[2]![76]).toBe(0);
  });

  it('re-blocks odd-sized PCM chunks into exact frames', () => {
    const a = new FrameAssembler();
    const out = [
      ...a.push(new Int16Array(300).fill(16384)),
      ...a.push(new Int16Array(300).fill(16384)),
    ];
    expect(out).toHaveLength(1);
    expect(out[0]![0]).toBe(0.5);
    expect(a.buffered).toBe(88);
    expect(a.flush()?.length).toBe(512);
    expect(a.flush()).toBeUndefined();
  });
});
