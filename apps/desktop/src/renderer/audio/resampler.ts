/**
 * Streaming windowed-sinc resampler from the capture rate (44.1/48 kHz…) down to 16 kHz, used by
 * the capture AudioWorklet. It low-passes below the output Nyquist (so a 12 kHz tone at 48 kHz does
 * not fold back to 4 kHz) and carries its history across the 128-sample render quanta, so frame
 * boundaries leave no clicks. Plain TypeScript with no DOM: it runs in the worklet and in tests.
 */

/** Taps on each side of the output position (in input samples). */
const HALF_TAPS = 24;
/** Pass band edge as a fraction of the output Nyquist (7.2 kHz at 16 kHz). */
const CUTOFF = 0.9;

export class Resampler {
  private readonly step: number;
  private readonly fc: number;
  private buf: Float32Array;
  private len: number;
  /** Position of the next output sample, in input samples from `buf[0]`. */
  private pos: number;

  constructor(
    readonly inRate: number,
    readonly outRate = 16_000,
  ) {
    if (!(inRate > 0 && outRate > 0)) throw new RangeError('sample rates must be positive');
    this.step = inRate / outRate;
    // Normalised cutoff in cycles per input sample; never above the input Nyquist.
    this.fc = Math.min(0.5, (CUTOFF * outRate) / 2 / inRate);
    this.buf = new Float32Array(4096);
    this.len = HALF_TAPS; // zeros before the first real sample
    this.pos = HALF_TAPS;
  }

  /** Feeds input samples; returns the output samples that are now complete. */
  push(input: Float32Array): Float32Array {
    this.append(input);
    const out: number[] = [];
    while (Math.floor(this.pos) + HALF_TAPS < this.len) {
      out.push(this.sampleAt(this.pos));
      this.pos += this.step;
    }
    this.compact();
    return Float32Array.from(out);
  }

  private sampleAt(t: number): number {
    const base = Math.floor(t);
    let acc = 0;
    let norm = 0;
    for (let k = base - HALF_TAPS + 1; k <= base + HALF_TAPS; k++) {
      const d = t - k;
      const w = kernel(d, this.fc);
      acc += (this.buf[k] ?? 0) * w;
      norm += w;
    }
    return norm === 0 ? 0 : acc / norm; // unity gain at DC whatever the fractional phase
  }

  private append(input: Float32Array): void {
    if (this.len + input.length > this.buf.length) {
      const bigger = new Float32Array(Math.max(this.buf.length * 2, this.len + input.length));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(input, this.len);
    this.len += input.length;
  }

  /** Drops input that no future output sample can reach. */
  private compact(): void {
    const drop = Math.floor(this.pos) - HALF_TAPS;
    if (drop <= 0) return;
    this.buf.copyWithin(0, drop, this.len);
    this.len -= drop;
    this.pos -= drop;
  }
}

/** Low-pass sinc at `fc` (cycles/sample) under a Blackman window spanning ±HALF_TAPS. */
function kernel(d: number, fc: number): number {
  const x = d / HALF_TAPS;
  if (Math.abs(x) >= 1) return 0;
  const window = 0.42 + 0.5 * Math.cos(Math.PI * x) + 0.08 * Math.cos(2 * Math.PI * x);
  const arg = 2 * Math.PI * fc * d;
  const sinc = d === 0 ? 2 * fc : Math.sin(arg) / (Math.PI * d);
  return sinc * window;
}

/** Float samples in [-1, 1] to signed 16-bit, clamped. */
export function floatToPcm16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
    out[i] = s < 0 ? Math.round(s * 0x8000) : Math.round(s * 0x7fff);
  }
  return out;
}

/** RMS level of PCM16 samples in dBFS (-120 for silence). */
export function levelDbfs(samples: Int16Array): number {
  if (samples.length === 0) return -120;
  let sum = 0;
  for (const s of samples) sum += (s / 0x8000) ** 2;
  const rms = Math.sqrt(sum / samples.length);
  return rms <= 1e-6 ? -120 : Math.max(-120, 20 * Math.log10(rms));
}
