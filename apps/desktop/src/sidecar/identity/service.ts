import os from 'node:os';
import type { AuthConfigResponse } from '@voiceassist/contract';
import type { Logger } from 'pino';
import type { IdentityState, IdentityUser, PasswordSignInInput } from '../../shared/identity.js';
import { CodedError, codeOf, errorInfo, type ErrorInfo } from '../../shared/errors.js';
import type { ProfileHandle } from '../profile-handle.js';
import { gatewayConfigFromEnv } from '../providers/config.js';
import { AuthClient } from './client.js';
import { identityError } from './errors.js';
import { ProfileCredentialStore } from './profile-store.js';
import { IdentitySession, type SessionState } from './session.js';
import { MemoryCredentialStore, type CredentialStore } from './store.js';

type Mode = IdentityState['mode'];

export type IdentityServiceOptions = Readonly<{
  env: NodeJS.ProcessEnv;
  profiles: ProfileHandle;
  log: Logger;
  /** Every change of the state, for `identity.changed`. */
  onChange: (state: IdentityState) => void;
  fetchImpl?: typeof fetch;
  now?: () => number;
  /** How often a signed-in session is checked with the server (default 30 s). */
  checkEveryMs?: number;
}>;

const CHECK_EVERY_MS = 30_000;

/** A local setting may shorten the clinic's idle policy, never lengthen it. */
function idleLimitFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const n = Number(env.VOICEASSIST_IDLE_TIMEOUT_SECONDS);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

const toUser = (u: {
  name: string;
  displayName: string | null;
  email: string | null;
  roles: IdentityUser['roles'];
}): IdentityUser => ({
  name: u.name,
  displayName: u.displayName,
  email: u.email,
  roles: [...u.roles],
});

/**
 * The engine's sign-in (issue 18): decides whether this workstation needs a personal sign-in,
 * runs the session (sidecar/identity/session.ts) with its credentials in the profile's encrypted
 * store, locks after the idle policy's time without activity (the session ends on the server;
 * signing in again unlocks), and hands the gateway client the access token.
 *
 * Modes: no VOICEASSIST_SERVER_URL, or a server that offers no sign-in → `off`; an admin-issued
 * device key → `device-key` (headless use); otherwise a person signs in.
 */
export class IdentityService {
  readonly mode: Mode;
  private config: AuthConfigResponse | undefined;
  private configReason: ErrorInfo | null = null;
  private checking: Promise<void> | undefined;
  private readonly session: IdentitySession | undefined;
  private readonly client: AuthClient | undefined;
  private locked: { user: IdentityUser; reason: ErrorInfo } | undefined;
  private browser: AbortController | undefined;
  private lastActivity: number;
  private idleTimer: NodeJS.Timeout | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  private last = '';
  private offByServer = false;
  private readonly now: () => number;

  constructor(private readonly opts: IdentityServiceOptions) {
    this.now = opts.now ?? Date.now;
    this.lastActivity = this.now();
    const url = opts.env.VOICEASSIST_SERVER_URL?.trim();
    if (!url) {
      this.mode = 'off';
      return;
    }
    if (gatewayConfigFromEnv(opts.env, opts.profiles.dir)) {
      this.mode = 'device-key';
      return;
    }
    this.mode = 'sign-in';
    const client = new AuthClient(url.replace(/\/+$/, ''), opts.fetchImpl);
    this.client = client;
    const deviceName = opts.env.VOICEASSIST_DEVICE_NAME?.trim() ?? '';
    this.session = new IdentitySession({
      client,
      store: this.credentialStore(client.baseUrl),
      deviceName: deviceName.length > 0 ? deviceName : os.hostname(),
      now: this.now,
    });
    this.session.onChange((s) => this.changed(s));
  }

  private credentialStore(serverUrl: string): CredentialStore {
    if (this.opts.profiles.dir === undefined) {
      this.opts.log.warn('no profile: the sign-in is kept in memory only (lost on restart)');
      return new MemoryCredentialStore();
    }
    return new ProfileCredentialStore(async () => {
      const profile = await this.opts.profiles.get();
      if (!profile) throw identityError('NOT_SIGNED_IN');
      return profile.settings;
    }, serverUrl);
  }

  /** Reads the server's sign-in options, then signs in with a stored refresh token if any. */
  start(): Promise<void> {
    const client = this.client;
    if (!client) return Promise.resolve();
    this.checking ??= (async () => {
      try {
        this.config = await client.config();
        this.configReason = null;
        if (!this.config.oidc && !this.config.localLogin) {
          this.offByServer = true;
          this.opts.log.warn('the server offers no sign-in: the workstation runs without one');
        } else {
          await this.session?.restore();
        }
      } catch (e) {
        this.configReason = e instanceof CodedError ? e.toInfo() : errorInfo('SERVER_UNREACHABLE');
        this.opts.log.warn({ code: codeOf(e) }, 'sign-in options could not be read');
      } finally {
        this.checking = undefined;
        this.emit();
      }
    })();
    this.emit();
    return this.checking;
  }

  private changed(s: SessionState): void {
    if (s.kind === 'signed_in') {
      this.locked = undefined;
      this.lastActivity = this.now();
      this.armIdle();
      this.checkTimer ??= setInterval(
        () => void this.session?.check().catch(() => undefined),
        this.opts.checkEveryMs ?? CHECK_EVERY_MS,
      ).unref();
    } else if (s.kind === 'signed_out') {
      clearTimeout(this.idleTimer);
      clearInterval(this.checkTimer);
      this.checkTimer = undefined;
    }
    this.emit();
  }

  private emit(): void {
    const state = this.state();
    const json = JSON.stringify(state);
    if (json === this.last) return;
    this.last = json;
    this.opts.onChange(state);
  }

  private idleSeconds(): number | undefined {
    const s = this.session?.state;
    const policy =
      s?.kind === 'signed_in' ? s.idleTimeoutSeconds : this.config?.policy.idleTimeoutSeconds;
    const local = idleLimitFromEnv(this.opts.env);
    if (policy === undefined) return local;
    return local === undefined ? policy : Math.min(policy, local);
  }

  /** The current state for the renderer (never a token). */
  state(): IdentityState {
    const effectiveMode: Mode = this.offByServer ? 'off' : this.mode;
    const base = {
      mode: effectiveMode,
      methods: {
        browser: Boolean(this.config?.oidc),
        password: this.config?.localLogin ?? false,
      },
      idleTimeoutSeconds: this.idleSeconds() ?? null,
    };
    if (effectiveMode !== 'sign-in' || !this.session) {
      return { ...base, status: 'signed-in', user: null, reason: null };
    }
    if (!this.config) {
      const status = this.checking ? 'checking' : 'signed-out';
      return { ...base, status, user: null, reason: this.configReason };
    }
    const s = this.session.state;
    if (s.kind === 'signed_in') {
      return { ...base, status: 'signed-in', user: toUser(s.user), reason: null };
    }
    if (this.locked) {
      return {
        ...base,
        status: s.kind === 'signing_in' ? 'signing-in' : 'locked',
        user: this.locked.user,
        reason: (s.kind === 'signed_out' ? s.reason : undefined) ?? this.locked.reason,
      };
    }
    if (s.kind === 'signing_in') return { ...base, status: 'signing-in', user: null, reason: null };
    return { ...base, status: 'signed-out', user: null, reason: s.reason ?? null };
  }

  /** `identity.state`: when the server could not be asked yet, asks again first. */
  async current(): Promise<IdentityState> {
    if (this.session && !this.config) await this.start();
    return this.state();
  }

  private signInSession(): IdentitySession {
    if (this.mode !== 'sign-in' || this.offByServer || !this.session) {
      throw identityError('SIGN_IN_NOT_AVAILABLE');
    }
    return this.session;
  }

  /**
   * Starts a browser sign-in and resolves with the IdP's URL once the loopback receiver listens;
   * the outcome arrives as a state change. A new start cancels the previous wait (the person may
   * have closed that tab).
   */
  async signInBrowser(): Promise<{ authorizationUrl: string }> {
    const session = this.signInSession();
    if (!this.config) await this.start();
    if (!this.config?.oidc) throw identityError('SIGN_IN_NOT_AVAILABLE');
    this.browser?.abort();
    const abort = new AbortController();
    this.browser = abort;
    return new Promise((resolve, reject) => {
      let opened = false;
      session
        .signInWithBrowser((url) => {
          opened = true;
          resolve({ authorizationUrl: url });
          return Promise.resolve();
        }, abort.signal)
        .then(
          () => this.opts.log.info('signed in (browser)'),
          (e: unknown) => {
            if (!opened) reject(e instanceof Error ? e : new Error(String(e)));
            else this.opts.log.warn({ code: codeOf(e) }, 'browser sign-in failed');
          },
        )
        .finally(() => {
          if (this.browser === abort) this.browser = undefined;
        });
    });
  }

  cancelSignIn(): { cancelled: boolean } {
    const b = this.browser;
    this.browser = undefined;
    b?.abort();
    return { cancelled: Boolean(b) };
  }

  async signInPassword(input: PasswordSignInInput): Promise<IdentityState> {
    const session = this.signInSession();
    if (!this.config) await this.start();
    this.cancelSignIn();
    await session.signInWithPassword(input);
    this.opts.log.info('signed in (password)');
    return this.state();
  }

  async signOut(): Promise<IdentityState> {
    const session = this.signInSession();
    this.cancelSignIn();
    this.locked = undefined;
    await session.signOut();
    this.emit();
    return this.state();
  }

  /** Locks: the session ends on the server; who was signed in is kept for the quick unlock. */
  async lock(code: 'LOCKED_IDLE' | 'LOCKED_BY_USER' = 'LOCKED_BY_USER'): Promise<IdentityState> {
    const session = this.signInSession();
    const s = session.state;
    if (s.kind !== 'signed_in') return this.state();
    this.locked = { user: toUser(s.user), reason: errorInfo(code) };
    clearTimeout(this.idleTimer);
    await session.signOut();
    this.opts.log.info({ code }, 'workstation locked');
    this.emit();
    return this.state();
  }

  activity(): void {
    this.lastActivity = this.now();
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    const limit = this.idleSeconds();
    if (limit === undefined) return;
    const left = this.lastActivity + limit * 1000 - this.now();
    this.idleTimer = setTimeout(
      () => {
        if (this.session?.state.kind !== 'signed_in') return;
        if (this.now() - this.lastActivity >= limit * 1000) {
          void this.lock('LOCKED_IDLE').catch(() => undefined);
        } else {
          this.armIdle();
        }
      },
      Math.max(0, left),
    );
    this.idleTimer.unref();
  }

  /** Throws unless the workstation may be used now (no sign-in needed, or signed in). */
  assertSignedIn(): void {
    const s = this.state();
    if (s.mode !== 'sign-in' || s.status === 'signed-in') return;
    if (s.status === 'locked') {
      throw identityError(s.reason?.code === 'LOCKED_IDLE' ? 'LOCKED_IDLE' : 'LOCKED_BY_USER');
    }
    throw identityError('NOT_SIGNED_IN');
  }

  /** The access token for the gateway; rejects (coded) when nobody is signed in or it is locked. */
  bearer = async (): Promise<string> => {
    if (!this.session) throw identityError('NOT_SIGNED_IN');
    return this.session.accessToken();
  };

  close(): void {
    clearTimeout(this.idleTimer);
    clearInterval(this.checkTimer);
    this.browser?.abort();
    this.session?.dispose();
  }
}
