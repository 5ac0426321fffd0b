import {
  ElevenLabsClient,
  ElevenLabsError,
  ElevenLabsTimeoutError,
} from '@elevenlabs/elevenlabs-js';
import type { Config } from '../config.js';
import type { Classified } from '../gateway/resilience.js';

type ElevenLabsConfig = NonNullable<Config['providers']['elevenlabs']>;

export type TtsProvider = Readonly<{
  name: string;
  defaults: Readonly<{ voiceId: string; modelId: string; outputFormat: string }>;
  stream: (
    req: { text: string; voiceId: string; modelId: string; outputFormat: string },
    signal: AbortSignal,
  ) => Promise<ReadableStream<Uint8Array>>;
  /** The API's base URL (the gateway opens a connection to it when a turn starts). */
  baseUrl: string;
}>;

export function elevenLabsProvider(
  cfg: ElevenLabsConfig,
  timeoutMs: number,
  fetch?: typeof globalThis.fetch,
): TtsProvider {
  const client = new ElevenLabsClient({
    baseUrl: cfg.baseUrl,
    apiKey: cfg.apiKey,
    maxRetries: 0,
    ...(fetch ? { fetch } : {}),
  });
  return {
    name: 'elevenlabs',
    baseUrl: cfg.baseUrl,
    defaults: { voiceId: cfg.voiceId, modelId: cfg.modelId, outputFormat: cfg.outputFormat },
    stream: async (req, signal) =>
      client.textToSpeech.stream(
        req.voiceId,
        {
          text: req.text,
          modelId: req.modelId,
          outputFormat: req.outputFormat as Parameters<
            typeof client.textToSpeech.stream
          >[1]['outputFormat'],
        },
        { abortSignal: signal, maxRetries: 0, timeoutInSeconds: Math.ceil(timeoutMs / 1000) },
      ),
  };
}

/**
 * Coded classification of what the SDK threw. Without a status it is a connection failure (the
 * SDK's "unknown" reason), the provider's like timeouts, 429 and 5xx; another status is a refusal
 * of the request; a plain exception is our own failure.
 */
export function classifyElevenLabsError(e: unknown): Classified {
  if (e instanceof ElevenLabsTimeoutError)
    return { code: 'PROVIDER_TIMEOUT', retryable: false, provider: true };
  if (e instanceof ElevenLabsError) {
    // The SDK's own answer to our abort (its "Client Closed Request"): not the provider's doing.
    if (e.rawResponse?.status === 499)
      return { code: 'CLIENT_CANCELLED', retryable: false, provider: false };
    const status = e.statusCode;
    if (status === undefined) return { code: 'PROVIDER_ERROR', retryable: true, provider: true };
    const theirs = status === 429 || status >= 500;
    return { code: 'PROVIDER_ERROR', retryable: theirs, provider: theirs, status };
  }
  return { code: 'INTERNAL', retryable: false, provider: false };
}

export function contentTypeFor(outputFormat: string): string {
  if (outputFormat.startsWith('mp3_')) return 'audio/mpeg';
  if (outputFormat.startsWith('pcm_'))
    return `audio/L16;rate=${outputFormat.split('_')[1] ?? '16000'}`;
  if (outputFormat.startsWith('ulaw_')) return 'audio/basic';
  if (outputFormat.startsWith('opus_')) return 'audio/opus';
  return 'application/octet-stream';
}
