import type { Logger } from 'pino';
import { Value } from 'typebox/value';
import {
  CALLS,
  type CallInput,
  type CallName,
  type CallOutput,
  type EventName,
  type EventPayload,
} from '../../shared/contract.js';
import { decodeAudioFrame, type AudioFrame } from '../../shared/audio-frame.js';
import { CodedError, errorInfo } from '../../shared/errors.js';
import {
  decodeRequest,
  describeMismatch,
  encodeEvent,
  encodeResponse,
  MAX_MESSAGE_BYTES,
} from '../../shared/protocol.js';
import type { Result } from '../../shared/result.js';

export interface CallContext {
  /** Which connection asked: for logs, never for authorization (the transport already did that). */
  readonly connectionId: string;
}

/** One handler per contract call: adding a call to CALLS fails typecheck here until it is served. */
export type CallHandlers = {
  readonly [N in CallName]: (
    input: CallInput<N>,
    ctx: CallContext,
  ) => Promise<CallOutput<N>> | CallOutput<N>;
};

/** Binary frames (shared/audio-frame.ts): microphone audio, fire-and-forget, never answered. */
export interface FrameHandlers {
  readonly audio: (frame: AudioFrame, ctx: CallContext) => void;
}

export type Handlers = CallHandlers & FrameHandlers;

/** A transport's connection as the server sees it: a way to send text back. */
export interface Peer {
  readonly id: string;
  send(text: string): void;
}

export interface Attached {
  /**
   * Feed every incoming frame here: text (a JSON request, always answered) or binary (an audio
   * frame, answered only when it is invalid). Never throws.
   */
  receive(frame: unknown): Promise<void>;
  detach(): void;
}

/**
 * Serves the contract to any number of peers over any transport. Every incoming message is
 * validated on receipt (size, JSON, envelope, method, input); anything wrong is answered with a
 * coded error and the engine carries on. Nothing thrown by a handler crosses the boundary.
 */
export class RpcServer {
  private readonly peers = new Map<string, Peer>();

  constructor(
    private readonly handlers: Handlers,
    private readonly log: Logger,
    private readonly maxMessageBytes = MAX_MESSAGE_BYTES,
  ) {}

  get peerCount(): number {
    return this.peers.size;
  }

  attach(peer: Peer): Attached {
    this.peers.set(peer.id, peer);
    this.log.info({ peer: peer.id }, 'rpc peer attached');
    return {
      receive: (frame) => this.receive(peer, frame),
      detach: () => {
        if (this.peers.delete(peer.id)) this.log.info({ peer: peer.id }, 'rpc peer detached');
      },
    };
  }

  broadcast<N extends EventName>(name: N, payload: EventPayload<N>): void {
    const text = encodeEvent(name, payload);
    for (const peer of this.peers.values()) this.trySend(peer, text);
  }

  private async receive(peer: Peer, frame: unknown): Promise<void> {
    if (frame instanceof ArrayBuffer || ArrayBuffer.isView(frame))
      return this.receiveAudio(peer, frame);
    const request = decodeRequest(frame, this.maxMessageBytes);
    if (!request.ok) {
      this.log.warn(
        { peer: peer.id, seq: request.seq, code: request.error.code },
        'rpc message rejected',
      );
      this.trySend(peer, encodeResponse(request.seq, { ok: false, error: request.error }));
      return;
    }
    const result = await this.dispatch(request.method, request.input, { connectionId: peer.id });
    this.trySend(peer, encodeResponse(request.seq, result));
  }

  private receiveAudio(peer: Peer, data: ArrayBuffer | ArrayBufferView): void {
    const decoded = decodeAudioFrame(data);
    if (!decoded.ok) {
      this.log.warn({ peer: peer.id, code: decoded.error.code }, 'audio frame rejected');
      this.trySend(
        peer,
        encodeResponse(null, {
          ok: false,
          error: errorInfo('RPC_MALFORMED', decoded.error.message),
        }),
      );
      return;
    }
    try {
      this.handlers.audio(decoded.frame, { connectionId: peer.id });
    } catch (err) {
      // Samples are speech (PHI): only the error's name is logged.
      this.log.error(
        { errName: err instanceof Error ? err.name : typeof err },
        'audio frame failed',
      );
    }
  }

  private async dispatch(
    method: CallName,
    input: unknown,
    ctx: CallContext,
  ): Promise<Result<unknown>> {
    const handler = (this.handlers as CallHandlers)[method] as (
      input: unknown,
      ctx: CallContext,
    ) => unknown;
    let value: unknown;
    try {
      value = await handler(input, ctx);
    } catch (err) {
      if (err instanceof CodedError) return { ok: false, error: err.toInfo() };
      // The message may quote user data (PHI): log the error's name and stack frames only.
      this.log.error(
        { method, errName: err instanceof Error ? err.name : typeof err },
        'rpc handler failed',
      );
      return { ok: false, error: errorInfo('RPC_INTERNAL', `Method: ${method}.`) };
    }
    const schema = CALLS[method].output;
    if (!Value.Check(schema, value)) {
      this.log.error(
        { method, mismatch: describeMismatch(schema, value) },
        'rpc handler broke the contract',
      );
      return { ok: false, error: errorInfo('RPC_INVALID_OUTPUT', `Method: ${method}.`) };
    }
    return { ok: true, value };
  }

  private trySend(peer: Peer, text: string): void {
    try {
      peer.send(text);
    } catch {
      this.log.warn({ peer: peer.id }, 'rpc send failed; peer is gone');
      this.peers.delete(peer.id);
    }
  }
}
