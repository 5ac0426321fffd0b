import type pg from 'pg';
import type { TokenResponse } from '@voiceassist/contract';
import type { AuthConfig } from '../config.js';
import type { AuditEvent, AuditLog } from '../audit/log.js';
import { checkDevice, enrolDevice } from '../devices/enrol.js';
import type { Principal } from '../devices/devices.js';
import { AppError } from '../errors.js';
import { rolesForGroups } from '../identity/roles.js';
import { upsertOidcUser } from '../identity/oidc-users.js';
import { checkPasswordLogin, type PasswordLogin } from '../identity/local-login.js';
import type { OidcLogin } from './oidc.js';
import type { RateCounter } from './rate-limit-store.js';
import {
  notifySessionRevoked,
  notifyUserChanged,
  revokedError,
  type RevocationState,
} from './revocations.js';
import {
  createSession,
  loadUser,
  revokeSession,
  rotateRefreshToken,
  sessionOfRefreshToken,
  type SessionUser,
} from './sessions.js';
import type { AccessTokens } from './tokens.js';

/** The workstation's device: its enrolment (id + secret) or, on first sign-in, a name for it. */
export type DeviceInput = Readonly<{ id?: string; secret?: string; name?: string }>;

export type { TokenResponse };

/** Who asks, for rate limits and audit rows. */
export type RequestContext = Readonly<{ ip: string; requestId: string }>;

/**
 * Sign-in, refresh and sign-out: every path that creates, extends or ends a session, and the
 * audit row each writes. Routes only translate HTTP to these calls.
 */
export class AuthService {
  constructor(
    private readonly db: pg.Pool,
    readonly config: AuthConfig,
    readonly tokens: AccessTokens,
    readonly revocations: RevocationState,
    readonly audit: AuditLog,
    private readonly registerCounter: RateCounter,
    readonly oidc: OidcLogin | undefined,
  ) {}

  private async record(e: AuditEvent): Promise<void> {
    await this.audit.append(e);
  }

  /** Audits a refused sign-in, then rethrows (the typed name is never recorded: it may be anything). */
  private async refused(
    ctx: RequestContext,
    action: string,
    method: string,
    e: unknown,
    userId?: string,
  ): Promise<never> {
    const code = e instanceof AppError ? e.code : 'INTERNAL';
    await this.record({
      action,
      outcome: code,
      requestId: ctx.requestId,
      userId: userId ?? null,
      detail: { method, ip: ctx.ip },
    }).catch(() => undefined);
    throw e;
  }

  async loginWithPassword(
    ctx: RequestContext,
    login: PasswordLogin,
    device: DeviceInput,
  ): Promise<TokenResponse> {
    if (!this.config.localLogin) throw new AppError('AUTH_METHOD_DISABLED');
    let checked: Awaited<ReturnType<typeof checkPasswordLogin>>;
    try {
      checked = await checkPasswordLogin(this.db, login);
    } catch (e) {
      // The user id (not the typed name) when the name exists.
      const u = await this.db
        .query<{ id: string }>('SELECT id FROM users WHERE name = $1', [login.name])
        .catch(() => undefined);
      return this.refused(ctx, 'login_failed', 'password', e, u?.rows[0]?.id);
    }
    const user = await loadUser(this.db, checked.userId);
    if (!user) throw new AppError('AUTH_LOGIN_FAILED');
    if (checked.passwordChanged) {
      await this.record({
        action: 'password_changed',
        requestId: ctx.requestId,
        userId: user.id,
        actor: user.name,
        clinicId: user.clinicId,
        detail: { via: 'one_time_password' },
      });
    }
    return this.complete(ctx, user, 'password', checked.mfa, device);
  }

  async startOidc(
    redirectUri: string,
    codeChallenge: string,
  ): Promise<{ authorizationUrl: string; state: string; expiresIn: number }> {
    if (!this.oidc) throw new AppError('AUTH_METHOD_DISABLED');
    return this.oidc.start(redirectUri, codeChallenge);
  }

  async finishOidc(
    ctx: RequestContext,
    f: { state: string; code: string; iss?: string; codeVerifier: string },
    device: DeviceInput,
  ): Promise<TokenResponse> {
    const oidc = this.oidc;
    if (!oidc) throw new AppError('AUTH_METHOD_DISABLED');
    let user: SessionUser | undefined;
    try {
      const id = await oidc.finish(f);
      const roles = rolesForGroups(id.groups, oidc.settings.groupRoles);
      const u = await upsertOidcUser(this.db, id, roles, oidc.settings.clinic);
      user = await loadUser(this.db, u.userId);
      if (!user) throw new AppError('INTERNAL', 'user vanished during sign-in');
      if (u.created) {
        await this.record({
          action: 'user_created',
          requestId: ctx.requestId,
          userId: user.id,
          actor: user.name,
          clinicId: user.clinicId,
          detail: { via: 'oidc', roles: [...user.roles] },
        });
      }
      if (u.rolesChanged) {
        await this.record({
          action: 'user_roles_changed',
          requestId: ctx.requestId,
          userId: user.id,
          actor: user.name,
          clinicId: user.clinicId,
          detail: {
            via: 'oidc_groups',
            before: [...u.rolesChanged.before],
            after: [...u.rolesChanged.after],
          },
        });
        await notifyUserChanged(this.db, user.id, user.version, false);
      }
      const disabled = await this.db.query<{ off: boolean }>(
        'SELECT disabled_at IS NOT NULL AS off FROM users WHERE id = $1',
        [user.id],
      );
      if (disabled.rows[0]?.off) {
        throw new AppError(
          'AUTH_LOGIN_FAILED',
          'This account is disabled; ask your administrator.',
        );
      }
      if (user.roles.length === 0) throw new AppError('AUTH_NO_ROLE');
    } catch (e) {
      return this.refused(ctx, 'login_failed', 'oidc', e, user?.id);
    }
    return this.complete(ctx, user, 'oidc', false, device);
  }

  /** Device check or enrolment, a new session, an access token, and the `login` audit row. */
  private async complete(
    ctx: RequestContext,
    user: SessionUser,
    method: 'oidc' | 'password',
    mfa: boolean,
    device: DeviceInput,
  ): Promise<TokenResponse> {
    let deviceId: string;
    let secret: string | undefined;
    if (device.id !== undefined || device.secret !== undefined) {
      const check = await checkDevice(this.db, device.id ?? '', device.secret ?? '');
      if (check !== 'ok') {
        const e = new AppError(
          check === 'revoked' ? 'AUTH_DEVICE_REVOKED' : 'AUTH_INVALID',
          check === 'revoked'
            ? undefined
            : 'This device is not enrolled here; sign in without a device id to enrol it.',
        );
        return this.refused(ctx, 'login_failed', method, e, user.id);
      }
      deviceId = device.id ?? '';
    } else {
      // Enrolling a device is "registering": at most N per hour per address (PostgreSQL-counted).
      const n = await this.registerCounter.hit(`register|${ctx.ip}`, 3_600_000);
      if (n.count > this.config.rateLimits.registerPerHour) {
        const e = new AppError(
          'RATE_LIMITED',
          `Too many new devices were enrolled from this address; try again in ${Math.ceil(n.ttlMs / 60_000)} minutes.`,
        );
        return this.refused(ctx, 'login_failed', method, e, user.id);
      }
      const name = (device.name ?? 'workstation').slice(0, 100);
      const d = await enrolDevice(this.db, user.id, name, method);
      deviceId = d.id;
      secret = d.secret;
      await this.record({
        action: 'device_enrolled',
        requestId: ctx.requestId,
        userId: user.id,
        actor: user.name,
        clinicId: user.clinicId,
        deviceId,
        detail: { via: method, ip: ctx.ip },
      });
    }
    const s = await createSession(
      this.db,
      { userId: user.id, deviceId, method, mfa },
      this.config.refreshTokenTtlSeconds,
    );
    await this.record({
      action: 'login',
      requestId: ctx.requestId,
      userId: user.id,
      actor: user.name,
      clinicId: user.clinicId,
      deviceId,
      detail: { method, mfa, session: s.sessionId, ip: ctx.ip },
    });
    return this.tokenResponse(user, deviceId, s.sessionId, s.refreshToken, secret);
  }

  private async tokenResponse(
    user: SessionUser,
    deviceId: string,
    sessionId: string,
    refreshToken: string,
    deviceSecret?: string,
  ): Promise<TokenResponse> {
    const accessToken = await this.tokens.issue({
      userId: user.id,
      userName: user.name,
      clinicId: user.clinicId,
      deviceId,
      sessionId,
      roles: user.roles,
      version: user.version,
    });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.tokens.ttl,
      refreshToken,
      refreshExpiresIn: this.config.refreshTokenTtlSeconds,
      user: {
        id: user.id,
        name: user.name,
        displayName: user.displayName,
        email: user.email,
        roles: [...user.roles],
      },
      device: deviceSecret ? { id: deviceId, secret: deviceSecret } : { id: deviceId },
      sessionId,
      policy: { idleTimeoutSeconds: this.config.idleTimeoutSeconds },
    };
  }

  /** Rotates a refresh token; a spent one ends its session everywhere. */
  async refresh(ctx: RequestContext, token: string): Promise<TokenResponse> {
    const r = await rotateRefreshToken(this.db, token, this.config.refreshTokenTtlSeconds);
    switch (r.kind) {
      case 'ok': {
        const u = r.ref.user;
        if (u.roles.length === 0) {
          return this.refused(ctx, 'refresh_failed', 'refresh', new AppError('AUTH_NO_ROLE'), u.id);
        }
        await this.record({
          action: 'refresh',
          requestId: ctx.requestId,
          userId: u.id,
          actor: u.name,
          clinicId: u.clinicId,
          deviceId: r.ref.deviceId,
          detail: { session: r.ref.sessionId },
        });
        return this.tokenResponse(u, r.ref.deviceId, r.ref.sessionId, r.refreshToken);
      }
      case 'reused':
        this.revocations.sessionRevoked(r.sessionId);
        await notifySessionRevoked(this.db, [r.sessionId]);
        return this.refused(
          ctx,
          'refresh_reused',
          'refresh',
          new AppError('AUTH_REFRESH_REUSED'),
          r.userId,
        );
      case 'revoked':
        return this.refused(ctx, 'refresh_failed', 'refresh', revokedError(r.why), r.ref.user.id);
      case 'invalid':
        return this.refused(ctx, 'refresh_failed', 'refresh', new AppError('AUTH_REFRESH_INVALID'));
    }
  }

  /** Ends the session of an access token's principal, or of a refresh token. */
  async logout(
    ctx: RequestContext,
    by: { principal: Principal } | { refreshToken: string },
  ): Promise<{ ended: boolean }> {
    const sessionId =
      'principal' in by
        ? by.principal.sessionId
        : await sessionOfRefreshToken(this.db, by.refreshToken);
    if (!sessionId) {
      if ('principal' in by) {
        throw new AppError(
          'BAD_REQUEST',
          'A device key has no session to sign out of; revoke the device instead.',
        );
      }
      throw new AppError('AUTH_REFRESH_INVALID');
    }
    const ended = await revokeSession(this.db, sessionId, 'signed_out');
    if (ended) {
      this.revocations.sessionRevoked(sessionId);
      await notifySessionRevoked(this.db, [sessionId]);
      await this.record({
        action: 'logout',
        requestId: ctx.requestId,
        userId: ended.userId,
        deviceId: ended.deviceId,
        actor: 'principal' in by ? by.principal.userName : null,
        clinicId: 'principal' in by ? by.principal.clinicId : null,
        detail: { session: sessionId },
      });
    }
    return { ended: ended !== undefined };
  }
}
