import os from 'node:os';
import { SpeechError } from '../errors.js';
import { Pcm16Aligner, pcm16BytesToFloat } from '../pcm.js';
import {
  needsConfirmation,
  SPEECH_SAMPLE_RATE,
  type FinalTranscript,
  type RecogniserId,
  type RecognitionOptions,
  type RecognitionSession,
  type SpeechRecogniser,
} from '../types.js';
import { resolveSpeechModel, SPEECH_MODELS } from './catalog.js';
import {
  loadSherpa,
  sherpaThreads,
  type OfflineRecognizer,
  type OnlineRecognizer,
  type OnlineStream,
} from './runtime.js';

export interface SherpaRecogniserOptions {
  /** Models folder (default: `VOICEASSIST_MODELS_DIR` or `<repo>/resources/models`). */
  readonly modelsDir?: string;
  readonly threads?: number;
}

/** Mean token probability from log-probabilities; undefined when the model reports none. */
export function meanProbability(logProbs: readonly number[] | undefined): number | undefined {
  if (!logProbs || logProbs.length === 0) return undefined;
  let sum = 0;
  for (const lp of logProbs) sum += Math.exp(Math.min(0, lp));
  return sum / logProbs.length;
}

/** sherpa's transducer models emit upper case BPE text; transcripts here are lower case words. */
function cleanText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Right context for the streaming encoder: without it the last word is often dropped. */
const TAIL_PADDING_SECONDS = 0.5;

/**
 * Shared life cycle of a session over in-process sherpa recognisers: failure reported once,
 * abort, finalize at most once.
 */
class SessionCore {
  failure: Error | undefined;
  done = false;
  finalizing = false;
  private markSent = (): void => undefined;
  readonly sent = new Promise<void>((r) => (this.markSent = r));

  constructor(
    private readonly options: RecognitionOptions,
    private readonly onEnd: () => void,
  ) {
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private readonly onAbort = (): void => this.fail(new SpeechError('SPEECH_ABORTED'));

  end(): void {
    if (this.done) return;
    this.done = true;
    this.markSent();
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.onEnd();
  }

  fail(err: Error): void {
    if (this.done) return;
    this.failure = err;
    this.end();
    this.options.onError?.(err);
  }

  startFinalize(): Promise<never> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    if (this.done) return Promise.reject(new SpeechError('SPEECH_ABORTED'));
    if (this.finalizing) return Promise.reject(new SpeechError('SPEECH_SESSION_BUSY'));
    this.finalizing = true;
    this.markSent();
    return undefined;
  }
}

function result(
  id: RecogniserId,
  text: string,
  confidence: number | undefined,
  samples: number,
): FinalTranscript {
  return {
    text,
    confidence,
    needsConfirmation: needsConfirmation('standard', confidence, text),
    recogniser: id,
    accuracy: 'standard',
    audioSeconds: samples / SPEECH_SAMPLE_RATE,
  };
}

/**
 * Streaming transducer (the pinned Zipformer 20M): interim text while the key is held; at each
 * pause the model's endpoint settles the text so far and decoding restarts. Decoding runs on the
 * engine's thread in small steps (≈10 ms per 320 ms of audio for this model on one core).
 */
export class SherpaStreamingRecogniser implements SpeechRecogniser {
  readonly id = 'sherpa-streaming' as const;
  readonly accuracy = 'standard' as const;
  readonly label = 'sherpa-onnx Zipformer (streaming, on-device)';
  private active = false;

  private constructor(private readonly recognizer: OnlineRecognizer) {}

  static load(options: SherpaRecogniserOptions = {}): SherpaStreamingRecogniser {
    const files = resolveSpeechModel('zipformer-en-20m', options.modelsDir);
    if (!files)
      throw new SpeechError(
        'SPEECH_MODEL_MISSING',
        `(${SPEECH_MODELS['zipformer-en-20m'].dir}: npm run models:fetch -- zipformer-en-20m)`,
      );
    const sherpa = loadSherpa();
    const recognizer = new sherpa.OnlineRecognizer({
      featConfig: { sampleRate: SPEECH_SAMPLE_RATE, featureDim: 80 },
      modelConfig: {
        transducer: { encoder: files.encoder, decoder: files.decoder, joiner: files.joiner },
        tokens: files.tokens,
        numThreads: options.threads ?? sherpaThreads(os.availableParallelism()),
        provider: 'cpu',
        debug: 0,
      },
      decodingMethod: 'greedy_search',
      enableEndpoint: 1,
      rule1MinTrailingSilence: 2.4,
      // A pause inside a held key settles the text before it (the final stays the joined whole).
      rule2MinTrailingSilence: 0.8,
      rule3MinUtteranceLength: 20,
    });
    return new SherpaStreamingRecogniser(recognizer);
  }

  open(options: RecognitionOptions = {}): RecognitionSession {
    if (this.active) throw new SpeechError('SPEECH_SESSION_BUSY');
    this.active = true;
    const recognizer = this.recognizer;
    const stream: OnlineStream = recognizer.createStream();
    const core = new SessionCore(options, () => (this.active = false));
    const aligner = new Pcm16Aligner();
    const settled: string[] = [];
    const settledProbs: number[] = [];
    let interim = '';
    let samples = 0;
    const soFar = (): string => [...settled, interim].filter((t) => t !== '').join(' ');

    const settle = (): void => {
      const r = recognizer.getResult(stream);
      const text = cleanText(r.text);
      if (text !== '') {
        settled.push(text);
        settledProbs.push(...(r.ys_probs ?? []));
      }
      interim = '';
      recognizer.reset(stream);
    };
    const drain = (): void => {
      while (recognizer.isReady(stream)) recognizer.decode(stream);
      if (recognizer.isEndpoint(stream)) {
        settle();
        options.onTranscript?.(soFar(), false);
        return;
      }
      const text = cleanText(recognizer.getResult(stream).text);
      if (text !== interim) {
        interim = text;
        options.onTranscript?.(soFar(), false);
      }
    };

    return {
      send: (pcm) => {
        if (core.done || core.finalizing) return;
        const bytes = aligner.push(pcm);
        if (bytes.byteLength === 0) return;
        const chunk = pcm16BytesToFloat(bytes);
        samples += chunk.length;
        try {
          stream.acceptWaveform({ samples: chunk, sampleRate: SPEECH_SAMPLE_RATE });
          drain();
        } catch (error) {
          core.fail(new SpeechError('SPEECH_BACKEND_FAILED', 'sherpa-onnx.', { cause: error }));
        }
      },
      finalize: () => {
        const refused = core.startFinalize();
        if (refused) return refused;
        try {
          stream.acceptWaveform({
            samples: new Float32Array(Math.round(TAIL_PADDING_SECONDS * SPEECH_SAMPLE_RATE)),
            sampleRate: SPEECH_SAMPLE_RATE,
          });
          stream.inputFinished();
          while (recognizer.isReady(stream)) recognizer.decode(stream);
          settle();
        } catch (error) {
          core.fail(new SpeechError('SPEECH_BACKEND_FAILED', 'sherpa-onnx.', { cause: error }));
          return Promise.reject(core.failure ?? new SpeechError('SPEECH_BACKEND_FAILED'));
        }
        const text = settled.join(' ');
        options.onTranscript?.(text, true);
        core.end();
        return Promise.resolve(result(this.id, text, meanProbability(settledProbs), samples));
      },
      finalizeSent: () => core.sent,
      transcriptSoFar: soFar,
      get failure() {
        return core.failure;
      },
      close: () => core.end(),
    };
  }

  close(): Promise<void> {
    return Promise.resolve(); // the addon frees the recognizer when it is collected
  }
}

/**
 * Offline model (the pinned Moonshine base, or any sherpa offline config): audio is kept while the
 * key is held and decoded once at key-up, off the engine's thread (`decodeAsync`). No interims.
 */
export class SherpaOfflineRecogniser implements SpeechRecogniser {
  readonly id = 'sherpa-offline' as const;
  readonly accuracy = 'standard' as const;
  private active = false;

  private constructor(
    private readonly recognizer: OfflineRecognizer,
    readonly label: string,
  ) {}

  static async load(options: SherpaRecogniserOptions = {}): Promise<SherpaOfflineRecogniser> {
    const files = resolveSpeechModel('moonshine-base-en', options.modelsDir);
    if (!files)
      throw new SpeechError(
        'SPEECH_MODEL_MISSING',
        `(${SPEECH_MODELS['moonshine-base-en'].dir}: npm run models:fetch -- moonshine-base-en)`,
      );
    const { tokens, ...moonshine } = files;
    return SherpaOfflineRecogniser.fromConfig(
      { moonshine, tokens },
      'sherpa-onnx Moonshine base (offline, on-device)',
      options,
    );
  }

  /** Any sherpa offline model config (`OfflineModelConfig` without threads/provider). */
  static async fromConfig(
    modelConfig: Record<string, unknown>,
    label: string,
    options: SherpaRecogniserOptions = {},
  ): Promise<SherpaOfflineRecogniser> {
    const sherpa = loadSherpa();
    const recognizer = await sherpa.OfflineRecognizer.createAsync({
      featConfig: { sampleRate: SPEECH_SAMPLE_RATE, featureDim: 80 },
      modelConfig: {
        ...modelConfig,
        numThreads: options.threads ?? sherpaThreads(os.availableParallelism()),
        provider: 'cpu',
        debug: 0,
      },
    });
    return new SherpaOfflineRecogniser(recognizer, label);
  }

  open(options: RecognitionOptions = {}): RecognitionSession {
    if (this.active) throw new SpeechError('SPEECH_SESSION_BUSY');
    this.active = true;
    const core = new SessionCore(options, () => (this.active = false));
    const aligner = new Pcm16Aligner();
    const chunks: Float32Array[] = [];
    let samples = 0;
    return {
      send: (pcm) => {
        if (core.done || core.finalizing) return;
        const bytes = aligner.push(pcm);
        if (bytes.byteLength === 0) return;
        const chunk = pcm16BytesToFloat(bytes);
        chunks.push(chunk);
        samples += chunk.length;
      },
      finalize: async () => {
        const refused = core.startFinalize();
        if (refused) return refused;
        const audio = new Float32Array(samples);
        let at = 0;
        for (const c of chunks) {
          audio.set(c, at);
          at += c.length;
        }
        chunks.length = 0;
        try {
          const stream = this.recognizer.createStream();
          stream.acceptWaveform({ samples: audio, sampleRate: SPEECH_SAMPLE_RATE });
          const r = await this.recognizer.decodeAsync(stream);
          if (core.done) throw core.failure ?? new SpeechError('SPEECH_ABORTED');
          const text = cleanText(r.text);
          options.onTranscript?.(text, true);
          core.end();
          return result(this.id, text, meanProbability(r.ys_log_probs), samples);
        } catch (error) {
          if (error instanceof SpeechError) throw error;
          const failed = new SpeechError('SPEECH_BACKEND_FAILED', 'sherpa-onnx.', { cause: error });
          core.fail(failed);
          throw failed;
        }
      },
      finalizeSent: () => core.sent,
      transcriptSoFar: () => '',
      get failure() {
        return core.failure;
      },
      close: () => core.end(),
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
