import { Value } from 'typebox/value';
import { GatewayErrorCode, type CallStatus } from '@voiceassist/contract';
import type { Principal } from '../devices/devices.js';
import { ERRORS, type ErrorCode } from '../errors.js';
import type { Kind } from './metering.js';

/** A server error code as the contract's (the codes a client can be told about). */
export const toGatewayCode = (code: string): GatewayErrorCode =>
  Value.Check(GatewayErrorCode, code) ? code : 'INTERNAL';

type Entry = { deviceId: string; at: number; status: CallStatus };

/** How long a finished call's outcome can be read back. */
export const CALL_STATUS_TTL_MS = 5 * 60_000;
const MAX_CALLS = 20_000;

/**
 * The outcome of recent streaming calls by request id (`x-request-id`), readable by the device
 * that made them (`GET /v1/calls/:id`). A stream that fails after its first byte cannot change
 * its HTTP status, so the server breaks the connection instead and the client asks here why.
 * Recorded before the connection is broken, so the answer is there when the client asks.
 */
export class CallRegistry {
  private readonly calls = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  begin(requestId: string, p: Principal, kind: Kind, provider: string): void {
    this.prune();
    this.calls.set(requestId, {
      deviceId: p.deviceId,
      at: this.now(),
      status: { requestId, kind, provider, state: 'streaming' },
    });
  }

  end(requestId: string, outcome: ErrorCode | 'ok', message?: string): void {
    const e = this.calls.get(requestId);
    if (!e) return;
    e.at = this.now();
    const { requestId: id, kind, provider } = e.status;
    if (outcome === 'ok') e.status = { requestId: id, kind, provider, state: 'ok' };
    else {
      const state = outcome === 'CLIENT_CANCELLED' ? 'cancelled' : 'failed';
      const error = { code: toGatewayCode(outcome), message: message ?? ERRORS[outcome].message };
      e.status = { requestId: id, kind, provider, state, error };
    }
  }

  /** The call's status, only for the device that made it. */
  get(requestId: string, p: Principal): CallStatus | undefined {
    const e = this.calls.get(requestId);
    if (e?.deviceId !== p.deviceId || this.now() - e.at > CALL_STATUS_TTL_MS) return undefined;
    return e.status;
  }

  private prune(): void {
    const now = this.now();
    // Map order is insertion order: the oldest calls come first.
    for (const [id, e] of this.calls) {
      if (this.calls.size < MAX_CALLS && now - e.at <= CALL_STATUS_TTL_MS) break;
      this.calls.delete(id);
    }
  }
}
