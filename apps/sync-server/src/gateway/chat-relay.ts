import type { FastifyBaseLogger } from 'fastify';
import { jsonStrings, type AfterTranscript, type ChatRequest } from '@voiceassist/contract';
import type { Principal } from '../devices/devices.js';
import { AppError, errorBody, isAppError, type ErrorCode } from '../errors.js';
import {
  classifyOpenAiError,
  type ChatBatch,
  type ChatCompletionChunk,
  type ChatSseReader,
  type LlmProvider,
} from '../integrations/openai.js';
import type { CallRegistry } from './calls.js';
import { providerChatBody } from './chat-body.js';
import type { FinalTranscripts } from './final-transcripts.js';
import { estimateTokens, IdleWatchdog, type FirstByteTimings } from './http.js';
import type { Meter, UsageItem } from './metering.js';
import type { PhiGuard } from './phi-guard.js';
import { classifyError, startCall, within, type Candidate } from './resilience.js';

export type ChatRelayDeps = Readonly<{
  llm: readonly Candidate<LlmProvider>[];
  guard: PhiGuard;
  meter: Meter;
  calls: CallRegistry;
  transcripts: FinalTranscripts;
  timeoutMs: number;
}>;

/** Where the relayed stream goes (the route's HTTP response). */
export interface ChatSink {
  /** The stream starts: status 200 and these headers go out (nothing can be refused after). */
  open(headers: Readonly<Record<string, string>>): void;
  /** Writes with back-pressure; false when the client has gone. */
  write(text: string): Promise<boolean>;
  /** Ends the stream with this last event, unless the client has gone. */
  end(text: string): void;
  readonly gone: boolean;
}

export type ChatCall = Readonly<{
  principal: Principal;
  requestId: string;
  request: ChatRequest;
  /** Prepared while STT finalized: sent on only for this final transcript. */
  after: AfterTranscript | undefined;
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
  log: FastifyBaseLogger;
  timings: FirstByteTimings;
}>;

type Started = Readonly<{
  reader: ChatSseReader;
  first: ChatBatch | null;
  abort: AbortController;
  candidate: Candidate<LlmProvider>;
  inputChars: number;
}>;

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

/**
 * The chat relay: an OpenAI chat-completions request in, the provider's SSE chunks out. What
 * leaves for the provider is built from an allow-list (chat-body.ts) and every string of it is
 * scanned by the PHI guard; the call goes to the primary or the fallback (startCall), is metered
 * from its first byte to its end, and a failure after the first byte ends the stream with a coded
 * error event instead of `[DONE]`.
 */
export class ChatRelay {
  constructor(private readonly gw: ChatRelayDeps) {}

  /** Throws coded errors until the stream opens; after that, failures arrive in-band. */
  async relay(call: ChatCall, sink: ChatSink): Promise<void> {
    const started = await this.start(call);
    await this.stream(call, started, sink);
  }

  private async start(call: ChatCall): Promise<Started> {
    const { gw } = this;
    const { principal: p, requestId, signal, timings } = call;
    const body = providerChatBody(call.request);
    const texts = jsonStrings(body);
    const inputChars = texts.reduce((n, t) => n + t.length, 0);
    if (call.after) {
      gw.guard.scan(texts); // while waiting: the guard's check below then finds them known
      // The hash of the turn's final transcript, from whichever server process relayed the stream.
      const final = await gw.transcripts.wait(p.deviceId, call.after.turn, gw.timeoutMs);
      if (signal.aborted) throw new AppError('CLIENT_CANCELLED'); // barge-in meanwhile
      if (final === undefined || final !== call.after.sha256)
        throw new AppError('TRANSCRIPT_CHANGED');
      timings.mark('transcript');
    }
    let tried: Candidate<LlmProvider> | undefined;
    try {
      const { value, candidate } = await startCall({
        candidates: gw.llm,
        signal,
        before: (c) => gw.guard.check(p, c.name, 'llm', texts, requestId),
        start: async (c) => {
          tried = c;
          timings.mark('guard');
          const attempt = new AbortController();
          const abort = () => attempt.abort();
          signal.addEventListener('abort', abort, { once: true });
          if (signal.aborted) abort();
          const reader = await within(c.provider.stream(body, attempt.signal), gw.timeoutMs, abort);
          const first = await within(reader.next(), gw.timeoutMs, abort);
          return { reader, first, abort: attempt };
        },
        classify: classifyOpenAiError,
        onFailure: (c, k) =>
          call.log.warn({ provider: c.name, code: k.code }, 'llm provider failed'),
      });
      return { ...value, candidate, inputChars };
    } catch (e) {
      if (tried && isAppError(e) && e.code === 'CLIENT_CANCELLED') {
        // Hung up before the first token: the provider had the prompt, nothing was delivered.
        await gw.meter.record(
          p,
          { requestId, kind: 'llm', provider: tried.name, outcome: 'CLIENT_CANCELLED' },
          [
            { unit: 'input_token', quantity: estimateTokens(inputChars) },
            { unit: 'output_token', quantity: 0 },
          ],
        );
      }
      throw e;
    }
  }

  private async stream(call: ChatCall, s: Started, sink: ChatSink): Promise<void> {
    const { gw } = this;
    const { principal: p, requestId, signal, log } = call;
    const { candidate, reader } = s;
    call.timings.mark('provider');
    sink.open({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      'x-request-id': requestId,
      'x-voiceassist-provider': candidate.name,
      'server-timing': call.timings.header(),
    });
    gw.calls.begin(requestId, p, 'llm', candidate.name);
    const ref = { requestId, kind: 'llm' as const, provider: candidate.name };
    let delivered = 0;
    let usage: ChatCompletionChunk['usage'] = undefined;
    const items = (): UsageItem[] => [
      { unit: 'input_token', quantity: usage?.prompt_tokens ?? estimateTokens(s.inputChars) },
      { unit: 'output_token', quantity: usage?.completion_tokens ?? estimateTokens(delivered) },
    ];
    gw.meter.begin(p, ref, items());
    let finished = false;
    let failure: ErrorCode | undefined;
    let batch: ChatBatch | null = s.first;
    // One idle timer per stream (not a timer and a Promise.race per chunk).
    const idle = new IdleWatchdog(gw.timeoutMs, () => s.abort.abort());
    try {
      while (batch) {
        for (const chunk of batch.chunks) {
          if (chunk.usage) usage = chunk.usage;
          for (const ch of chunk.choices) {
            delivered += ch.delta.content?.length ?? 0;
            for (const t of ch.delta.tool_calls ?? [])
              delivered += t.function?.arguments?.length ?? 0;
            if (ch.finish_reason) finished = true;
          }
        }
        // The provider's event text as it came: no re-serialisation per chunk.
        const wrote = batch.text === '' ? true : await sink.write(batch.text);
        if (!wrote) break; // client left
        gw.meter.progress(requestId, items());
        if (batch.done) break;
        batch = await reader.next();
        idle.touch();
      }
      if (signal.aborted || sink.gone) failure = 'CLIENT_CANCELLED';
      else if (!finished)
        throw new AppError(
          'PROVIDER_STREAM_BROKEN',
          'The provider stream ended without a finish reason.',
        );
      else candidate.breaker.success();
    } catch (e) {
      failure = this.streamFailure(e, signal, idle, candidate, log);
    } finally {
      idle.stop();
    }
    if (failure) s.abort.abort(); // stop paying for tokens nobody will read
    reader.cancel();
    gw.calls.end(requestId, failure ?? 'ok');
    sink.end(failure ? sse(errorBody(failure)) : 'data: [DONE]\n\n');
    await gw.meter.record(p, { ...ref, outcome: failure ?? 'ok' }, items());
  }

  /** What ended a started stream, charged to the provider only when it is the provider's doing. */
  private streamFailure(
    e: unknown,
    signal: AbortSignal,
    idle: IdleWatchdog,
    candidate: Candidate<LlmProvider>,
    log: FastifyBaseLogger,
  ): ErrorCode {
    if (signal.aborted) return 'CLIENT_CANCELLED'; // our abort, not the provider's fault
    if (idle.fired) {
      candidate.breaker.failure();
      log.warn({ provider: candidate.name, code: 'PROVIDER_TIMEOUT' }, 'llm stream failed');
      return 'PROVIDER_TIMEOUT';
    }
    const k = classifyError(e, classifyOpenAiError);
    const code: ErrorCode = k.code === 'PROVIDER_ERROR' ? 'PROVIDER_STREAM_BROKEN' : k.code;
    if (k.provider) {
      candidate.breaker.failure();
      log.warn({ provider: candidate.name, code }, 'llm stream failed');
    } else log.error({ provider: candidate.name, code, name: (e as Error).name }, 'relay failed');
    return code;
  }
}
