import type WebRtcAec3 from '@ennuicastr/webrtcaec3.js';
import { VoiceError } from './errors.js';
import { FRAME_SAMPLES, SAMPLE_RATE } from './frames.js';

/**
 * Removes the app's own playback from the microphone signal. The far end is what the app plays
 * (TTS), fed in as it is played; the near end is the microphone. Both are 16 kHz mono frames.
 */
export interface EchoCanceller {
  /**
   * Audio the app just played (the reference), in playback order, before the mic frame that may
   * contain its echo. When nothing is pushed, the canceller assumes silence was played.
   */
  pushFarEnd(frame: Float32Array): void;
  /** A microphone frame; returns the cleaned frame, same length, `latencySamples` late. */
  processNearEnd(frame: Float32Array): Float32Array;
  /** Fixed delay of processNearEnd's output relative to its input, in samples. */
  readonly latencySamples: number;
  close(): void;
}

/** AEC3 works on 10 ms blocks; 512-sample frames are re-blocked through a small FIFO. */
const BLOCK = SAMPLE_RATE / 100;
/**
 * 512·k − ⌊512·k / 160⌋·160 never exceeds 128 (gcd(512, 160) = 32), so priming the output FIFO
 * with 128 samples of silence always leaves a full frame to return: a constant 8 ms delay.
 */
const PRIMING = 128;
/**
 * AEC3's own capture delay at 16 kHz while a render (far-end) stream runs, measured with impulses
 * (aec.test.ts checks it). Without any render stream it is 64, so the wrapper keeps one running.
 */
const AEC3_DELAY = 128;

type Aec3Module = Awaited<ReturnType<typeof WebRtcAec3>>;
let modulePromise: Promise<Aec3Module> | undefined;

/**
 * The package's Emscripten glue installs process-wide `uncaughtException` and
 * `unhandledRejection` listeners that rethrow: they would crash the engine before its own handlers
 * (logging, coded errors) run. Remove whatever listeners the import added.
 */
async function importWithoutProcessHandlers(): Promise<Aec3Module> {
  const uncaught = new Set(process.listeners('uncaughtException'));
  const rejection = new Set(process.listeners('unhandledRejection'));
  try {
    const m = await import('@ennuicastr/webrtcaec3.js');
    return await m.default();
  } finally {
    for (const l of process.listeners('uncaughtException'))
      if (!uncaught.has(l)) process.removeListener('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection'))
      if (!rejection.has(l)) process.removeListener('unhandledRejection', l);
  }
}

async function loadModule(): Promise<Aec3Module> {
  modulePromise ??= importWithoutProcessHandlers();
  try {
    return await modulePromise;
  } catch (err) {
    modulePromise = undefined;
    throw new VoiceError('AEC_FAILED', 'The WebRTC AEC3 module did not load.', { cause: err });
  }
}

/** WebRTC AEC3 (from @ennuicastr/webrtcaec3.js, WebAssembly) at 16 kHz mono. */
export class Aec3EchoCanceller implements EchoCanceller {
  readonly latencySamples = PRIMING + AEC3_DELAY;
  private readonly out: Float32Array;
  private outLength: number;
  private readonly block = [new Float32Array(BLOCK * 4)];
  private closed = false;
  /** Far-end samples pushed minus near-end samples processed. */
  private farLead = 0;

  private constructor(private readonly aec: WebRtcAec3.AEC3) {
    this.out = new Float32Array(PRIMING + FRAME_SAMPLES + BLOCK * 4);
    this.outLength = PRIMING; // silence: the fixed latency
  }

  static async create(): Promise<Aec3EchoCanceller> {
    const module = await loadModule();
    try {
      return new Aec3EchoCanceller(new module.AEC3(SAMPLE_RATE, 1, 1));
    } catch (err) {
      throw new VoiceError('AEC_FAILED', 'AEC3 rejected 16 kHz mono.', { cause: err });
    }
  }

  pushFarEnd(frame: Float32Array): void {
    this.aec.analyze([frame]);
    this.farLead += frame.length;
  }

  processNearEnd(frame: Float32Array): Float32Array {
    if (frame.length !== FRAME_SAMPLES)
      throw new VoiceError('AUDIO_FRAME_SIZE', `Expected ${FRAME_SAMPLES}, got ${frame.length}.`);
    // Nothing playing is a far end of silence: keeps AEC3's render path, and so its delay, steady.
    if (this.farLead < frame.length) this.pushFarEnd(new Float32Array(frame.length - this.farLead));
    this.farLead -= frame.length;
    const size = this.aec.processSize([frame]);
    const [buf] = this.block;
    if (buf && size > 0) {
      this.aec.process(this.block, [frame]);
      this.out.set(buf.subarray(0, size), this.outLength);
      this.outLength += size;
    } else if (size > 0) throw new VoiceError('AEC_FAILED', 'Output buffer missing.');
    const result = this.out.slice(0, FRAME_SAMPLES);
    this.out.copyWithin(0, FRAME_SAMPLES, this.outLength);
    this.outLength -= FRAME_SAMPLES;
    return result;
  }

  close(): void {
    if (this.closed) return; // already freed: freeing twice corrupts the wasm heap
    this.closed = true;
    this.aec.free();
  }
}

/**
 * Echo return loss enhancement in dB: how much quieter the echo is after cancellation,
 * 10·log10(Σ mic² / Σ out²) over the given sample ranges (echo-only stretches, aligned signals).
 */
export function erleDb(
  mic: Float32Array,
  cleaned: Float32Array,
  ranges: readonly (readonly [number, number])[],
): number {
  let micEnergy = 0;
  let outEnergy = 0;
  for (const [from, to] of ranges) {
    for (let i = from; i < to; i++) {
      micEnergy += (mic[i] ?? 0) ** 2;
      outEnergy += (cleaned[i] ?? 0) ** 2;
    }
  }
  return 10 * Math.log10(micEnergy / Math.max(outEnergy, 1e-20));
}
