import { describe, expect, it } from 'vitest';
import { base64ToPcm16, pcm16ToBase64 } from './pcm.js';
import { floatToPcm16, levelDbfs, Resampler } from './resampler.js';

const tone = (hz: number, rate: number, seconds: number, amp = 0.5): Float32Array =>
  Float32Array.from(
    { length: Math.round(rate * seconds) },
    (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate),
  );

/** Resamples in 128-sample render quanta, as the AudioWorklet does. */
function inQuanta(r: Resampler, input: Float32Array): Float32Array {
  const parts: number[] = [];
  for (let i = 0; i < input.length; i += 128) parts.push(...r.push(input.subarray(i, i + 128)));
  return Float32Array.from(parts);
}

const rms = (x: Float32Array): number =>
  Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));

describe('Resampler (capture worklet, 48/44.1 kHz → 16 kHz)', () => {
  it('keeps a 1 kHz tone: one output sample per 3 input samples, same level and pitch', () => {
    const out = inQuanta(new Resampler(48_000), tone(1000, 48_000, 1));
    expect(Math.abs(out.length - 16_000)).toBeLessThanOrEqual(48); // filter delay at the end
    const steady = out.subarray(200, 15_000);
    expect(rms(steady)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    let crossings = 0;
    for (let i = 1; i < steady.length; i++)
      if ((steady[i - 1] ?? 0) < 0 && (steady[i] ?? 0) >= 0) crossings++;
    const seconds = steady.length / 16_000;
    expect(crossings / seconds).toBeGreaterThan(990);
    expect(crossings / seconds).toBeLessThan(1010);
  });

  it('filters what would alias: a 12 kHz tone at 48 kHz comes out > 40 dB down', () => {
    const out = inQuanta(new Resampler(48_000), tone(12_000, 48_000, 1)).subarray(200, 15_000);
    const db = 20 * Math.log10(rms(out) / (0.5 / Math.SQRT2));
    expect(db).toBeLessThan(-40);
  });

  it('handles 44.1 kHz (fractional step) with the same level', () => {
    const out = inQuanta(new Resampler(44_100), tone(440, 44_100, 1));
    expect(Math.abs(out.length - 16_000)).toBeLessThanOrEqual(48);
    expect(rms(out.subarray(200, 15_000))).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it('gives the same samples whatever the block sizes (no seams between quanta)', () => {
    const input = tone(700, 48_000, 0.2);
    const whole = new Resampler(48_000).push(input);
    const pieces = inQuanta(new Resampler(48_000), input);
    expect(pieces.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(pieces[i]).toBeCloseTo(whole[i] ?? 0, 6);
  });
});

describe('PCM helpers', () => {
  it('clamps floats to 16 bits and measures level in dBFS', () => {
    expect([...floatToPcm16(Float32Array.from([0, 1, -1, 2, -2]))]).toEqual([
      0, 32767, -32768, 32767, -32768,
    ]);
    expect(levelDbfs(new Int16Array(512))).toBe(-120);
    expect(levelDbfs(floatToPcm16(tone(1000, 16_000, 0.1, 1)))).toBeCloseTo(-3, 0);
  });

  it('round-trips PCM16 through base64 (little-endian, signed)', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 12345, -12345]);
    const b64 = pcm16ToBase64(samples);
    expect(b64).toBe(Buffer.from(samples.buffer).toString('base64'));
    expect([...base64ToPcm16(b64)]).toEqual([...samples]);
  });
});
