import { randomUUID } from 'node:crypto';
import { STT_TURN_PARAM, joinTranscript } from '@voiceassist/contract';
import type { EgressGuard, GuardedSocket } from '../egress/index.js';
import { authorizationOf, GATEWAY_PROVIDERS, type GatewayConfig } from './config.js';
import { ProviderError, fromGatewayCode, toProviderError } from './errors.js';

export interface SttSessionOptions {
  readonly guard: EgressGuard;
  readonly config: GatewayConfig;
  readonly conversationId: string;
  readonly signal?: AbortSignal;
  /** Interim (final: false) and finalized text so far, in clear (it never left as text). */
  readonly onTranscript?: (text: string, final: boolean) => void;
  /** The session failed (refused, dropped, timed out) — reported once, as soon as it happens. */
  readonly onError?: (err: ProviderError) => void;
}

export interface SttSession {
  /**
   * This stream's id at the gateway (random): a chat prepared while it finalizes can be sent
   * ahead, to be forwarded once the final transcript is the expected one (`after` of
   * GatewayClient.streamChat).
   */
  readonly turnId: string;
  /** 16 kHz mono PCM16 LE; queued until the socket is open. */
  send(pcm: Uint8Array): void;
  /** Key-up: flushes the provider; resolves with the whole final transcript. */
  finalize(): Promise<string>;
  /**
   * Resolves once the finalize request is on the socket, or the session has ended: work that
   * would compete with that message for the event loop can start then.
   */
  finalizeSent(): Promise<void>;
  /** What was recognised so far (finals + the latest interim), for a turn that failed midway. */
  transcriptSoFar(): string;
  readonly failure: ProviderError | undefined;
  close(): void;
}

interface SttMessage {
  type?: string;
  is_final?: boolean;
  from_finalize?: boolean;
  channel?: { alternatives?: { transcript?: string }[] };
  error?: { code?: unknown };
}

/**
 * Audio sent before the server's first message, at most: the gateway holds audio only while its
 * provider socket opens (5 s), so a recording replayed faster than real time waits here instead
 * of overflowing it. Live capture never comes near this (it arrives in real time).
 */
const UNHEARD_LIMIT_BYTES = 3 * 16_000 * 2;

/**
 * `GET /v1/stt/live` through the egress guard's WebSocket opener (audio: allowed by the STT
 * provider's policy only). Deepgram-shaped messages in: finals accumulate, interims replace the
 * tail; `finalize` resolves on the result carrying `from_finalize`.
 */
export function openSttSession(options: SttSessionOptions): SttSession {
  const { config, signal } = options;
  const kind = 'stt';
  const finals: string[] = [];
  let interim = '';
  let guarded: GuardedSocket | undefined;
  let open = false;
  let closedByUs = false;
  let failure: ProviderError | undefined;
  let bytesSent = 0;
  /** The server answered once: its provider session is open, audio may flow freely. */
  let heard = false;
  const queue: Uint8Array[] = [];
  let finalizeSent = false;
  let markFinalizeSent = (): void => undefined;
  const finalizeSentPromise = new Promise<void>((resolve) => (markFinalizeSent = resolve));
  let finalizeWaiter:
    { resolve: (text: string) => void; reject: (err: ProviderError) => void } | undefined;

  const fail = (err: ProviderError): void => {
    if (failure || closedByUs) return;
    failure = err;
    finalizeWaiter?.reject(err);
    finalizeWaiter = undefined;
    markFinalizeSent();
    try {
      guarded?.socket.terminate();
    } catch {
      /* already gone */
    }
    options.onError?.(err);
  };

  const connectTimer = setTimeout(
    () => fail(new ProviderError('GATEWAY_TIMEOUT', kind)),
    config.timeouts.connectMs,
  );
  const onAbort = (): void => {
    const err = new ProviderError('ABORTED', kind);
    finalizeWaiter?.reject(err);
    finalizeWaiter = undefined;
    markFinalizeSent();
    closedByUs = true;
    clearTimeout(connectTimer);
    guarded?.socket.terminate();
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const sendNow = (pcm: Uint8Array): void => {
    if (!guarded) return;
    bytesSent += pcm.byteLength;
    guarded.send(pcm).catch((err: unknown) => fail(toProviderError(err, kind, signal)));
  };

  const flush = (): void => {
    while (queue.length > 0 && (heard || bytesSent < UNHEARD_LIMIT_BYTES)) {
      const pcm = queue.shift();
      if (pcm) sendNow(pcm);
    }
    if (queue.length === 0 && finalizeWaiter && guarded && !finalizeSent) {
      finalizeSent = true;
      void guarded
        .send(JSON.stringify({ type: 'finalize' }))
        .catch(() => undefined)
        .finally(markFinalizeSent);
    }
  };

  const onMessage = (data: Buffer): void => {
    if (!heard) {
      heard = true;
      flush();
    }
    let msg: SttMessage;
    try {
      msg = JSON.parse(data.toString('utf8')) as SttMessage;
    } catch {
      return fail(new ProviderError('PROVIDER_STREAM_BROKEN', kind));
    }
    if (msg.type === 'Error') return fail(fromGatewayCode(msg.error?.code, kind));
    if (msg.type !== 'Results') return;
    const text = msg.channel?.alternatives?.[0]?.transcript ?? '';
    if (msg.is_final) {
      finals.push(text);
      interim = '';
    } else {
      interim = text;
    }
    options.onTranscript?.(joinTranscript([...finals, interim]), false);
    if (msg.from_finalize && finalizeWaiter) {
      const whole = joinTranscript(finals);
      finalizeWaiter.resolve(whole);
      finalizeWaiter = undefined;
    }
  };

  const turnId = randomUUID();
  const wsUrl = `${config.serverUrl.replace(/^http/, 'ws')}/v1/stt/live?${STT_TURN_PARAM}=${turnId}`;
  authorizationOf(config)
    .catch((cause: unknown) => {
      throw new ProviderError('AUTH_REQUIRED', kind, { status: 401, cause });
    })
    .then((authorization) =>
      options.guard.openWebSocket(GATEWAY_PROVIDERS.stt, wsUrl, {
        headers: { authorization },
        conversationId: options.conversationId,
        dataKind: 'audio',
      }),
    )
    .then(
      (g) => {
        guarded = g;
        if (closedByUs || failure) return g.socket.terminate();
        const ws = g.socket;
        ws.on('open', () => {
          clearTimeout(connectTimer);
          open = true;
          flush();
        });
        ws.on('unexpected-response', (_req, res) => {
          clearTimeout(connectTimer);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let code: unknown;
            try {
              code = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as SttMessage).error?.code;
            } catch {
              code = undefined;
            }
            fail(fromGatewayCode(code, kind, res.statusCode));
          });
          res.on('error', () => fail(fromGatewayCode(undefined, kind, res.statusCode)));
        });
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          if (!isBinary) onMessage(data);
        });
        ws.on('error', (err) => {
          clearTimeout(connectTimer);
          // A refused upgrade is reported by 'unexpected-response' with its code; this is the rest.
          setImmediate(() => fail(toProviderError(err, kind, signal)));
        });
        ws.on('close', () => {
          clearTimeout(connectTimer);
          if (!closedByUs) fail(new ProviderError('PROVIDER_STREAM_BROKEN', kind));
        });
      },
      (err: unknown) => {
        clearTimeout(connectTimer);
        fail(toProviderError(err, kind, signal));
      },
    );

  return {
    turnId,
    send(pcm) {
      if (failure || closedByUs) return;
      queue.push(pcm);
      if (open) flush();
    },
    finalize() {
      if (failure) return Promise.reject(failure);
      if (bytesSent === 0 && queue.length === 0) {
        markFinalizeSent();
        return Promise.resolve(joinTranscript(finals));
      }
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          finalizeWaiter = undefined;
          const err = new ProviderError('PROVIDER_TIMEOUT', kind);
          reject(err);
          fail(err);
        }, config.timeouts.sttFinalizeMs);
        finalizeWaiter = {
          resolve: (t) => {
            clearTimeout(timer);
            resolve(t);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        if (open) flush();
      });
    },
    finalizeSent: () => finalizeSentPromise,
    transcriptSoFar: () => joinTranscript([...finals, interim]),
    get failure() {
      return failure;
    },
    close() {
      markFinalizeSent();
      if (closedByUs) return;
      closedByUs = true;
      clearTimeout(connectTimer);
      signal?.removeEventListener('abort', onAbort);
      if (guarded && open) {
        void guarded.send(JSON.stringify({ type: 'close' })).catch(() => undefined);
        guarded.close(1000);
      } else guarded?.socket.terminate();
    },
  };
}
