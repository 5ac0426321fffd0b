/**
 * Band-limited sample-rate conversion: a Kaiser-windowed sinc low-pass evaluated as a polyphase
 * filter bank for the rational ratio L/M (after dividing by the gcd). The cut-off sits below the
 * lower of the two Nyquist frequencies, so downsampling does not fold energy above 8 kHz back into
 * the speech band (a linear interpolator would). Streaming: `push` chunks as they arrive; the
 * filter is zero-phase, so output sample n lines up with input time n·M/L exactly.
 */

/** Zero crossings of the sinc on each side of the centre: sets the transition band (~3 % wide). */
const ZERO_CROSSINGS = 32;
/** Kaiser beta ≈ 9.0 gives ~90 dB stopband attenuation. */
const KAISER_BETA = 9.0;
/** Pass-band edge as a fraction of the lower Nyquist frequency (−6 dB point of the kernel). */
const ROLLOFF = 0.92;
/**
 * Above this many phases (odd rate pairs like 44 101 → 16 000) a per-phase table would be large;
 * taps are then interpolated per output sample from a finely sampled kernel instead.
 */
const MAX_TABLE_PHASES = 2048;
/** Kernel samples per input sample for the interpolated path (error far below 16-bit LSB). */
const KERNEL_RESOLUTION = 512;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (series; converges fast for x ≤ 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  private readonly up: number; // L
  private readonly down: number; // M
  private readonly half: number; // taps on each side, in input samples
  private readonly cutoff: number; // cycles per input sample
  private readonly table: Float32Array[] | undefined;
  /** k(t) for t = 0, 1/KERNEL_RESOLUTION, … half (symmetric); only when there is no table. */
  private readonly kernel: Float32Array | undefined;
  private readonly scratch: Float32Array;
  private readonly i0Beta = besselI0(KAISER_BETA);
  /** Input history; buffer[0] is absolute input index `bufferStart` (negative indices are zeros). */
  private buffer: Float32Array;
  private bufferLength = 0;
  private bufferStart: number;
  private inputCount = 0;
  private outputCount = 0;
  private flushed = false;

  constructor(inputRate: number, outputRate: number) {
    if (
      !Number.isInteger(inputRate) ||
      !Number.isInteger(outputRate) ||
      inputRate <= 0 ||
      outputRate <= 0
    )
      throw new RangeError(
        `Sample rates must be positive integers (got ${inputRate} → ${outputRate}).`,
      );
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    const g = gcd(inputRate, outputRate);
    this.up = outputRate / g;
    this.down = inputRate / g;
    const ratio = Math.min(1, this.up / this.down);
    this.cutoff = 0.5 * ratio * ROLLOFF;
    this.half = Math.ceil(ZERO_CROSSINGS / (2 * this.cutoff));
    this.bufferStart = -this.half;
    this.buffer = new Float32Array(4096 + 2 * this.half);
    this.bufferLength = this.half; // the zeros before the first sample
    this.scratch = new Float32Array(2 * this.half);
    if (this.up <= MAX_TABLE_PHASES) {
      this.table = Array.from({ length: this.up }, (_, p) =>
        this.fillTaps(p, new Float32Array(2 * this.half), (t) => this.exactKernel(t)),
      );
    } else {
      const kernel = new Float32Array(this.half * KERNEL_RESOLUTION + 2);
      for (let i = 0; i < kernel.length; i++) kernel[i] = this.exactKernel(i / KERNEL_RESOLUTION);
      this.kernel = kernel;
    }
  }

  /** True when input and output rates are equal: samples pass through unchanged. */
  get identity(): boolean {
    return this.up === this.down;
  }

  /** Windowed sinc at distance t (input samples) from the output instant. */
  private exactKernel(t: number): number {
    const r = t / this.half;
    if (Math.abs(r) >= 1) return 0;
    const x = 2 * this.cutoff * t;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    return (sinc * besselI0(KAISER_BETA * Math.sqrt(1 - r * r))) / this.i0Beta;
  }

  private interpolatedKernel(t: number): number {
    const kernel = this.kernel;
    if (!kernel) return this.exactKernel(t);
    const pos = Math.abs(t) * KERNEL_RESOLUTION;
    const i = Math.floor(pos);
    const a = kernel[i] ?? 0;
    const b = kernel[i + 1] ?? 0;
    return a + (b - a) * (pos - i);
  }

  private fillTaps(phase: number, taps: Float32Array, k: (t: number) => number): Float32Array {
    const frac = phase / this.up;
    let sum = 0;
    for (let j = 0; j < taps.length; j++) {
      const v = k(frac + this.half - 1 - j); // distance from the output instant, in input samples
      taps[j] = v;
      sum += v;
    }
    for (let j = 0; j < taps.length; j++) taps[j] = (taps[j] ?? 0) / sum; // exact unity gain at DC
    return taps;
  }

  private tapsFor(phase: number): Float32Array {
    return (
      this.table?.[phase] ?? this.fillTaps(phase, this.scratch, (t) => this.interpolatedKernel(t))
    );
  }

  private append(chunk: Float32Array): void {
    if (this.bufferLength + chunk.length > this.buffer.length) {
      const grown = new Float32Array(
        Math.max(this.buffer.length * 2, this.bufferLength + chunk.length),
      );
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.bufferLength);
    this.bufferLength += chunk.length;
  }

  /** Produces every output sample whose filter window lies inside the input seen so far. */
  private drain(limit: number): Float32Array {
    const available = this.bufferStart + this.bufferLength; // absolute index one past the last
    // Output n is ready when its last tap floor(n·M/L) + half < available, i.e. n < (available − half)·L/M.
    const ready = Math.ceil(((available - this.half) * this.up) / this.down);
    const end = Math.max(this.outputCount, Math.min(limit, ready));
    const out = new Float32Array(end - this.outputCount);
    for (let i = 0; i < out.length; i++) {
      const pos = this.outputCount * this.down;
      const base = Math.floor(pos / this.up);
      const phase = pos - base * this.up;
      const taps = this.tapsFor(phase);
      const first = base - this.half + 1 - this.bufferStart;
      let acc = 0;
      for (let j = 0; j < taps.length; j++) acc += (taps[j] ?? 0) * (this.buffer[first + j] ?? 0);
      out[i] = acc;
      this.outputCount++;
    }
    // Forget input no future output sample can reach.
    const nextBase = Math.floor((this.outputCount * this.down) / this.up);
    const keepFrom = nextBase - this.half + 1 - this.bufferStart;
    if (keepFrom > 0) {
      this.buffer.copyWithin(0, keepFrom, this.bufferLength);
      this.bufferLength -= keepFrom;
      this.bufferStart += keepFrom;
    }
    return out;
  }

  /** Feeds input samples; returns the output samples that are now complete. */
  push(chunk: Float32Array): Float32Array {
    if (this.flushed) throw new Error('Resampler.push after flush');
    if (this.identity) return chunk.slice();
    this.append(chunk);
    this.inputCount += chunk.length;
    return this.drain(Number.POSITIVE_INFINITY);
  }

  /** Ends the stream: pads with silence and returns the remaining output samples. */
  flush(): Float32Array {
    if (this.flushed || this.identity) return new Float32Array(0);
    this.flushed = true;
    this.append(new Float32Array(this.half));
    return this.drain(Math.ceil((this.inputCount * this.up) / this.down));
  }
}

/** Resamples a whole signal; output length is ceil(n · out / in). */
export function resample(
  samples: Float32Array,
  inputRate: number,
  outputRate: number,
): Float32Array {
  const r = new Resampler(inputRate, outputRate);
  if (r.identity) return samples.slice();
  const head = r.push(samples);
  const tail = r.flush();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
