import os from 'node:os';
import { SpeechError } from '../errors.js';
import { floatToPcm16 } from '../pcm.js';
import type { SpeechChunk, SpeechSynthesiser, SynthesisOptions } from '../types.js';
import { resolveSpeechModel, SPEECH_MODELS } from './catalog.js';
import { loadSherpa, sherpaThreads, type OfflineTts } from './runtime.js';

export interface SherpaTtsOptions {
  readonly modelsDir?: string;
  readonly threads?: number;
}

/**
 * A Piper/VITS voice through sherpa-onnx. Generation runs off the engine's thread
 * (`generateAsync`); the chunks sherpa reports as it goes are handed on at once, so the first
 * clause can play while the rest is synthesized.
 */
export class SherpaTtsSynthesiser implements SpeechSynthesiser {
  readonly id = 'sherpa-vits' as const;

  private constructor(
    private readonly tts: OfflineTts,
    readonly label: string,
  ) {}

  static async load(options: SherpaTtsOptions = {}): Promise<SherpaTtsSynthesiser> {
    const files = resolveSpeechModel('piper-en-us-lessac-medium', options.modelsDir);
    if (!files)
      throw new SpeechError(
        'SPEECH_MODEL_MISSING',
        `(${SPEECH_MODELS['piper-en-us-lessac-medium'].dir}: npm run models:fetch -- piper-en-us-lessac-medium)`,
      );
    return SherpaTtsSynthesiser.fromConfig(
      { vits: { model: files.model, tokens: files.tokens, dataDir: files.dataDir } },
      'Piper lessac (sherpa-onnx, on-device)',
      options,
    );
  }

  /** Any sherpa `OfflineTtsModelConfig` (without threads/provider). */
  static async fromConfig(
    modelConfig: Record<string, unknown>,
    label: string,
    options: SherpaTtsOptions = {},
  ): Promise<SherpaTtsSynthesiser> {
    const tts = await loadSherpa().OfflineTts.createAsync({
      model: {
        ...modelConfig,
        numThreads: options.threads ?? sherpaThreads(os.availableParallelism()),
        provider: 'cpu',
        debug: 0,
      },
      // One sentence per callback: the first arrives before the whole answer is synthesized.
      maxNumSentences: 1,
    });
    return new SherpaTtsSynthesiser(tts, label);
  }

  async *synthesize(text: string, options: SynthesisOptions = {}): AsyncIterable<SpeechChunk> {
    const words = text.trim();
    if (words === '') return;
    if (options.signal?.aborted) throw new SpeechError('SPEECH_ABORTED');
    const sampleRate = this.tts.sampleRate;
    const queue: SpeechChunk[] = [];
    let wake: (() => void) | undefined;
    // Written from sherpa's callbacks: one object so the loop below re-reads it on every turn.
    const state: { finished: boolean; stopped: boolean; failure: Error | undefined } = {
      finished: false,
      stopped: false,
      failure: undefined,
    };
    const notify = (): void => {
      wake?.();
      wake = undefined;
    };
    const onAbort = (): void => {
      state.stopped = true;
      notify();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    this.tts
      .generateAsync({
        text: words,
        sid: 0,
        speed: options.speed ?? 1,
        enableExternalBuffer: false,
        onProgress: (info) => {
          if (info.samples.length > 0) queue.push({ pcm: floatToPcm16(info.samples), sampleRate });
          notify();
          return state.stopped ? 0 : 1; // 0 tells sherpa to stop generating
        },
      })
      .then(
        () => {
          state.finished = true;
          notify();
        },
        (error: unknown) => {
          state.failure = new SpeechError('SPEECH_BACKEND_FAILED', 'sherpa-onnx TTS.', {
            cause: error,
          });
          state.finished = true;
          notify();
        },
      );
    try {
      for (;;) {
        if (state.stopped) throw new SpeechError('SPEECH_ABORTED');
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (state.failure) throw state.failure;
        if (state.finished) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      state.stopped = true; // a consumer that stops early stops the generation too
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
