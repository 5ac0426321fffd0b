import type { Principal } from '../devices/devices.js';

/** Closes one connection with a WebSocket close code and the error code as reason. */
type Closer = (code: number, reason: string) => void;

type Entry = { principal: Principal | undefined; deviceId: string; close: Closer };

/** Close code for a connection whose credentials were revoked (WS_CLOSE_AUTH_REVOKED). */
const REVOKED = 4401;

/**
 * Open long-lived connections (WebSockets) by device, session and user, so revoking any of them
 * closes the connections it authorised at once.
 */
export class LiveConnections {
  private readonly entries = new Set<Entry>();

  /** `who`: the request's principal (or, as before sessions existed, a device id). */
  track(who: Principal | string, close: Closer): () => void {
    const e: Entry =
      typeof who === 'string'
        ? { principal: undefined, deviceId: who, close }
        : { principal: who, deviceId: who.deviceId, close };
    this.entries.add(e);
    return () => this.entries.delete(e);
  }

  deviceIds(): string[] {
    return [...new Set([...this.entries].map((e) => e.deviceId))];
  }

  /** Connections opened with an access token (for the periodic revocation check). */
  withSessions(): { principal: Principal; close: (reason: string) => void }[] {
    const out: { principal: Principal; close: (reason: string) => void }[] = [];
    for (const e of this.entries) {
      if (e.principal?.sessionId) {
        out.push({
          principal: e.principal,
          close: (reason) => this.closeWhere((x) => x === e, reason),
        });
      }
    }
    return out;
  }

  private closeWhere(
    match: (e: Entry) => boolean,
    reason: string | ((e: Entry) => string),
  ): number {
    const hit = [...this.entries].filter(match);
    for (const e of hit) {
      this.entries.delete(e);
      e.close(REVOKED, typeof reason === 'string' ? reason : reason(e));
    }
    return hit.length;
  }

  /** A device key's connections end with AUTH_INVALID, a signed-in person's with AUTH_DEVICE_REVOKED. */
  closeDevice(deviceId: string): number {
    return this.closeWhere(
      (e) => e.deviceId === deviceId,
      (e) => (e.principal?.sessionId ? 'AUTH_DEVICE_REVOKED' : 'AUTH_INVALID'),
    );
  }

  closeSession(sessionId: string, reason: string): number {
    return this.closeWhere((e) => e.principal?.sessionId === sessionId, reason);
  }

  closeUser(userId: string, reason: string): number {
    return this.closeWhere((e) => e.principal?.userId === userId, reason);
  }
}
