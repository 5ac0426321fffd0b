import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  AUTH_PATHS,
  AuthConfigResponse,
  LogoutRequest,
  MeResponse,
  OidcFinishRequest,
  OidcStartRequest,
  OidcStartResponse,
  PasswordLoginRequest,
  RefreshRequest,
  TokenResponse,
} from '@voiceassist/contract';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { AppError } from '../../errors.js';
import type { AuthService, RequestContext } from '../../auth/service.js';
import { beginTotp, confirmTotp } from '../../identity/mfa.js';
import { loadUser } from '../../auth/sessions.js';

const ctx = (req: FastifyRequest): RequestContext => ({ ip: req.ip, requestId: req.id });

/**
 * `/v1/auth/*`: sign-in (OIDC and local), refresh, sign-out, who am I, TOTP enrolment. The
 * sign-in routes are public in the route table and check credentials themselves; each is
 * rate-limited per client address, counted in PostgreSQL (so across server instances).
 */
const auth: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const limits = app.auth?.config.rateLimits;
  const svc = (): AuthService => {
    if (!app.auth)
      throw new AppError('NOT_READY', 'Sign-in is not available until migrations ran.');
    return app.auth;
  };
  const perMinute = (max: number) => ({ rateLimit: { max, timeWindow: 60_000 } });
  const login = perMinute(limits?.loginPerMinute ?? 10);
  const refresh = perMinute(limits?.refreshPerMinute ?? 20);

  app.get(AUTH_PATHS.config, { schema: { response: { 200: AuthConfigResponse } } }, () => {
    const a = svc();
    return {
      oidc: a.oidc ? { issuer: a.oidc.settings.issuer } : null,
      localLogin: a.config.localLogin,
      policy: { idleTimeoutSeconds: a.config.idleTimeoutSeconds },
    };
  });

  app.post(
    AUTH_PATHS.oidcStart,
    { config: login, schema: { body: OidcStartRequest, response: { 200: OidcStartResponse } } },
    (req) => svc().startOidc(req.body.redirectUri, req.body.codeChallenge),
  );

  app.post(
    AUTH_PATHS.oidcFinish,
    { config: login, schema: { body: OidcFinishRequest, response: { 200: TokenResponse } } },
    (req) => {
      const { device, ...finish } = req.body;
      return svc().finishOidc(ctx(req), finish, device);
    },
  );

  app.post(
    AUTH_PATHS.login,
    { config: login, schema: { body: PasswordLoginRequest, response: { 200: TokenResponse } } },
    (req) => {
      const b = req.body;
      return svc().loginWithPassword(
        ctx(req),
        {
          name: b.username,
          password: b.password,
          totp: b.totp,
          recoveryCode: b.recoveryCode,
          newPassword: b.newPassword,
        },
        b.device,
      );
    },
  );

  app.post(
    AUTH_PATHS.refresh,
    { config: refresh, schema: { body: RefreshRequest, response: { 200: TokenResponse } } },
    (req) => svc().refresh(ctx(req), req.body.refreshToken),
  );

  app.post(
    AUTH_PATHS.logout,
    {
      config: refresh,
      // No schema body: no body at all is fine here (sign out with the Authorization header).
      schema: { response: { 200: Type.Object({ ended: Type.Boolean() }) } },
    },
    async (req) => {
      const body: unknown = req.body ?? {};
      if (!Value.Check(LogoutRequest, body)) {
        throw new AppError(
          'BAD_REQUEST',
          'Send {"refreshToken"} or nothing (with the access token).',
        );
      }
      const token = body.refreshToken;
      if (token) return svc().logout(ctx(req), { refreshToken: token });
      await app.authenticate(req);
      const p = req.principal;
      if (!p) throw new AppError('AUTH_REQUIRED');
      return svc().logout(ctx(req), { principal: p });
    },
  );

  app.get(AUTH_PATHS.me, { schema: { response: { 200: MeResponse } } }, async (req) => {
    const p = req.principal;
    if (!p) throw new AppError('AUTH_REQUIRED');
    const u = await loadUser(app.db, p.userId);
    if (!u) throw new AppError('AUTH_INVALID');
    return {
      user: {
        id: u.id,
        name: u.name,
        displayName: u.displayName,
        email: u.email,
        roles: [...u.roles],
      },
      device: { id: p.deviceId },
      sessionId: p.sessionId ?? null,
      via: p.sessionId ? ('session' as const) : ('device_key' as const),
    };
  });

  app.post(
    AUTH_PATHS.totp,
    {
      config: login,
      schema: { response: { 200: Type.Object({ secret: Type.String(), uri: Type.String() }) } },
    },
    async (req) => {
      const p = req.principal;
      if (!p) throw new AppError('AUTH_REQUIRED');
      return beginTotp(app.db, p.userId);
    },
  );

  app.post(
    AUTH_PATHS.totpConfirm,
    {
      config: login,
      schema: {
        body: Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }),
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }) },
      },
    },
    async (req) => {
      const p = req.principal;
      if (!p) throw new AppError('AUTH_REQUIRED');
      const out = await confirmTotp(app.db, p.userId, req.body.code);
      await svc().audit.append({
        action: 'mfa_enabled',
        requestId: req.id,
        userId: p.userId,
        actor: p.userName,
        clinicId: p.clinicId,
        deviceId: p.deviceId,
        detail: { factor: 'totp', recoveryCodes: out.recoveryCodes.length },
      });
      return out;
    },
  );
  done();
};
export default auth;
