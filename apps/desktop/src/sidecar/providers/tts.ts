import {
  CallStatus,
  GATEWAY_PATHS,
  REQUEST_ID_HEADER,
  callStatusPath,
  type TtsOutputFormat,
  type TtsRequest as GatewayTtsRequest,
} from '@voiceassist/contract';
import { Value } from 'typebox/value';
import type { EgressGuard } from '../egress/index.js';
import { GATEWAY_PROVIDERS, type GatewayConfig } from './config.js';
import { ProviderError, fromGatewayCode, toProviderError } from './errors.js';
import { errorFrom, gatewayHeaders, gatewayUrl } from './gateway-http.js';
import { speakablePlaceholders } from './speakable.js';
import { linkedController, within } from './timeouts.js';

export interface TtsRequest {
  readonly conversationId: string;
  /** Clear text; pseudonymized here (placeholders are spoken as neutral words). */
  readonly text: string;
  readonly signal?: AbortSignal;
}

export interface TtsStream {
  readonly sampleRate: number;
  /** The text exactly as it was sent (pseudonymized, placeholders spoken as neutral words). */
  readonly sent: string;
  /** PCM16 LE mono chunks as they arrive (whole samples). */
  readonly chunks: AsyncIterable<Uint8Array>;
}

export const TTS_OUTPUT_FORMAT: TtsOutputFormat = 'pcm_24000';
export const TTS_SAMPLE_RATE = 24_000;

/**
 * `POST /v1/tts/stream`: the text is pseudonymized (placeholders become neutral words), audio
 * comes back as PCM16 at TTS_SAMPLE_RATE. First byte within `ttsFirstByteMs`.
 */
export async function openTts(
  guard: EgressGuard,
  config: GatewayConfig,
  req: TtsRequest,
): Promise<TtsStream> {
  const { controller, dispose } = linkedController(req.signal);
  const kind = 'tts';
  const t = config.timeouts;
  try {
    const prepared = await guard.prepareText({
      provider: GATEWAY_PROVIDERS.tts,
      conversationId: req.conversationId,
      text: req.text,
    });
    const request: GatewayTtsRequest = {
      text: speakablePlaceholders(prepared.text),
      outputFormat: TTS_OUTPUT_FORMAT,
    };
    const body = JSON.stringify(request);
    const res = await within(
      guard.fetch(
        GATEWAY_PROVIDERS.tts,
        gatewayUrl(config, GATEWAY_PATHS.ttsStream),
        {
          method: 'POST',
          headers: await gatewayHeaders(config, true, kind),
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
      requestId: res.headers.get(REQUEST_ID_HEADER),
      conversationId: req.conversationId,
    };
    return {
      sampleRate: TTS_SAMPLE_RATE,
      sent: request.text,
      chunks: ttsChunks(guard, config, reader, controller, dispose, call),
    };
  } catch (err) {
    controller.abort(new ProviderError('ABORTED', kind));
    dispose();
    throw toProviderError(err, kind, controller.signal);
  }
}

async function* ttsChunks(
  guard: EgressGuard,
  config: GatewayConfig,
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
        config.timeouts.idleMs,
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
    throw await ttsFailure(guard, config, call, err);
  } finally {
    controller.abort(new ProviderError('ABORTED', kind));
    dispose();
  }
}

/** Why a TTS stream broke off: `GET /v1/calls/:id`, else PROVIDER_STREAM_BROKEN. */
async function ttsFailure(
  guard: EgressGuard,
  config: GatewayConfig,
  call: { requestId: string | null; conversationId: string },
  cause: unknown,
): Promise<ProviderError> {
  const kind = 'tts';
  const broken = new ProviderError('PROVIDER_STREAM_BROKEN', kind, { cause });
  if (!call.requestId) return broken;
  try {
    const res = await guard.fetch(
      GATEWAY_PROVIDERS.tts,
      gatewayUrl(config, callStatusPath(call.requestId)),
      {
        headers: await gatewayHeaders(config, false, kind),
        signal: AbortSignal.timeout(config.timeouts.idleMs),
      },
      { conversationId: call.conversationId },
    );
    if (!res.ok) return broken;
    const status: unknown = await res.json();
    const code = Value.Check(CallStatus, status) ? status.error?.code : undefined;
    return code === undefined ? broken : fromGatewayCode(code, kind);
  } catch {
    return broken; // the server is unreachable too: the stream still broke
  }
}
