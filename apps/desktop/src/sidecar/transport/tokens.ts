import { createHash, randomBytes } from 'node:crypto';

/** Bytes of entropy in every token. */
const TOKEN_BYTES = 32;
/** Live session tokens kept at most (tabs × reloads); the oldest is forgotten first. */
const MAX_SESSIONS = 16;
/** Unused launch links minted by `voiceassist open` kept at most; the oldest stops working. */
const MAX_LAUNCHES = 8;

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');
const newToken = (): string => randomBytes(TOKEN_BYTES).toString('base64url');

export type Redemption =
  | { readonly ok: true; readonly session: string }
  | { readonly ok: false; readonly reason: 'unknown' | 'used' };

/**
 * Web mode's tokens. The launch token (printed once, in the URL fragment) opens ONE connection and
 * is exchanged for a session token the page keeps in sessionStorage, so a reload of that tab
 * reconnects. Session tokens rotate: each is good for one connection and returns a fresh one.
 * Only digests are stored, so lookups leak nothing about the secrets through timing.
 */
export class TokenBook {
  readonly launchToken = newToken();
  private readonly live = new Set<string>([digest(this.launchToken)]);
  private readonly used = new Set<string>();
  private readonly sessions: string[] = [];
  private readonly launches: string[] = [];

  /**
   * Another one-time launch token, for opening the UI again without restarting the engine
   * (`voiceassist open`, through the control endpoint). Like the first: one connection, then a
   * session token.
   */
  mintLaunchToken(): string {
    const token = newToken();
    const key = digest(token);
    this.live.add(key);
    this.launches.push(key);
    while (this.launches.length > MAX_LAUNCHES) {
      const oldest = this.launches.shift();
      if (oldest !== undefined) this.live.delete(oldest);
    }
    return token;
  }

  redeem(token: string): Redemption {
    const key = digest(token);
    if (!this.live.delete(key))
      return { ok: false, reason: this.used.has(key) ? 'used' : 'unknown' };
    this.used.add(key);
    const index = this.sessions.indexOf(key);
    if (index >= 0) this.sessions.splice(index, 1);
    const launch = this.launches.indexOf(key);
    if (launch >= 0) this.launches.splice(launch, 1);
    return { ok: true, session: this.issueSession() };
  }

  private issueSession(): string {
    const session = newToken();
    const key = digest(session);
    this.live.add(key);
    this.sessions.push(key);
    while (this.sessions.length > MAX_SESSIONS) {
      const oldest = this.sessions.shift();
      if (oldest !== undefined) this.live.delete(oldest);
    }
    return session;
  }
}
