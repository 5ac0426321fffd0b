/**
 * The workstation's ONE provider client: LLM, STT and TTS, all through the sync server's gateway
 * and all through the egress guard (text pseudonymized with the conversation's vault on the way
 * out, restored on the way back; audio only where policy allows). Everything streams, everything
 * takes an AbortSignal (barge-in cancels down to the socket), and every failure becomes a
 * ProviderError with a message for the clinician, within the configured timeouts (~2 s).
 */
import { createHash } from 'node:crypto';
import {
  AFTER_TRANSCRIPT_HEADER,
  SPEAK_AHEAD_HEADER,
  afterTranscriptHeader,
  SPOKEN_AHEAD_HEADER,
  speakAheadHeader,
  speakablePlaceholders,
} from '@voiceassist/contract';
import type { EgressGuard } from '../egress/index.js';
import { authorizationOf, GATEWAY_PROVIDERS, type GatewayConfig } from './config.js';
import { ProviderError, fromGatewayCode, toProviderError, type ProviderKind } from './errors.js';
import { SseParser } from './sse.js';
import { linkedController, within } from './timeouts.js';
import { openSttSession, type SttSession, type SttSessionOptions } from './stt.js';

export { type SttSession } from './stt.js';

export interface ChatMessageIn {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string;
  readonly tool_call_id?: string;
}

export type ChatEvent =
  | { readonly type: 'text'; readonly text: string }
  | {
      readonly type: 'tool_call';
      readonly index: number;
      readonly id?: string;
      readonly name?: string;
      /** A fragment of the arguments JSON, pseudonymized: restore once complete. */
      readonly arguments: string;
    }
  | { readonly type: 'finish'; readonly reason: string };

export interface ChatRequest {
  readonly conversationId: string;
  readonly messages: readonly ChatMessageIn[];
  readonly tools?: readonly Record<string, unknown>[];
  readonly temperature?: number;
  readonly maxTokens?: number;
  /**
   * The answer will be spoken and its prompt numbers this many passages: the gateway may start
   * TTS for the first cited sentence itself (SPEAK_AHEAD_HEADER), saving a round trip to the
   * workstation before the first audio. The `tts` call for that sentence then picks it up.
   */
  readonly speakAheadPassages?: number;
  readonly signal?: AbortSignal;
}

/** A chat request ready to send: pseudonymized, serialized (see GatewayClient.prepareChat). */
export interface PreparedChat {
  readonly conversationId: string;
  readonly body: string;
  readonly speakAheadPassages?: number;
}

export interface TtsRequest {
  readonly conversationId: string;
  /** Clear text; pseudonymized here (placeholders are spoken as neutral words). */
  readonly text: string;
  readonly signal?: AbortSignal;
}

export interface TtsStream {
  readonly sampleRate: number;
  /** The gateway had started this text's TTS before the request (speak-ahead). */
  readonly spokenAhead: boolean;
  /** PCM16 LE mono chunks as they arrive (whole samples). */
  readonly chunks: AsyncIterable<Uint8Array>;
}

/**
 * A chat sent while STT still finalizes (see `streamChat`): the gateway forwards it only when the
 * turn's final transcript is `transcript` (compared by hash; the text is not sent).
 */
export interface AfterTranscript {
  /** The STT stream's id at the gateway (`SttSession.turnId`). */
  readonly turnId: string;
  /** The transcript the chat was prepared for, in clear (hashed here, never sent). */
  readonly transcript: string;
}

/** Connections to the gateway are kept 60 s; after this long without a request, open new ones. */
const PRECONNECT_IF_IDLE_MS = 20_000;

export const TTS_OUTPUT_FORMAT = 'pcm_24000';
export const TTS_SAMPLE_RATE = 24_000;

async function errorFrom(res: Response, kind: ProviderKind): Promise<ProviderError> {
  let code: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: unknown } };
    code = body.error?.code;
  } catch {
    code = undefined; // not the gateway's JSON (a proxy?): classify by status
  }
  return fromGatewayCode(code, kind, res.status);
}

export class GatewayClient {
  constructor(
    private readonly guard: EgressGuard,
    readonly config: GatewayConfig,
  ) {}

  private url(path: string): string {
    return `${this.config.serverUrl}${path}`;
  }

  /** Nobody signed in (or locked): refused here, as the gateway would (AUTH_REQUIRED). */
  private async headers(json: boolean, kind: ProviderKind): Promise<Record<string, string>> {
    let authorization: string;
    try {
      authorization = await authorizationOf(this.config);
    } catch (cause) {
      throw new ProviderError('AUTH_REQUIRED', kind, { status: 401, cause });
    }
    return { authorization, ...(json ? { 'content-type': 'application/json' } : {}) };
  }

  /**
   * Called when the key goes down: makes sure two connections to the gateway are open by the time
   * the turn's LLM request and, while the answer still streams, its first TTS request are sent,
   * so neither waits for a TCP and TLS handshake (idle connections close after a minute, and a
   * clinician's turns are often further apart). `GET /health`, no content; skipped when the
   * gateway was used in the last PRECONNECT_IF_IDLE_MS (its connections are still open).
   */
  preconnect(): Promise<void> {
    return this.guard.preconnect(
      GATEWAY_PROVIDERS.llm,
      this.url('/health'),
      2,
      PRECONNECT_IF_IDLE_MS,
    );
  }

  /** Pseudonymizes a question into the conversation's vault (the PHI stage of a turn). */
  async prepareQuestion(conversationId: string, text: string): Promise<string> {
    const prepared = await this.guard.prepareText({
      provider: GATEWAY_PROVIDERS.llm,
      conversationId,
      text,
    });
    return prepared.text;
  }

  /** Maps pseudonyms in a provider's answer back to the clinician's identifiers. */
  restore(conversationId: string, text: string): Promise<string> {
    return this.guard.restoreText({ conversationId, text });
  }

  /**
   * `POST /v1/llm/chat`: message contents are pseudonymized, the SSE stream is yielded as text
   * deltas (still pseudonymized: restore whole sentences, placeholders may span deltas), tool
   * calls pass through. The first token must arrive within `llmFirstTokenMs`.
   */
  async *chat(req: ChatRequest): AsyncGenerator<ChatEvent> {
    let prepared: PreparedChat;
    try {
      prepared = await this.prepareChat(req);
    } catch (err) {
      throw toProviderError(err, 'llm', req.signal);
    }
    yield* this.streamChat(prepared, req.signal);
  }

  /**
   * The request body of a chat, its messages pseudonymized: everything before the request that
   * depends only on the messages, so a caller can do it ahead (while STT finalizes) and send later.
   */
  async prepareChat(req: Omit<ChatRequest, 'signal'>): Promise<PreparedChat> {
    const messages = [];
    for (const m of req.messages) {
      const prepared = await this.guard.prepareText({
        provider: GATEWAY_PROVIDERS.llm,
        conversationId: req.conversationId,
        text: m.content,
      });
      messages.push({ ...m, content: prepared.text });
    }
    const body = JSON.stringify({
      messages,
      stream: true,
      ...(req.tools ? { tools: req.tools } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.maxTokens !== undefined ? { max_tokens: req.maxTokens } : {}),
    });
    return {
      conversationId: req.conversationId,
      body,
      ...(req.speakAheadPassages ? { speakAheadPassages: req.speakAheadPassages } : {}),
    };
  }

  /**
   * Sends a prepared chat (the egress guard still checks the body) and streams its events. With
   * `after`, it is sent while STT is still finalizing: the gateway holds it until the turn's final
   * transcript is in and forwards it only if that is the one it was prepared for (else the stream
   * fails with TRANSCRIPT_CHANGED before any event), so it leaves for the provider without
   * waiting for the transcript to reach the workstation and the request to come back.
   */
  async *streamChat(
    chat: PreparedChat,
    signal?: AbortSignal,
    after?: AfterTranscript,
  ): AsyncGenerator<ChatEvent> {
    const { controller, dispose } = linkedController(signal);
    const kind = 'llm';
    const t = this.config.timeouts;
    const { body, speakAheadPassages: passages } = chat;
    try {
      const headers = await this.headers(true, kind);
      if (passages)
        headers[SPEAK_AHEAD_HEADER] = speakAheadHeader({ passages, format: TTS_OUTPUT_FORMAT });
      if (after)
        headers[AFTER_TRANSCRIPT_HEADER] = afterTranscriptHeader({
          turn: after.turnId,
          sha256: createHash('sha256').update(after.transcript, 'utf8').digest('base64url'),
        });
      const res = await within(
        this.guard.fetch(
          GATEWAY_PROVIDERS.llm,
          this.url('/v1/llm/chat'),
          { method: 'POST', headers, body, signal: controller.signal },
          { conversationId: chat.conversationId },
        ),
        after ? t.sttFinalizeMs + t.llmFirstTokenMs : t.llmFirstTokenMs,
        controller,
        'GATEWAY_TIMEOUT',
        kind,
      );
      if (!res.ok || !res.body) throw await errorFrom(res, kind);
      const reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader();
      const sse = new SseParser();
      for (;;) {
        const { done, value } = await within(
          reader.read(),
          t.idleMs,
          controller,
          'PROVIDER_TIMEOUT',
          kind,
        );
        if (done) throw new ProviderError('PROVIDER_STREAM_BROKEN', kind);
        for (const data of sse.push(value)) {
          if (data === '[DONE]') return;
          const event = parseChunk(data);
          if (event.error !== undefined) throw fromGatewayCode(event.error, kind);
          yield* event.events;
        }
      }
    } catch (err) {
      throw toProviderError(err, kind, controller.signal);
    } finally {
      controller.abort(new ProviderError('ABORTED', kind)); // no-op when the stream completed
      dispose();
    }
  }

  /**
   * `POST /v1/tts/stream`: the text is pseudonymized (placeholders become neutral words), audio
   * comes back as PCM16 at TTS_SAMPLE_RATE. First byte within `ttsFirstByteMs`.
   */
  async tts(req: TtsRequest): Promise<TtsStream> {
    const { controller, dispose } = linkedController(req.signal);
    const kind = 'tts';
    const t = this.config.timeouts;
    try {
      const prepared = await this.guard.prepareText({
        provider: GATEWAY_PROVIDERS.tts,
        conversationId: req.conversationId,
        text: req.text,
      });
      const body = JSON.stringify({
        text: speakablePlaceholders(prepared.text),
        outputFormat: TTS_OUTPUT_FORMAT,
      });
      const res = await within(
        this.guard.fetch(
          GATEWAY_PROVIDERS.tts,
          this.url('/v1/tts/stream'),
          {
            method: 'POST',
            headers: await this.headers(true, kind),
            body,
            signal: controller.signal,
          },
          { conversationId: req.conversationId },
        ),
        t.ttsFirstByteMs,
        controller,
        'GATEWAY_TIMEOUT',
        kind,
      );
      if (!res.ok || !res.body) throw await errorFrom(res, kind);
      const reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader();
      const call = {
        requestId: res.headers.get('x-request-id'),
        conversationId: req.conversationId,
      };
      return {
        sampleRate: TTS_SAMPLE_RATE,
        spokenAhead: res.headers.get(SPOKEN_AHEAD_HEADER) === '1',
        chunks: this.ttsChunks(reader, controller, dispose, call),
      };
    } catch (err) {
      controller.abort(new ProviderError('ABORTED', kind));
      dispose();
      throw toProviderError(err, kind, controller.signal);
    }
  }

  private async *ttsChunks(
    reader: ReadableStreamDefaultReader<Uint8Array>,
    controller: AbortController,
    dispose: () => void,
    call: { requestId: string | null; conversationId: string },
  ): AsyncGenerator<Uint8Array> {
    const kind = 'tts';
    let odd: number | undefined; // a sample split across chunks
    try {
      for (;;) {
        const { done, value } = await within(
          reader.read(),
          this.config.timeouts.idleMs,
          controller,
          'PROVIDER_TIMEOUT',
          kind,
        );
        if (done) return;
        let bytes = value;
        if (odd !== undefined) {
          const joined = new Uint8Array(bytes.length + 1);
          joined[0] = odd;
          joined.set(bytes, 1);
          bytes = joined;
          odd = undefined;
        }
        if (bytes.length % 2 === 1) {
          odd = bytes[bytes.length - 1];
          bytes = bytes.subarray(0, bytes.length - 1);
        }
        if (bytes.length > 0) yield bytes;
      }
    } catch (err) {
      if (controller.signal.aborted) throw toProviderError(err, kind, controller.signal);
      // The gateway breaks the connection when the provider fails mid-stream; it keeps the coded
      // reason under the request id.
      throw await this.ttsFailure(call, err);
    } finally {
      controller.abort(new ProviderError('ABORTED', kind));
      dispose();
    }
  }

  /** Why a TTS stream broke off: `GET /v1/calls/:id`, else PROVIDER_STREAM_BROKEN. */
  private async ttsFailure(
    call: { requestId: string | null; conversationId: string },
    cause: unknown,
  ): Promise<ProviderError> {
    const kind = 'tts';
    const broken = new ProviderError('PROVIDER_STREAM_BROKEN', kind, { cause });
    if (!call.requestId) return broken;
    try {
      const res = await this.guard.fetch(
        GATEWAY_PROVIDERS.tts,
        this.url(`/v1/calls/${encodeURIComponent(call.requestId)}`),
        {
          headers: await this.headers(false, kind),
          signal: AbortSignal.timeout(this.config.timeouts.idleMs),
        },
        { conversationId: call.conversationId },
      );
      if (!res.ok) return broken;
      const status = (await res.json()) as { error?: { code?: unknown } };
      const code = status.error?.code;
      return code === undefined ? broken : fromGatewayCode(code, kind);
    } catch {
      return broken; // the server is unreachable too: the stream still broke
    }
  }

  /** `GET /v1/stt/live`: a live transcription session (see stt.ts). */
  openStt(options: Omit<SttSessionOptions, 'guard' | 'config'>): SttSession {
    return openSttSession({ ...options, guard: this.guard, config: this.config });
  }
}

interface ParsedChunk {
  readonly events: ChatEvent[];
  readonly error?: unknown;
}

interface ChunkShape {
  error?: { code?: unknown };
  choices?: {
    delta?: {
      content?: string | null;
      tool_calls?: {
        index?: number;
        id?: string;
        function?: { name?: string; arguments?: string };
      }[];
    };
    finish_reason?: string | null;
  }[];
}

function parseChunk(data: string): ParsedChunk {
  let chunk: ChunkShape;
  try {
    chunk = JSON.parse(data) as ChunkShape;
  } catch {
    return { events: [], error: 'PROVIDER_STREAM_BROKEN' };
  }
  if (chunk.error) return { events: [], error: chunk.error.code ?? 'PROVIDER_ERROR' };
  const events: ChatEvent[] = [];
  for (const choice of chunk.choices ?? []) {
    const content = choice.delta?.content;
    if (content) events.push({ type: 'text', text: content });
    for (const call of choice.delta?.tool_calls ?? [])
      events.push({
        type: 'tool_call',
        index: call.index ?? 0,
        ...(call.id ? { id: call.id } : {}),
        ...(call.function?.name ? { name: call.function.name } : {}),
        arguments: call.function?.arguments ?? '',
      });
    if (choice.finish_reason) events.push({ type: 'finish', reason: choice.finish_reason });
  }
  return { events };
}
