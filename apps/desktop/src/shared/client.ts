import { Value } from 'typebox/value';
import {
  CALLS,
  type CallInput,
  type CallName,
  type CallOutput,
  type EventName,
  type EventPayload,
} from './contract.js';
import { encodeAudioFrame, type AudioFrame } from './audio-frame.js';
import { errorInfo } from './errors.js';
import { decodeServerMessage, describeMismatch, encodeRequest } from './protocol.js';
import type { Result } from './result.js';

/** What the client needs from a transport. The transport feeds back `receive` and `closed`. */
export interface ClientChannel {
  send(text: string): void;
  /** Binary frames (audio-frame.ts); a channel without it cannot carry microphone audio. */
  sendBinary?(data: ArrayBuffer): void;
  close(): void;
}

export const DEFAULT_CALL_TIMEOUT_MS = 15_000;

interface Pending {
  readonly method: CallName;
  readonly settle: (result: Result<unknown>) => void;
  readonly timer: unknown;
}

type EventHandler = (payload: never) => void;

/**
 * Typed RPC client over any transport: `await rpc.call('health', {})` resolves to a
 * `Result<Health>`, inferred from the contract. It never rejects: timeouts, a closed transport and
 * a reply that breaks the contract all come back as coded errors.
 */
export class RpcClient {
  private nextSeq = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, Set<EventHandler>>();
  private isClosed = false;

  constructor(
    private readonly channel: ClientChannel,
    private readonly options: {
      readonly timeoutMs?: number;
      readonly onProtocolError?: (reason: string) => void;
    } = {},
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * A microphone frame, fire-and-forget: no reply, no timeout (the engine reports problems on the
   * turn). False when it could not be sent (closed, or the channel carries no binary frames).
   */
  sendAudio(frame: AudioFrame): boolean {
    const send = this.channel.sendBinary?.bind(this.channel);
    if (this.isClosed || !send) return false;
    try {
      send(encodeAudioFrame(frame));
      return true;
    } catch {
      return false; // the transport is going away; the close event follows
    }
  }

  call<N extends CallName>(
    method: N,
    input: CallInput<N>,
    { timeoutMs = this.options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS } = {},
  ): Promise<Result<CallOutput<N>>> {
    if (this.isClosed) return Promise.resolve({ ok: false, error: errorInfo('TRANSPORT_CLOSED') });
    const seq = this.nextSeq++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.settle(seq, {
          ok: false,
          error: errorInfo('RPC_TIMEOUT', `${method} after ${timeoutMs} ms.`),
        });
      }, timeoutMs);
      this.pending.set(seq, { method, timer, settle: resolve as (r: Result<unknown>) => void });
      try {
        this.channel.send(encodeRequest(seq, method, input));
      } catch (err) {
        this.settle(seq, {
          ok: false,
          error: errorInfo('TRANSPORT_CLOSED', err instanceof Error ? err.message : undefined),
        });
      }
    });
  }

  /** Subscribes to a contract event; returns the unsubscribe function. */
  on<N extends EventName>(name: N, handler: (payload: EventPayload<N>) => void): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** The transport hands every incoming text frame here. */
  receive(text: unknown): void {
    const message = decodeServerMessage(text);
    switch (message.kind) {
      case 'invalid':
        this.options.onProtocolError?.(message.reason);
        return;
      case 'event':
        for (const handler of this.handlers.get(message.name) ?? [])
          handler(message.payload as never);
        return;
      case 'response': {
        if (message.seq === null) {
          this.options.onProtocolError?.(
            `${message.result.ok ? 'reply' : message.result.error.code} without seq`,
          );
          return;
        }
        const pending = this.pending.get(message.seq);
        if (!pending) return; // already timed out
        const { result } = message;
        if (result.ok) {
          const schema = CALLS[pending.method].output;
          if (!Value.Check(schema, result.value)) {
            this.settle(message.seq, {
              ok: false,
              error: errorInfo(
                'RPC_INVALID_OUTPUT',
                `${pending.method} ${describeMismatch(schema, result.value)}`,
              ),
            });
            return;
          }
        }
        this.settle(message.seq, result);
        return;
      }
    }
  }

  /** The transport reports it is gone: every pending call resolves with TRANSPORT_CLOSED. */
  closedBy(reason?: string): void {
    this.isClosed = true;
    for (const seq of [...this.pending.keys()])
      this.settle(seq, { ok: false, error: errorInfo('TRANSPORT_CLOSED', reason) });
  }

  close(): void {
    this.channel.close();
    this.closedBy();
  }

  private settle(seq: number, result: Result<unknown>): void {
    const pending = this.pending.get(seq);
    if (!pending) return;
    this.pending.delete(seq);
    clearTimeout(pending.timer);
    pending.settle(result);
  }
}
