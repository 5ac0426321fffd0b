/** The engine's audio format: 16 kHz mono, processed in frames of 512 samples (32 ms). */
export const SAMPLE_RATE = 16_000;
export const FRAME_SAMPLES = 512;
export const FRAME_SECONDS = FRAME_SAMPLES / SAMPLE_RATE;

/** Splits a signal into whole frames; the last partial frame is zero-padded. */
export function splitFrames(samples: Float32Array, frameSize = FRAME_SAMPLES): Float32Array[] {
  const frames: Float32Array[] = [];
  for (let i = 0; i < samples.length; i += frameSize) {
    const frame = new Float32Array(frameSize);
    frame.set(samples.subarray(i, Math.min(i + frameSize, samples.length)));
    frames.push(frame);
  }
  return frames;
}

/**
 * Re-blocks a stream of chunks of any size (the capture worklet's 128-sample quanta, network
 * packets…) into exact frames. Accepts Float32 samples or 16-bit PCM.
 */
export class FrameAssembler {
  private readonly pending: Float32Array;
  private filled = 0;

  constructor(readonly frameSize = FRAME_SAMPLES) {
    this.pending = new Float32Array(frameSize);
  }

  /** Adds samples; returns the frames completed by them (each a fresh array). */
  push(chunk: Float32Array | Int16Array): Float32Array[] {
    const frames: Float32Array[] = [];
    const isPcm = chunk instanceof Int16Array;
    for (const x of chunk) {
      this.pending[this.filled++] = isPcm ? x / 32768 : x;
      if (this.filled === this.frameSize) {
        frames.push(this.pending.slice());
        this.filled = 0;
      }
    }
    return frames;
  }

  /** Samples waiting for a full frame. */
  get buffered(): number {
    return this.filled;
  }

  /** Returns the partial frame zero-padded (or nothing if empty) and clears the buffer. */
  flush(): Float32Array | undefined {
    if (this.filled === 0) return undefined;
    const frame = new Float32Array(this.frameSize);
    frame.set(this.pending.subarray(0, this.filled));
    this.filled = 0;
    return frame;
  }
}

/** Root-mean-square level of a frame, in dBFS (−∞ for digital silence). */
export function rmsDbfs(frame: Float32Array): number {
  let sum = 0;
  for (const x of frame) sum += x * x;
  return 10 * Math.log10(sum / Math.max(1, frame.length));
}
