import type { ReadableStreamReadResult } from 'node:stream/web';
import type { FastifyBaseLogger } from 'fastify';
import { jsonStrings, type TtsOutputFormat } from '@voiceassist/contract';
import type { Principal } from '../devices/devices.js';
import { AppError, isAppError } from '../errors.js';
import { classifyElevenLabsError, type TtsProvider } from '../integrations/elevenlabs.js';
import type { PhiGuard } from './phi-guard.js';
import { startCall, within, type Candidate } from './resilience.js';

/** A TTS provider call whose first chunk has arrived. */
export interface TtsCall {
  readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly first: ReadableStreamReadResult<Uint8Array>;
  /** Aborts the provider request. */
  readonly abort: AbortController;
}

export interface StartedTts {
  readonly value: TtsCall;
  readonly candidate: Candidate<TtsProvider>;
  readonly format: string;
}

export interface TtsDeps {
  readonly tts: readonly Candidate<TtsProvider>[];
  readonly guard: PhiGuard;
  readonly timeoutMs: number;
}

export interface TtsText {
  readonly text: string;
  readonly voiceId?: string;
  readonly modelId?: string;
  readonly outputFormat?: TtsOutputFormat;
}

const freeText = ({ text, voiceId, modelId }: TtsText) => ({ text, voiceId, modelId });

/**
 * Starts a TTS call (PHI guard, primary then fallback, retry before the first byte) and waits for
 * its first chunk. `signal` aborts it; `onGuarded` marks the end of the guard for Server-Timing.
 */
export function startTts(
  gw: TtsDeps,
  p: Principal,
  req: TtsText,
  requestId: string,
  signal: AbortSignal,
  log: FastifyBaseLogger,
  onGuarded: () => void = () => undefined,
): Promise<StartedTts> {
  let format = '';
  return startCall({
    candidates: gw.tts,
    // Every free string of the request leaves: the text, and the voice and model ids in the
    // URL/body. The output format is a member of a closed list (TTS_OUTPUT_FORMATS, checked by
    // the schema): no free text, and its digits ("pcm_24000") would read as an identifier.
    before: (c) => gw.guard.check(p, c.name, 'tts', jsonStrings(freeText(req)), requestId),
    start: async (c) => {
      onGuarded();
      const d = c.provider.defaults;
      format = req.outputFormat ?? d.outputFormat;
      const attempt = new AbortController();
      const abort = () => attempt.abort();
      signal.addEventListener('abort', abort, { once: true });
      if (signal.aborted) abort();
      const body = await within(
        c.provider.stream(
          {
            text: req.text,
            voiceId: req.voiceId ?? d.voiceId,
            modelId: req.modelId ?? d.modelId,
            outputFormat: format,
          },
          attempt.signal,
        ),
        gw.timeoutMs,
        abort,
      );
      const reader = body.getReader();
      const first = await within(reader.read(), gw.timeoutMs, abort).catch((e: unknown) => {
        if (isAppError(e)) throw e;
        throw new AppError('PROVIDER_STREAM_BROKEN', 'The provider stream broke off.', {
          cause: e,
        });
      });
      return { reader, first, abort: attempt };
    },
    classify: classifyElevenLabsError,
    signal,
    onFailure: (c, k) => log.warn({ provider: c.name, code: k.code }, 'tts provider failed'),
  }).then(({ value, candidate }) => ({ value, candidate, format }));
}
