import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { VoiceError } from './errors.js';
import { FRAME_SAMPLES, SAMPLE_RATE } from './frames.js';
import { resolveSileroModelPath, type ModelPathOptions } from './model-path.js';

/** Silero v5 at 16 kHz sees the last 64 samples of the previous frame before each 512-sample frame. */
export const SILERO_CONTEXT = 64;
const STATE_SIZE = 2 * 1 * 128;

/** A frame-by-frame speech probability model over 16 kHz mono frames of 512 samples. */
export interface SpeechProbabilityModel {
  /** Speech probability in [0, 1] for the next frame of the stream. */
  process(frame: Float32Array): Promise<number>;
  /** Starts a new stream: clears the recurrent state and the context. */
  reset(): void;
  close(): Promise<void>;
}

export interface SileroOptions extends ModelPathOptions {
  /** Model file; default: resolveSileroModelPath(options). */
  readonly modelPath?: string;
}

type Ort = typeof OrtModule;

/**
 * Silero VAD v5 through onnxruntime-node, one thread. The model is recurrent: its `stateN` output
 * and the trailing 64 samples of each frame are fed into the next call, so frames must arrive in
 * stream order; `reset()` between unrelated streams.
 */
export class SileroVad implements SpeechProbabilityModel {
  private readonly input = new Float32Array(SILERO_CONTEXT + FRAME_SAMPLES);
  private state: Tensor;
  private readonly sr: Tensor;

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly modelPath: string,
  ) {
    this.state = new ort.Tensor('float32', new Float32Array(STATE_SIZE), [2, 1, 128]);
    this.sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(SAMPLE_RATE)]), []);
  }

  static async load(options: SileroOptions = {}): Promise<SileroVad> {
    const modelPath = options.modelPath ?? resolveSileroModelPath(options);
    // Must be set before ONNX Runtime loads: otherwise it writes a device id and telemetry to ~/.cache.
    process.env.ORT_DISABLE_TELEMETRY ??= '1';
    const ort = await import('onnxruntime-node');
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      return new SileroVad(ort, session, modelPath);
    } catch (err) {
      throw new VoiceError('VAD_MODEL_FAILED', `(${modelPath})`, { cause: err });
    }
  }

  async process(frame: Float32Array): Promise<number> {
    if (frame.length !== FRAME_SAMPLES)
      throw new VoiceError('AUDIO_FRAME_SIZE', `Expected ${FRAME_SAMPLES}, got ${frame.length}.`);
    this.input.set(frame, SILERO_CONTEXT);
    const result = await this.session.run({
      input: new this.ort.Tensor('float32', this.input, [1, SILERO_CONTEXT + FRAME_SAMPLES]),
      state: this.state,
      sr: this.sr,
    });
    const { output, stateN } = result;
    if (!output || !stateN)
      throw new VoiceError('VAD_MODEL_FAILED', 'The model returned no output.');
    this.state = stateN;
    // The next call's context is the end of this frame.
    this.input.copyWithin(0, FRAME_SAMPLES, FRAME_SAMPLES + SILERO_CONTEXT);
    const p = (output.data as Float32Array)[0];
    return p ?? 0;
  }

  reset(): void {
    this.input.fill(0);
    this.state = new this.ort.Tensor('float32', new Float32Array(STATE_SIZE), [2, 1, 128]);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
