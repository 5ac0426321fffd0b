import type { AuthUser, TokenResponse } from '@voiceassist/contract';
import { CodedError, codeOf, type ErrorInfo } from '../../shared/errors.js';
import type { AuthClient } from './client.js';
import { identityError, SESSION_ENDING_CODES } from './errors.js';
import { startLoopbackReceiver } from './loopback.js';
import { createPkce } from './pkce.js';
import type { CredentialStore, StoredCredentials } from './store.js';

export type SessionState =
  | { kind: 'signed_out'; reason: ErrorInfo | undefined }
  | { kind: 'signing_in' }
  | {
      kind: 'signed_in';
      user: AuthUser;
      deviceId: string;
      /** Epoch ms when the current access token expires. */
      expiresAt: number;
      /** The clinic's idle policy: lock the workstation after this long without activity. */
      idleTimeoutSeconds: number;
    };

/** Timers, injectable so a test can see and fire the refresh the session schedules. */
export type Scheduler = Readonly<{
  set: (fn: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}>;

const REAL_TIMERS: Scheduler = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export type IdentityOptions = Readonly<{
  client: AuthClient;
  store: CredentialStore;
  /** Shown to administrators for a workstation this sign-in enrols. */
  deviceName: string;
  now?: () => number;
  scheduler?: Scheduler;
  /** Port and path of the loopback redirect (port 0/undefined: any free port, RFC 8252 §7.3). */
  loopback?: { port?: number; path?: string };
  /** How long the person has to finish signing in in the browser (default 5 minutes). */
  browserTimeoutMs?: number;
}>;

/** Refresh this long before expiry: a fifth of the lifetime, at most a minute. */
export function refreshDelayMs(expiresInSeconds: number): number {
  const lifetime = expiresInSeconds * 1000;
  return Math.max(0, lifetime - Math.min(60_000, lifetime / 5));
}

const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 60_000;
/** accessToken() refreshes first when the token has less than this left. */
const MIN_VALIDITY_MS = 30_000;

/**
 * The workstation's sign-in: OIDC authorization code + PKCE in the system browser with a loopback
 * redirect (RFC 8252), or a local account; keeps the access token in memory and the refresh token
 * and enrolment in the credential store; refreshes before expiry (one refresh at a time: a spent
 * refresh token presented twice would end the session on the server); signs out.
 */
export class IdentitySession {
  private current: SessionState = { kind: 'signed_out', reason: undefined };
  private access: string | undefined;
  private refreshing: Promise<void> | undefined;
  private timer: unknown;
  private retryMs = RETRY_MIN_MS;
  private readonly listeners = new Set<(s: SessionState) => void>();
  private readonly now: () => number;
  private readonly scheduler: Scheduler;

  constructor(private readonly opts: IdentityOptions) {
    this.now = opts.now ?? Date.now;
    this.scheduler = opts.scheduler ?? REAL_TIMERS;
  }

  get state(): SessionState {
    return this.current;
  }

  onChange(fn: (s: SessionState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(s: SessionState): void {
    this.current = s;
    for (const l of this.listeners) l(s);
  }

  private async stored(): Promise<StoredCredentials> {
    return (
      (await this.opts.store.load()) ?? {
        serverUrl: this.opts.client.baseUrl,
        device: undefined,
        refreshToken: undefined,
      }
    );
  }

  /** The device part of a sign-in request: this workstation's enrolment, or a name to enrol it. */
  private async deviceCredentials(): Promise<{ id?: string; secret?: string; name?: string }> {
    const s = await this.stored();
    return s.device ? { id: s.device.id, secret: s.device.secret } : { name: this.opts.deviceName };
  }

  private async accept(t: TokenResponse): Promise<SessionState> {
    const s = await this.stored();
    await this.opts.store.save({
      serverUrl: this.opts.client.baseUrl,
      device: t.device.secret ? { id: t.device.id, secret: t.device.secret } : s.device,
      refreshToken: t.refreshToken,
    });
    this.access = t.accessToken;
    this.retryMs = RETRY_MIN_MS;
    this.schedule(refreshDelayMs(t.expiresIn));
    this.set({
      kind: 'signed_in',
      user: t.user,
      deviceId: t.device.id,
      expiresAt: this.now() + t.expiresIn * 1000,
      idleTimeoutSeconds: t.policy.idleTimeoutSeconds,
    });
    return this.current;
  }

  private schedule(ms: number): void {
    this.scheduler.clear(this.timer);
    this.timer = this.scheduler.set(() => {
      this.timer = undefined;
      this.refresh().catch(() => undefined); // the state says what happened
    }, ms);
  }

  private async fail(e: unknown): Promise<never> {
    const code = codeOf(e) ?? 'SERVER_PROTOCOL';
    if (SESSION_ENDING_CODES.has(code)) {
      const s = await this.stored();
      await this.opts.store.save({ ...s, refreshToken: undefined });
      this.signedOut(e instanceof CodedError ? e.toInfo() : undefined);
    }
    throw e;
  }

  private signedOut(reason: ErrorInfo | undefined): void {
    this.scheduler.clear(this.timer);
    this.timer = undefined;
    this.access = undefined;
    this.set({ kind: 'signed_out', reason });
  }

  /** Signs in with a refresh token kept from an earlier run, if there is one. */
  async restore(): Promise<SessionState> {
    const s = await this.stored();
    if (!s.refreshToken) return this.current;
    await this.refresh().catch(() => undefined);
    return this.current;
  }

  /**
   * OIDC in the system browser: listen on loopback, ask the server to start (it keeps state and
   * nonce), open the IdP's page, wait for the redirect with our state, hand code and verifier
   * to the server, which exchanges them and verifies the ID token.
   */
  async signInWithBrowser(
    openUrl: (url: string) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<SessionState> {
    this.set({ kind: 'signing_in' });
    const receiver = await startLoopbackReceiver(this.opts.loopback ?? {}).catch((e: unknown) => {
      this.signedOut(e instanceof CodedError ? e.toInfo() : undefined);
      throw e;
    });
    try {
      const pkce = createPkce();
      const start = await this.opts.client.oidcStart(receiver.redirectUri, pkce.challenge);
      const response = receiver.wait(
        start.state,
        Math.min(this.opts.browserTimeoutMs ?? 300_000, start.expiresIn * 1000),
        signal,
      );
      await openUrl(start.authorizationUrl);
      const r = await response;
      if (r.kind === 'error') {
        throw identityError(
          'LOGIN_DENIED',
          r.error === 'access_denied' ? 'access denied' : r.error,
        );
      }
      const tokens = await this.opts.client.oidcFinish({
        state: r.state,
        code: r.code,
        ...(r.iss === undefined ? {} : { iss: r.iss }),
        codeVerifier: pkce.verifier,
        device: await this.deviceCredentials(),
      });
      return await this.accept(tokens);
    } catch (e) {
      this.signedOut(e instanceof CodedError ? e.toInfo() : undefined);
      throw e;
    } finally {
      await receiver.close();
    }
  }

  /** A local account (clinics without an IdP, the first admin). */
  async signInWithPassword(c: {
    username: string;
    password: string;
    totp?: string;
    recoveryCode?: string;
    newPassword?: string;
  }): Promise<SessionState> {
    this.set({ kind: 'signing_in' });
    try {
      return await this.accept(
        await this.opts.client.login({ ...c, device: await this.deviceCredentials() }),
      );
    } catch (e) {
      this.signedOut(e instanceof CodedError ? e.toInfo() : undefined);
      throw e;
    }
  }

  /** Rotates the refresh token now (at most one rotation in flight). */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const s = await this.stored();
        if (!s.refreshToken) throw identityError('NOT_SIGNED_IN');
        let t: TokenResponse;
        try {
          t = await this.opts.client.refresh(s.refreshToken);
        } catch (e) {
          if (e instanceof CodedError && e.code === 'SERVER_UNREACHABLE') {
            // Keep the session; try again with backoff (the access token may still be valid).
            this.schedule(this.retryMs);
            this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
            throw e;
          }
          return await this.fail(e);
        }
        await this.accept(t);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** An access token valid for at least another 30 s, refreshing first if needed. */
  async accessToken(): Promise<string> {
    const s = this.current;
    if (s.kind === 'signed_in' && this.access && s.expiresAt - this.now() > MIN_VALIDITY_MS) {
      return this.access;
    }
    if (s.kind !== 'signed_in') throw identityError('NOT_SIGNED_IN');
    await this.refresh();
    if (!this.access) throw identityError('NOT_SIGNED_IN');
    return this.access;
  }

  /**
   * Asks the server whether the session still stands (revoked user, session or device end it
   * there at once; this is how the workstation learns before its next refresh). Offline: no
   * change; an expired or stale token: refreshed.
   */
  async check(): Promise<void> {
    const s = this.current;
    if (s.kind !== 'signed_in' || !this.access) return;
    try {
      await this.opts.client.me(this.access);
    } catch (e) {
      const code = codeOf(e);
      if (code === 'AUTH_TOKEN_EXPIRED' || code === 'AUTH_TOKEN_STALE') return this.refresh();
      if (code !== undefined && SESSION_ENDING_CODES.has(code)) await this.fail(e);
    }
  }

  /** Ends the session on the server (best effort when offline) and forgets the refresh token. */
  async signOut(): Promise<void> {
    const s = await this.stored();
    const by = this.access
      ? { accessToken: this.access }
      : s.refreshToken
        ? { refreshToken: s.refreshToken }
        : undefined;
    await this.opts.store.save({ ...s, refreshToken: undefined });
    this.signedOut(undefined);
    if (by) await this.opts.client.logout(by).catch(() => undefined);
  }

  /** Forgets this workstation's enrolment (after AUTH_DEVICE_REVOKED, to enrol it again). */
  async forgetDevice(): Promise<void> {
    const s = await this.stored();
    await this.opts.store.save({ ...s, device: undefined, refreshToken: undefined });
  }

  dispose(): void {
    this.scheduler.clear(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }
}
