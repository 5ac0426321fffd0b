import type { ReadableStreamReadResult } from 'node:stream/web';
import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { OpenAiConfig } from '../config.js';
import { AppError } from '../errors.js';
import type { ProviderChatBody } from '../gateway/chat-body.js';
import type { Classified } from '../gateway/resilience.js';

export type { ChatCompletionChunk };

export type LlmProvider = Readonly<{
  name: string;
  model: string;
  /** Resolves once the provider answered with a stream (headers received). */
  stream: (body: ProviderChatBody, signal: AbortSignal) => Promise<ChatSseReader>;
  /** The API's base URL (the gateway opens a connection to it when a turn starts). */
  baseUrl: string;
}>;

/** Any OpenAI-compatible server (OpenAI, Azure OpenAI's /openai/v1, vLLM, Ollama) via the SDK. */
export function openAiProvider(
  name: string,
  cfg: OpenAiConfig,
  timeoutMs: number,
  fetch?: typeof globalThis.fetch,
): LlmProvider {
  // Retries are the gateway's decision (only before the stream starts), never the SDK's.
  const client = new OpenAI({
    baseURL: cfg.baseURL,
    apiKey: cfg.apiKey,
    maxRetries: 0,
    timeout: timeoutMs,
    ...(fetch ? { fetch } : {}),
  });
  return {
    name,
    model: cfg.model,
    baseUrl: cfg.baseURL,
    stream: async (body, signal) => {
      // `body` is the allow-listed, guarded provider body (chat-body.ts); the server adds only
      // its own settings.
      const params = {
        ...body,
        model: cfg.model,
        stream: true,
        stream_options: { include_usage: true },
      } as ChatCompletionCreateParamsStreaming;
      // The SDK makes the call (auth, base URL, HTTP errors as APIError, connect timeout); the
      // body is relayed as the provider's own SSE text, checked event by event, instead of being
      // parsed into objects by the SDK and serialised again for every chunk.
      const res = await client.chat.completions.create(params, { signal }).asResponse();
      if (!res.body) throw new AppError('PROVIDER_STREAM_BROKEN', 'The provider sent no body.');
      return new ChatSseReader(res.body.getReader());
    },
  };
}

/**
 * Coded classification of what the SDK threw: connection failures, timeouts, 429 and 5xx are the
 * provider's; any other status means it refused the request; anything else is our own failure
 * (the SDK could not build or send the request), never the provider's.
 */
export function classifyOpenAiError(e: unknown): Classified {
  if (e instanceof OpenAI.APIConnectionTimeoutError)
    return { code: 'PROVIDER_TIMEOUT', retryable: false, provider: true };
  if (e instanceof OpenAI.APIConnectionError)
    return { code: 'PROVIDER_ERROR', retryable: true, provider: true };
  if (e instanceof OpenAI.APIError && !(e instanceof OpenAI.APIUserAbortError)) {
    const status: unknown = e.status;
    if (typeof status === 'number') {
      const theirs = status === 429 || status >= 500;
      return { code: 'PROVIDER_ERROR', retryable: theirs, provider: theirs, status };
    }
  }
  return { code: 'INTERNAL', retryable: false, provider: false };
}

/** One read's worth of complete, checked SSE events from the provider. */
export type ChatBatch = {
  /** The events re-framed as `data: …\n\n` with the provider's JSON text unchanged. */
  text: string;
  chunks: ChatCompletionChunk[];
  /** The provider sent `data: [DONE]`. */
  done: boolean;
};

/**
 * Reads a chat-completions SSE body and returns each read's complete events, each one's JSON
 * checked (a malformed event or an in-band `error` ends the stream as PROVIDER_STREAM_BROKEN;
 * the events before it in the same read are still returned first). `null` = the body ended.
 */
export class ChatSseReader {
  private readonly decoder = new TextDecoder();
  private buf = '';
  private failure: AppError | undefined;
  private finished = false;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async next(): Promise<ChatBatch | null> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.finished) return null;
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        read = await this.reader.read();
      } catch (e) {
        // The connection broke (or was aborted: the caller knows whether it aborted it).
        throw new AppError('PROVIDER_STREAM_BROKEN', 'The provider stream broke off.', {
          cause: e,
        });
      }
      const { done, value } = read;
      if (done) {
        this.finished = true;
        if (this.buf.trim() !== '') throw this.broken('The provider stream ended mid-event.');
        return null;
      }
      this.buf += this.decoder.decode(value, { stream: true });
      const batch = this.parse();
      if (batch) return batch;
    }
  }

  cancel(): void {
    this.reader.cancel().catch(() => undefined);
  }

  private broken(message: string): AppError {
    return new AppError('PROVIDER_STREAM_BROKEN', message);
  }

  private parse(): ChatBatch | null {
    let text = '';
    const chunks: ChatCompletionChunk[] = [];
    let done = false;
    // CRLF framing is allowed by SSE; a CR split from its LF waits in the buffer for the next read.
    if (this.buf.includes('\r\n')) this.buf = this.buf.replaceAll('\r\n', '\n');
    const buf = this.buf;
    let pos = 0;
    for (;;) {
      const end = buf.indexOf('\n\n', pos);
      if (end < 0) break;
      const data =
        buf.startsWith('data: ', pos) && buf.indexOf('\n', pos) === end
          ? buf.slice(pos + 6, end) // the usual one-line event
          : dataOf(buf.slice(pos, end));
      pos = end + 2;
      if (data === '') continue; // comments, keep-alives
      if (data === '[DONE]') {
        done = true;
        this.finished = true;
        break;
      }
      let chunk: (ChatCompletionChunk & { error?: unknown }) | null;
      try {
        chunk = JSON.parse(data) as (ChatCompletionChunk & { error?: unknown }) | null;
      } catch {
        this.failure = this.broken('The provider sent a malformed stream event.');
        break;
      }
      if (typeof chunk !== 'object' || chunk === null || chunk.error !== undefined) {
        this.failure = this.broken('The provider reported an error mid-stream.');
        break;
      }
      if (!Array.isArray(chunk.choices)) {
        this.failure = this.broken('The provider sent an event without choices.');
        break;
      }
      chunks.push(chunk);
      text += `data: ${data}\n\n`;
    }
    this.buf = pos === 0 ? buf : buf.slice(pos);
    if (chunks.length === 0 && !done) {
      if (this.failure) throw this.failure;
      return null;
    }
    return { text, chunks, done };
  }
}

/** The `data` of one SSE event block (multi-line data joined with newlines). */
function dataOf(block: string): string {
  let data: string | undefined;
  for (const line of block.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const v = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    data = data === undefined ? v : `${data}\n${v}`;
  }
  return data ?? '';
}
