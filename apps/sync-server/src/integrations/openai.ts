import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { ChatRequest } from '@voiceassist/contract';
import type { OpenAiConfig } from '../config.js';

export type { ChatCompletionChunk };

export type LlmProvider = Readonly<{
  name: string;
  /** Resolves once the provider answered with a stream (headers received). */
  stream: (req: ChatRequest, signal: AbortSignal) => Promise<AsyncIterable<ChatCompletionChunk>>;
}>;

/** Any OpenAI-compatible server (OpenAI, Azure OpenAI's /openai/v1, vLLM, Ollama) via the SDK. */
export function openAiProvider(name: string, cfg: OpenAiConfig, timeoutMs: number): LlmProvider {
  // Retries are the gateway's decision (only before the stream starts), never the SDK's.
  const client = new OpenAI({
    baseURL: cfg.baseURL,
    apiKey: cfg.apiKey,
    maxRetries: 0,
    timeout: timeoutMs,
  });
  return {
    name,
    stream: async (req, signal) => {
      const { model: _ignored, stream: _s, ...rest } = req;
      const params = {
        ...rest,
        model: cfg.model,
        stream: true,
        stream_options: { include_usage: true },
      } as unknown as ChatCompletionCreateParamsStreaming;
      return client.chat.completions.create(params, { signal });
    },
  };
}

/** Coded classification of what the SDK threw. */
export function classifyOpenAiError(e: unknown): {
  code: 'PROVIDER_TIMEOUT' | 'PROVIDER_ERROR' | 'PROVIDER_STREAM_BROKEN';
  retryable: boolean;
  status?: number;
} {
  if (e instanceof OpenAI.APIConnectionTimeoutError)
    return { code: 'PROVIDER_TIMEOUT', retryable: false };
  if (e instanceof OpenAI.APIConnectionError) return { code: 'PROVIDER_ERROR', retryable: true };
  if (e instanceof OpenAI.APIError) {
    const status: unknown = e.status;
    if (typeof status === 'number') {
      return { code: 'PROVIDER_ERROR', retryable: status === 429 || status >= 500, status };
    }
  }
  return { code: 'PROVIDER_STREAM_BROKEN', retryable: false };
}
