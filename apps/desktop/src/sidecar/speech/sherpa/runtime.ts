import { createRequire } from 'node:module';
import { SpeechError } from '../errors.js';

/**
 * The part of `sherpa-onnx-node` (Apache-2.0; N-API addon with its own ONNX Runtime, prebuilt in
 * `sherpa-onnx-<platform>-<arch>`, no install script) this engine uses. The package ships no
 * TypeScript types; these follow its `types.js` JSDoc for version 1.13.
 */
export interface Waveform {
  readonly samples: Float32Array;
  readonly sampleRate: number;
}

export interface OnlineStream {
  acceptWaveform(wave: Waveform): void;
  inputFinished(): void;
}

export interface OnlineResult {
  readonly text: string;
  readonly tokens: readonly string[];
  /** Per-token log-probabilities (transducer models). */
  readonly ys_probs?: readonly number[];
}

export interface OnlineRecognizer {
  createStream(): OnlineStream;
  isReady(stream: OnlineStream): boolean;
  decode(stream: OnlineStream): void;
  isEndpoint(stream: OnlineStream): boolean;
  reset(stream: OnlineStream): void;
  getResult(stream: OnlineStream): OnlineResult;
}

export interface OfflineStream {
  acceptWaveform(wave: Waveform): void;
}

export interface OfflineResult {
  readonly text: string;
  readonly tokens: readonly string[];
  readonly ys_log_probs?: readonly number[];
}

export interface OfflineRecognizer {
  createStream(): OfflineStream;
  decodeAsync(stream: OfflineStream): Promise<OfflineResult>;
}

export interface TtsProgress {
  readonly samples: Float32Array;
  readonly progress: number;
}

export interface OfflineTts {
  readonly sampleRate: number;
  readonly numSpeakers: number;
  generateAsync(request: {
    text: string;
    sid: number;
    speed: number;
    enableExternalBuffer?: boolean;
    onProgress?: (info: TtsProgress) => number | boolean | undefined;
  }): Promise<Waveform>;
}

export interface SpeechSegmentOut {
  readonly start: number;
  readonly samples: Float32Array;
}

export interface Vad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  isDetected(): boolean;
  front(enableExternalBuffer?: boolean): SpeechSegmentOut;
  pop(): void;
  flush(): void;
  reset(): void;
}

export interface SherpaOnnx {
  readonly version?: string;
  OnlineRecognizer: new (config: object) => OnlineRecognizer;
  OfflineRecognizer: { createAsync(config: object): Promise<OfflineRecognizer> };
  OfflineTts: { createAsync(config: object): Promise<OfflineTts> };
  Vad: new (config: object, bufferSizeInSeconds: number) => Vad;
}

let cached: SherpaOnnx | undefined;

/**
 * Loads the native runtime once per process. Throws SPEECH_BACKEND_MISSING when the package or
 * its platform binary is not installed (a platform without a prebuild).
 */
export function loadSherpa(): SherpaOnnx {
  if (cached) return cached;
  try {
    cached = createRequire(import.meta.url)('sherpa-onnx-node') as SherpaOnnx;
  } catch (error) {
    throw new SpeechError(
      'SPEECH_BACKEND_MISSING',
      `sherpa-onnx could not load on ${process.platform}-${process.arch}.`,
      { cause: error },
    );
  }
  return cached;
}

/** Why sherpa-onnx cannot run here, or undefined when its native runtime loads. */
export function sherpaUnavailable(): string | undefined {
  try {
    loadSherpa();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Threads for sherpa's ONNX sessions: one core stays free for capture, VAD and the UI. */
export function sherpaThreads(cores: number): number {
  return Math.max(1, Math.min(4, cores - 1));
}
