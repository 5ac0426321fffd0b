import { describe, expect, it } from 'vitest';
import { Resampler, resample } from './resample.js';

function tone(freq: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const n = Math.round(rate * seconds);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

/** Amplitude of the component at `freq` (single-bin DFT over the middle of the signal). */
function amplitudeAt(x: Float32Array, freq: number, rate: number): number {
  const start = Math.floor(x.length * 0.2);
  const end = Math.floor(x.length * 0.8);
  let re = 0;
  let im = 0;
  for (let i = start; i < end; i++) {
    const w = (2 * Math.PI * freq * i) / rate;
    re += x[i]! * Math.cos(w);
    im -= x[i]! * Math.sin(w);
  }
  return (2 * Math.hypot(re, im)) / (end - start);
}

function rms(x: Float32Array): number {
  const start = Math.floor(x.length * 0.2);
  const end = Math.floor(x.length * 0.8);
  let s = 0;
  for (let i = start; i < end; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (end - start));
}

const db = (ratio: number): number => 20 * Math.log10(ratio);

describe('resample', () => {
  it('keeps the length ratio and passes equal rates through unchanged', () => {
    const x = tone(440, 48_000, 1);
    expect(resample(x, 48_000, 16_000).length).toBe(16_000);
    expect(resample(x.subarray(0, 44_101), 44_100, 16_000).length).toBe(
      Math.ceil((44_101 * 160) / 441),
    );
    expect(resample(x, 16_000, 16_000)).toEqual(x);
  });

  it.each([
    [48_000, 16_000],
    [44_100, 16_000],
    [22_050, 16_000],
    [8_000, 16_000],
    [44_101, 16_000], // coprime: interpolated-kernel path
  ])(
    'keeps an in-band 1 kHz tone from %i Hz to %i Hz at the same amplitude and phase',
    (from, to) => {
      const y = resample(tone(1000, from, 1), from, to);
      const expected = tone(1000, to, 1);
      expect(Math.abs(db(amplitudeAt(y, 1000, to) / 0.5))).toBeLessThan(0.1);
      // Zero-phase filter: the output matches the ideal tone sample by sample.
      let err = 0;
      for (let i = 2000; i < y.length - 2000; i++)
        err = Math.max(err, Math.abs(y[i]! - expected[i]!));
      expect(err).toBeLessThan(2e-3);
    },
  );

  it('keeps the speech band flat up to 7 kHz when downsampling 48 kHz → 16 kHz', () => {
    for (const f of [100, 3000, 6000, 7000]) {
      const y = resample(tone(f, 48_000, 0.5), 48_000, 16_000);
      expect(Math.abs(db(amplitudeAt(y, f, 16_000) / 0.5)), `${f} Hz`).toBeLessThan(0.5);
    }
  });

  it('suppresses tones above 8 kHz by at least 70 dB instead of aliasing them', () => {
    // A naive decimator folds 9/12/20 kHz to 7/4/4 kHz at full level.
    for (const f of [9000, 12_000, 20_000]) {
      const y = resample(tone(f, 48_000, 0.5), 48_000, 16_000);
      expect(db(rms(y) / (0.5 / Math.SQRT2)), `${f} Hz`).toBeLessThan(-70);
    }
  });

  it('attenuates the alias band of a 20 Hz – 24 kHz sine sweep', () => {
    const rate = 48_000;
    const n = rate * 2;
    const sweep = new Float32Array(n);
    let phase = 0;
    for (let i = 0; i < n; i++) {
      const f = 20 * Math.pow(24_000 / 20, i / n); // exponential sweep
      phase += (2 * Math.PI * f) / rate;
      sweep[i] = 0.5 * Math.sin(phase);
    }
    const y = resample(sweep, rate, 16_000);
    // Where the sweep is above 8.5 kHz the output must be (almost) silent.
    const tAbove = Math.log(8500 / 20) / Math.log(24_000 / 20); // fraction of the sweep
    const from = Math.ceil(tAbove * y.length) + 200;
    let peak = 0;
    for (let i = from; i < y.length - 200; i++) peak = Math.max(peak, Math.abs(y[i]!));
    expect(db(peak / 0.5)).toBeLessThan(-60);
    // And below 6 kHz the sweep comes through at full level.
    const tBelow = Math.log(6000 / 20) / Math.log(24_000 / 20);
    let inBand = 0;
    for (let i = 200; i < Math.floor(tBelow * y.length); i++)
      inBand = Math.max(inBand, Math.abs(y[i]!));
    expect(inBand).toBeGreaterThan(0.49);
  });

  it('gives the same output streamed in odd-sized chunks as in one call', () => {
    const x = tone(440, 44_100, 0.7);
    const whole = resample(x, 44_100, 16_000);
    const r = new Resampler(44_100, 16_000);
    const parts: Float32Array[] = [];
    for (let i = 0; i < x.length; i += 333) parts.push(r.push(x.subarray(i, i + 333)));
    parts.push(r.flush());
    const streamed = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      streamed.set(p, o);
      o += p.length;
    }
    expect(streamed.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++)
      expect(Math.abs(streamed[i]! - whole[i]!)).toBeLessThan(1e-6);
  });

  it('rejects rates that are not positive integers', () => {
    expect(() => new Resampler(0, 16_000)).toThrow(RangeError);
    expect(() => new Resampler(44_100.5, 16_000)).toThrow(RangeError);
  });
});
