import type { ReadableStreamReadResult } from 'node:stream/web';
import type { FastifyBaseLogger } from 'fastify';
import { jsonStrings } from '@voiceassist/contract';
import type { Principal } from '../devices/devices.js';
import { AppError, isAppError } from '../errors.js';
import { classifyElevenLabsError, type TtsProvider } from '../integrations/elevenlabs.js';
import type { Meter } from './metering.js';
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
  readonly outputFormat?: string;
}

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
    // Every string of the request leaves: the text, and the voice and model ids in the URL/body.
    before: (c) => gw.guard.check(p, c.name, 'tts', jsonStrings(req), requestId),
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

interface Held {
  readonly key: string;
  /** The chat request that started it. */
  readonly chatId: string;
  readonly call: Promise<StartedTts>;
  readonly abort: AbortController;
  readonly timer: NodeJS.Timeout;
  readonly onUnclaimed: () => void;
}

const keyOf = (deviceId: string, format: string, text: string): string =>
  `${deviceId}\n${format}\n${text}`;

/**
 * TTS calls the gateway started ahead of the workstation (see SPEAK_AHEAD_HEADER in the
 * contract): when a streamed answer's first cited sentence is complete, the chat route starts
 * its TTS at once instead of waiting for the workstation to receive the sentence, check it and
 * ask for it — one round trip to the workstation less before the first audio. The workstation's
 * `POST /v1/tts/stream` for the identical text, from the same device, in the same format and the
 * provider's default voice and model claims it. A call nobody claims within `holdMs` (the
 * workstation dropped the sentence, or derived a different text) is aborted and metered as
 * cancelled; so is one whose chat request was cancelled (barge-in).
 */
export class SpeakAheadCalls {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly gw: TtsDeps & { readonly meter: Meter },
    private readonly holdMs: number,
  ) {}

  /** How many calls are held now (tests, diagnostics). */
  get size(): number {
    return this.held.size;
  }

  /**
   * Starts speaking `text` (already the exact text the workstation would send) for the chat
   * request `chatId`, unless the PHI guard would find anything in it (then nothing is sent:
   * the workstation's own request is checked and refused as usual) or the same text is held.
   * Returns at once.
   */
  start(p: Principal, chatId: string, text: string, format: string, log: FastifyBaseLogger): void {
    if (this.gw.tts.length === 0) return;
    const key = keyOf(p.deviceId, format, text);
    if (this.held.has(key)) return;
    const abort = new AbortController();
    const requestId = `${chatId}-ahead`;
    // Held at once, started in this turn of the event loop's check phase: after the chat
    // route's write of the sentence has left (Node sends a chunked write on the next tick), and
    // before any request of the workstation's can be read (that is the next poll phase).
    const call = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      if (abort.signal.aborted) throw new AppError('CLIENT_CANCELLED');
      if (Object.keys(this.gw.guard.scan([text])).length > 0) {
        this.forget(key); // never sent; the workstation's own request is refused as usual
        throw new AppError('PHI_BLOCKED');
      }
      return startTts(this.gw, p, { text, outputFormat: format }, requestId, abort.signal, log);
    });
    call.catch(() => undefined); // a failure is the claimer's to handle (it starts its own call)
    const onUnclaimed = () => {
      abort.abort();
      void call.then(
        ({ value, candidate }) => {
          void value.reader.cancel().catch(() => undefined);
          // It answered: healthy (this call may have been a half-open circuit's probe).
          candidate.breaker.success();
          // The provider bills the characters once it produced audio, heard or not.
          return this.gw.meter.record(
            p,
            { requestId, kind: 'tts', provider: candidate.name, outcome: 'CLIENT_CANCELLED' },
            [{ unit: 'character', quantity: text.length }],
          );
        },
        () => undefined,
      );
    };
    const timer = setTimeout(() => this.drop(key), this.holdMs);
    timer.unref();
    this.held.set(key, { key, chatId, call, abort, timer, onUnclaimed });
  }

  /**
   * The held call for this text, handed over (the caller now owns it: reading, metering,
   * aborting through the returned controller), or undefined.
   */
  claim(
    p: Principal,
    req: TtsText,
  ): { call: Promise<StartedTts>; abort: AbortController } | undefined {
    if (req.voiceId !== undefined || req.modelId !== undefined || !req.outputFormat) return;
    const key = keyOf(p.deviceId, req.outputFormat, req.text);
    const h = this.forget(key);
    return h ? { call: h.call, abort: h.abort } : undefined;
  }

  /** The chat request ended without its answer being wanted (cancelled): drop what it started. */
  release(chatId: string): void {
    for (const h of [...this.held.values()]) if (h.chatId === chatId) this.drop(h.key);
  }

  private drop(key: string): void {
    this.forget(key)?.onUnclaimed();
  }

  private forget(key: string): Held | undefined {
    const h = this.held.get(key);
    if (!h) return undefined;
    clearTimeout(h.timer);
    this.held.delete(key);
    return h;
  }
}
