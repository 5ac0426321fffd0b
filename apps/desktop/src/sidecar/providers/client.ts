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
  CHAT_STREAM_DONE,
  ChatCompletionChunk,
  GATEWAY_PATHS,
  GatewayError,
  ProvidersResponse,
  afterTranscriptHeader,
  type ChatRequest as GatewayChatRequest,
  type ChatTool,
} from '@voiceassist/contract';
import { Value } from 'typebox/value';
import type { EgressGuard, TextPart } from '../egress/index.js';
import { GATEWAY_PROVIDERS, type GatewayConfig } from './config.js';
import { ProviderError, fromGatewayCode, toProviderError, type ProviderKind } from './errors.js';
import { errorFrom, gatewayHeaders, gatewayUrl } from './gateway-http.js';
import { SseParser } from './sse.js';
import { openTts, type TtsRequest, type TtsStream } from './tts.js';
import { linkedController, within } from './timeouts.js';
import { openSttSession, type SttSession, type SttSessionOptions } from './stt.js';

export { type SttSession } from './stt.js';
export { TTS_OUTPUT_FORMAT, TTS_SAMPLE_RATE, type TtsRequest, type TtsStream } from './tts.js';

export interface ChatMessageIn {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string;
  readonly tool_call_id?: string;
  /**
   * The content as the parts it was built from (instructions, source passages with their stored
   * identifier spans, the clinician's words): pseudonymized part by part (EgressGuard.prepareParts).
   * Their texts joined must equal `content`.
   */
  readonly parts?: readonly TextPart[];
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
  /** Function tools as the gateway's contract takes them (it refuses anything else). */
  readonly tools?: readonly ChatTool[];
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly signal?: AbortSignal;
}

/** A chat request ready to send: pseudonymized, serialized (see GatewayClient.prepareChat). */
export interface PreparedChat {
  readonly conversationId: string;
  readonly body: string;
  /** The message contents exactly as they leave (pseudonymized), for the turn's privacy record. */
  readonly outbound: readonly string[];
  /** Identifiers replaced in them, by type. */
  readonly counts: Readonly<Record<string, number>>;
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

export class GatewayClient {
  constructor(
    private readonly guard: EgressGuard,
    readonly config: GatewayConfig,
  ) {}

  private url(path: string): string {
    return gatewayUrl(this.config, path);
  }

  private headers(json: boolean, kind: ProviderKind): Promise<Record<string, string>> {
    return gatewayHeaders(this.config, json, kind);
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
      this.url(GATEWAY_PATHS.health),
      2,
      PRECONNECT_IF_IDLE_MS,
    );
  }

  /**
   * `GET /v1/providers`: which of LLM, STT and TTS the server relays to and their circuit state
   * (names only, never keys). Within the connect timeout; failures are ProviderErrors.
   */
  async providers(signal?: AbortSignal): Promise<ProvidersResponse> {
    const { controller, dispose } = linkedController(signal);
    const kind = 'llm';
    // Alongside it, a second connection: a turn in the next minute finds the two it needs open
    // (`preconnect` skips them when the gateway was used in the last 20 s, as it is now).
    void this.guard.preconnect(GATEWAY_PROVIDERS.llm, this.url(GATEWAY_PATHS.health), 1);
    try {
      const res = await within(
        this.guard.fetch(GATEWAY_PROVIDERS.llm, this.url(GATEWAY_PATHS.providers), {
          headers: await this.headers(false, kind),
          signal: controller.signal,
        }),
        this.config.timeouts.connectMs,
        controller,
        'GATEWAY_TIMEOUT',
        kind,
      );
      if (!res.ok) throw await errorFrom(res, kind);
      const body: unknown = await res.json();
      if (!Value.Check(ProvidersResponse, body)) throw new ProviderError('BAD_RESPONSE', kind);
      return body;
    } catch (err) {
      throw toProviderError(err, kind, controller.signal);
    } finally {
      dispose();
    }
  }

  /** Pseudonymizes a question into the conversation's vault (the PHI stage of a turn). */
  async prepareQuestion(
    conversationId: string,
    text: string,
  ): Promise<{ readonly text: string; readonly counts: Readonly<Record<string, number>> }> {
    const prepared = await this.guard.prepareText({
      provider: GATEWAY_PROVIDERS.llm,
      conversationId,
      text,
    });
    return { text: prepared.text, counts: prepared.counts };
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
    const counts: Record<string, number> = {};
    for (const { parts, ...m } of req.messages) {
      const target = { provider: GATEWAY_PROVIDERS.llm, conversationId: req.conversationId };
      // Parts that do not add up to the content are ignored: the content is scanned whole.
      const whole = parts?.map((p) => p.text).join('') === m.content ? parts : undefined;
      const prepared = whole
        ? await this.guard.prepareParts({ ...target, parts: whole })
        : await this.guard.prepareText({ ...target, text: m.content });
      for (const [t, n] of Object.entries(prepared.counts)) counts[t] = (counts[t] ?? 0) + n;
      messages.push({ ...m, content: prepared.text });
    }
    const request: GatewayChatRequest = {
      messages,
      stream: true,
      ...(req.tools ? { tools: [...req.tools] } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.maxTokens !== undefined ? { max_tokens: req.maxTokens } : {}),
    };
    const body = JSON.stringify(request);
    return {
      conversationId: req.conversationId,
      body,
      outbound: messages.map((m) => m.content),
      counts,
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
    const { body } = chat;
    try {
      const headers = await this.headers(true, kind);
      if (after)
        headers[AFTER_TRANSCRIPT_HEADER] = afterTranscriptHeader({
          turn: after.turnId,
          // Salted with the turn id (see AFTER_TRANSCRIPT_HEADER): the gateway shares only this.
          sha256: createHash('sha256')
            .update(`${after.turnId}\n${after.transcript}`, 'utf8')
            .digest('base64url'),
        });
      const res = await within(
        this.guard.fetch(
          GATEWAY_PROVIDERS.llm,
          this.url(GATEWAY_PATHS.llmChat),
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
          if (data === CHAT_STREAM_DONE) return;
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
   * comes back as PCM16 at TTS_SAMPLE_RATE (tts.ts). First byte within `ttsFirstByteMs`.
   */
  tts(req: TtsRequest): Promise<TtsStream> {
    return openTts(this.guard, this.config, req);
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

/** One SSE `data:` payload: a chunk's events, or the gateway's in-band error. */
function parseChunk(data: string): ParsedChunk {
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    return { events: [], error: 'PROVIDER_STREAM_BROKEN' };
  }
  if (Value.Check(GatewayError, chunk)) return { events: [], error: chunk.error.code };
  if (!Value.Check(ChatCompletionChunk, chunk))
    return { events: [], error: 'PROVIDER_STREAM_BROKEN' };
  const events: ChatEvent[] = [];
  for (const choice of chunk.choices) {
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
