import {
  ElevenLabsClient,
  ElevenLabsError,
  ElevenLabsTimeoutError,
} from '@elevenlabs/elevenlabs-js';
import type { Config } from '../config.js';

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

export function classifyElevenLabsError(e: unknown): {
  code: 'PROVIDER_TIMEOUT' | 'PROVIDER_ERROR' | 'PROVIDER_STREAM_BROKEN';
  retryable: boolean;
  status?: number;
} {
  if (e instanceof ElevenLabsTimeoutError) return { code: 'PROVIDER_TIMEOUT', retryable: false };
  if (e instanceof ElevenLabsError) {
    const status = e.statusCode;
    if (status === undefined) return { code: 'PROVIDER_ERROR', retryable: true };
    return { code: 'PROVIDER_ERROR', retryable: status === 429 || status >= 500, status };
  }
  return { code: 'PROVIDER_STREAM_BROKEN', retryable: false };
}

export function contentTypeFor(outputFormat: string): string {
  if (outputFormat.startsWith('mp3_')) return 'audio/mpeg';
  if (outputFormat.startsWith('pcm_'))
    return `audio/L16;rate=${outputFormat.split('_')[1] ?? '16000'}`;
  if (outputFormat.startsWith('ulaw_')) return 'audio/basic';
  if (outputFormat.startsWith('opus_')) return 'audio/opus';
  return 'application/octet-stream';
}
