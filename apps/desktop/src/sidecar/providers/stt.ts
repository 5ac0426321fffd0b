import { randomUUID } from 'node:crypto';
import {
  AUTHORIZATION_HEADER,
  GATEWAY_PATHS,
  GatewayError,
  STT_TURN_PARAM,
  SttErrorMessage,
  SttResults,
  joinTranscript,
  type SttClientMessage,
} from '@voiceassist/contract';
import { Value } from 'typebox/value';
import { missingCaseError } from '../../shared/assert.js';
import type { EgressGuard, GuardedSocket } from '../egress/index.js';
import { GATEWAY_PROVIDERS, type GatewayConfig } from './config.js';
import { ProviderError, fromGatewayCode, toProviderError } from './errors.js';
import { gatewayAuthorization } from './gateway-http.js';

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
  /** 16 kHz mono PCM16 LE; queued until the socket is open. Ignored once finalizing. */
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

/**
 * A session's life. `streaming`: audio is queued, and sent once the socket is open;
 * `finalizing`: the key is up, the rest of the audio and then `finalize` go out, the final
 * result is awaited; `finalized`: it came; `closed`: by us (close, abort); `failed`: refused,
 * dropped or timed out (`failure` says why). The last two are final.
 */
export type SttState = 'streaming' | 'finalizing' | 'finalized' | 'closed' | 'failed';

/**
 * Audio sent before the server's first message, at most: the gateway holds audio only while its
 * provider socket opens (5 s), so a recording replayed faster than real time waits here instead
 * of overflowing it. Live capture never comes near this (it arrives in real time).
 */
const UNHEARD_LIMIT_BYTES = 3 * 16_000 * 2;

const control = (message: SttClientMessage): string => JSON.stringify(message);

interface PendingFinal {
  readonly resolve: (text: string) => void;
  readonly reject: (err: ProviderError) => void;
  readonly timer: NodeJS.Timeout;
  /** The `finalize` message is on its way (sent once, after the queued audio). */
  sent: boolean;
}

/**
 * `GET /v1/stt/live` through the egress guard's WebSocket opener (audio: allowed by the STT
 * provider's policy only). Deepgram-shaped messages in: finals accumulate, interims replace the
 * tail; `finalize` resolves on the result carrying `from_finalize`.
 */
class LiveTranscription implements SttSession {
  readonly turnId = randomUUID();
  private state: SttState = 'streaming';
  private error: ProviderError | undefined;
  private guarded: GuardedSocket | undefined;
  private readonly finals: string[] = [];
  private interim = '';
  private readonly queue: Uint8Array[] = [];
  private bytesSent = 0;
  /** The server answered once: its provider session is open, audio may flow freely. */
  private heard = false;
  private pending: PendingFinal | undefined;
  private markFinalizeSent: () => void = () => undefined;
  private readonly finalizeSentPromise = new Promise<void>((r) => (this.markFinalizeSent = r));
  private readonly connectTimer: NodeJS.Timeout;
  private readonly onAbort = (): void => {
    this.end('closed', new ProviderError('ABORTED', 'stt'));
  };

  constructor(private readonly options: SttSessionOptions) {
    const { config, signal } = options;
    this.connectTimer = setTimeout(
      () => this.fail(new ProviderError('GATEWAY_TIMEOUT', 'stt')),
      config.timeouts.connectMs,
    );
    signal?.addEventListener('abort', this.onAbort, { once: true });
    const ws = config.serverUrl.replace(/^http/, 'ws');
    const url = `${ws}${GATEWAY_PATHS.sttLive}?${STT_TURN_PARAM}=${this.turnId}`;
    gatewayAuthorization(config, 'stt')
      .then((authorization) =>
        options.guard.openWebSocket(GATEWAY_PROVIDERS.stt, url, {
          headers: { [AUTHORIZATION_HEADER]: authorization },
          conversationId: options.conversationId,
          dataKind: 'audio',
        }),
      )
      .then(
        (g) => this.attach(g),
        (err: unknown) => this.fail(toProviderError(err, 'stt', signal)),
      );
  }

  get failure(): ProviderError | undefined {
    return this.error;
  }

  private get open(): boolean {
    const socket = this.guarded?.socket;
    return socket !== undefined && socket.readyState === socket.OPEN;
  }

  send(pcm: Uint8Array): void {
    if (this.state !== 'streaming') return; // key-up passed, or the session ended
    this.queue.push(pcm);
    if (this.open) this.flush();
  }

  finalize(): Promise<string> {
    switch (this.state) {
      case 'failed':
        return Promise.reject(this.error ?? new ProviderError('PROVIDER_STREAM_BROKEN', 'stt'));
      case 'closed':
        return Promise.reject(new ProviderError('ABORTED', 'stt'));
      case 'finalizing':
      case 'finalized':
        return Promise.reject(new ProviderError('BAD_REQUEST', 'stt')); // one key-up per turn
      case 'streaming':
        break;
      default:
        throw missingCaseError(this.state);
    }
    if (this.bytesSent === 0 && this.queue.length === 0) {
      this.state = 'finalized'; // nothing was said: nothing to wait for
      this.markFinalizeSent();
      return Promise.resolve(joinTranscript(this.finals));
    }
    this.state = 'finalizing';
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(new ProviderError('PROVIDER_TIMEOUT', 'stt')),
        this.options.config.timeouts.sttFinalizeMs,
      );
      this.pending = { resolve, reject, timer, sent: false };
      if (this.open) this.flush();
    });
  }

  finalizeSent(): Promise<void> {
    return this.finalizeSentPromise;
  }

  transcriptSoFar(): string {
    return joinTranscript([...this.finals, this.interim]);
  }

  close(): void {
    const wasOpen = this.open;
    if (!this.end('closed', new ProviderError('ABORTED', 'stt'))) return;
    if (this.guarded && wasOpen) {
      void this.guarded.send(control({ type: 'close' })).catch(() => undefined);
      this.guarded.close(1000);
    } else this.guarded?.socket.terminate();
  }

  /** The session failed: reported once (onError), the socket dropped. */
  private fail(err: ProviderError): void {
    if (!this.end('failed', err)) return;
    this.error = err;
    try {
      this.guarded?.socket.terminate();
    } catch {
      /* already gone */
    }
    this.options.onError?.(err);
  }

  /**
   * Moves to a final state (unless already in one: false): whoever waits for the final result
   * gets `reason`, timers and the abort listener go. `closed` by abort terminates the socket.
   */
  private end(state: 'closed' | 'failed', reason: ProviderError): boolean {
    switch (this.state) {
      case 'closed':
      case 'failed':
        return false;
      case 'streaming':
      case 'finalizing':
      case 'finalized':
        break;
      default:
        throw missingCaseError(this.state);
    }
    this.state = state;
    clearTimeout(this.connectTimer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    if (this.pending) {
      clearTimeout(this.pending.timer);
      this.pending.reject(reason);
      this.pending = undefined;
    }
    this.markFinalizeSent();
    if (state === 'closed' && this.options.signal?.aborted) this.guarded?.socket.terminate();
    return true;
  }

  private attach(g: GuardedSocket): void {
    this.guarded = g;
    if (this.state === 'closed' || this.state === 'failed') {
      g.socket.terminate();
      return;
    }
    const ws = g.socket;
    ws.on('open', () => {
      clearTimeout(this.connectTimer);
      this.flush();
    });
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(this.connectTimer);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = undefined; // not the gateway's JSON: classified by status
        }
        const code = Value.Check(GatewayError, body) ? body.error.code : undefined;
        this.fail(fromGatewayCode(code, 'stt', res.statusCode));
      });
      res.on('error', () => this.fail(fromGatewayCode(undefined, 'stt', res.statusCode)));
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) this.onMessage(data);
    });
    ws.on('error', (err) => {
      clearTimeout(this.connectTimer);
      // A refused upgrade is reported by 'unexpected-response' with its code; this is the rest.
      setImmediate(() => this.fail(toProviderError(err, 'stt', this.options.signal)));
    });
    ws.on('close', () => {
      clearTimeout(this.connectTimer);
      this.fail(new ProviderError('PROVIDER_STREAM_BROKEN', 'stt')); // no-op once closed by us
    });
  }

  /** Queued audio out (as far as flow control allows), then `finalize` when it is due. */
  private flush(): void {
    const g = this.guarded;
    if (!g) return;
    while (this.queue.length > 0 && (this.heard || this.bytesSent < UNHEARD_LIMIT_BYTES)) {
      const pcm = this.queue.shift();
      if (!pcm) break;
      this.bytesSent += pcm.byteLength;
      g.send(pcm).catch((err: unknown) =>
        this.fail(toProviderError(err, 'stt', this.options.signal)),
      );
    }
    const p = this.pending;
    if (this.queue.length > 0 || !p || p.sent) return;
    p.sent = true;
    void g
      .send(control({ type: 'finalize' }))
      .catch(() => undefined)
      .finally(this.markFinalizeSent);
  }

  private onMessage(data: Buffer): void {
    if (!this.heard) {
      this.heard = true;
      this.flush();
    }
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      return this.fail(new ProviderError('PROVIDER_STREAM_BROKEN', 'stt'));
    }
    if (Value.Check(SttErrorMessage, msg)) return this.fail(fromGatewayCode(msg.error.code, 'stt'));
    if (!Value.Check(SttResults, msg)) return; // UtteranceEnd, SpeechStarted, Metadata
    const text = msg.channel.alternatives[0]?.transcript ?? '';
    if (msg.is_final) {
      this.finals.push(text);
      this.interim = '';
    } else {
      this.interim = text;
    }
    this.options.onTranscript?.(this.transcriptSoFar(), false);
    const p = this.pending;
    if (msg.from_finalize && p) {
      clearTimeout(p.timer);
      this.pending = undefined;
      this.state = 'finalized';
      p.resolve(joinTranscript(this.finals));
    }
  }
}

export function openSttSession(options: SttSessionOptions): SttSession {
  return new LiveTranscription(options);
}
