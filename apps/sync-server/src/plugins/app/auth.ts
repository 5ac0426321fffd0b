import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import pg from 'pg';
import type { AuthConfig } from '../../config.js';
import { AppError } from '../../errors.js';
import {
  looksLikeKey,
  REVOKE_CHANNEL,
  revokedAmong,
  type Principal,
} from '../../devices/devices.js';
import { KeyCache } from '../../devices/key-cache.js';
import { AuditLog } from '../../audit/log.js';
import { SigningKeys } from '../../auth/keys.js';
import { OidcLogin } from '../../auth/oidc.js';
import { RateCounter } from '../../auth/rate-limit-store.js';
import { AUTH_CHANNEL, RevocationState, revokedError } from '../../auth/revocations.js';
import { accessFor } from '../../auth/route-access.js';
import { AuthService } from '../../auth/service.js';
import { AccessTokens } from '../../auth/tokens.js';
import { LiveConnections } from '../../auth/live-connections.js';

export { LiveConnections } from '../../auth/live-connections.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Sets `request.principal` or throws a coded 401; a no-op when already authenticated. */
    authenticate: (req: FastifyRequest) => Promise<void>;
    /** Long-lived connections (WebSockets) to close when their device or session is revoked. */
    liveConnections: LiveConnections;
    /** Sign-in, refresh, sign-out and the audit log (undefined before migrations ran). */
    auth: AuthService | undefined;
    /** Counters shared by every instance, for @fastify/rate-limit and enrolment limits. */
    rateCounter: RateCounter;
    /** Every route registered after this plugin (all of them), for the route × role test. */
    registeredRoutes: { method: string; url: string }[];
  }
}

/** The one seam for authentication: device keys and access tokens today. */
export type Authenticator = (req: FastifyRequest, db: pg.Pool) => Promise<Principal>;

const BEARER = /^Bearer\s+(\S+)$/i;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function bearer(req: FastifyRequest): string {
  const header = req.headers.authorization;
  const token = header ? BEARER.exec(header)?.[1] : undefined;
  if (!token) throw new AppError('AUTH_REQUIRED');
  return token;
}

/** Device keys (`Authorization: Bearer vak_…`), verified through the cache of known keys. */
export function deviceKeyAuthenticator(cache: KeyCache): Authenticator {
  return async (req) => {
    const key = bearer(req);
    const principal = looksLikeKey(key) ? await cache.principal(key) : undefined;
    if (!principal) throw new AppError('AUTH_INVALID');
    return principal;
  };
}

/**
 * Device keys or the server's access tokens (JWT): the signature and claims are checked in
 * memory, then the revocation state (sessions, devices, users) — no database round trip while
 * that state is fresh.
 */
export function bearerAuthenticator(
  cache: KeyCache,
  tokens: () => AccessTokens | undefined,
  revocations: RevocationState,
): Authenticator {
  const byKey = deviceKeyAuthenticator(cache);
  return async (req, db) => {
    const token = bearer(req);
    if (looksLikeKey(token)) return byKey(req, db);
    const t = tokens();
    if (!t || token.length > 4096 || !JWT.test(token)) throw new AppError('AUTH_INVALID');
    const c = await t.verify(token);
    const why = await revocations.check(c);
    if (why) throw revokedError(why);
    return {
      deviceId: c.deviceId,
      userId: c.userId,
      userName: c.userName,
      clinicId: c.clinicId,
      roles: c.roles,
      sessionId: c.sessionId,
    };
  };
}

export type AuthPluginOptions = {
  auth: AuthConfig;
  authenticator?: Authenticator;
  /** Safety net behind LISTEN/NOTIFY: how often open connections and revocations are re-read. */
  recheckMs?: number;
};

const LISTEN_RETRY_MS = 1_000;

async function tablesReady(db: pg.Pool): Promise<boolean> {
  const r = await db.query<{ t: string | null }>(
    `SELECT to_regclass('auth_signing_keys')::text AS t`,
  );
  return Boolean(r.rows[0]?.t);
}

export default fp<AuthPluginOptions>(
  async (app, opts) => {
    const cache = new KeyCache(app.db);
    const revocations = new RevocationState(app.db);
    const counter = new RateCounter(app.db);
    let tokens: AccessTokens | undefined;
    let service: AuthService | undefined;
    // Without migrations (a readiness probe before they ran) the server starts without sign-in.
    if (await tablesReady(app.db)) {
      const keys = new SigningKeys(app.db);
      await keys.init();
      const meta = await app.db.query<{ value: string }>(
        `SELECT value FROM server_meta WHERE key = 'instance_id'`,
      );
      const issuer = `urn:voiceassist:server:${meta.rows[0]?.value ?? 'unknown'}`;
      tokens = new AccessTokens(keys, issuer, opts.auth.accessTokenTtlSeconds);
      await revocations.poll();
      const audit = new AuditLog(app.db, (e) =>
        app.log.error({ code: (e as { code?: string }).code }, 'audit append failed'),
      );
      service = new AuthService(
        app.db,
        opts.auth,
        tokens,
        revocations,
        audit,
        counter,
        opts.auth.oidc ? new OidcLogin(app.db, opts.auth.oidc) : undefined,
      );
      app.addHook('onClose', async () => audit.flush());
    }
    const authenticator =
      opts.authenticator ?? bearerAuthenticator(cache, () => tokens, revocations);
    const live = new LiveConnections();
    app.decorateRequest('principal', null);
    app.decorate('liveConnections', live);
    app.decorate('auth', service);
    app.decorate('rateCounter', counter);
    const routes: { method: string; url: string }[] = [];
    app.decorate('registeredRoutes', routes);
    app.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) routes.push({ method, url: r.url });
    });
    const authenticate = async (req: FastifyRequest) => {
      req.principal ??= await authenticator(req, app.db);
    };
    app.decorate('authenticate', authenticate);

    // Every route is in the access table (src/auth/route-access.ts); roles are checked before
    // the body is read. A route missing from the table is refused to everyone.
    app.addHook('onRequest', async (req, reply) => {
      const url = req.routeOptions.url;
      if (url === undefined) return; // no route: the 404 handler answers
      const access = accessFor(req.method, url);
      if (access === 'public') return;
      if (access === undefined) {
        req.log.error({ method: req.method, url }, 'route missing from ROUTE_ACCESS: refused');
        throw new AppError('FORBIDDEN', 'This route is not open to any role.');
      }
      const t0 = performance.now();
      await authenticate(req);
      const roles = req.principal?.roles ?? [];
      if (!access.some((r) => roles.includes(r))) throw new AppError('FORBIDDEN');
      // The auth step's own time (the benchmark reads it); streamed answers add their own entries.
      reply.header('server-timing', `auth;dur=${(performance.now() - t0).toFixed(3)}`);
    });

    const closeRevokedDevice = (id: string) => {
      cache.evictDevice(id);
      revocations.deviceRevoked(id);
      const n = live.closeDevice(id);
      if (n > 0) app.log.info({ deviceId: id, closed: n }, 'device revoked: connections closed');
    };
    const onAuthChange = (payload: string) => {
      const [kind, id, version, disabled] = payload.split(':');
      if (!id) return;
      if (kind === 's') {
        revocations.sessionRevoked(id);
        live.closeSession(id, 'AUTH_SESSION_REVOKED');
      } else if (kind === 'u') {
        const off = disabled === '1';
        revocations.userChanged(id, Number(version), off);
        cache.evictUser(id);
        if (off) live.closeUser(id, 'AUTH_SESSION_REVOKED');
      }
    };
    // Revocations from another process arrive as NOTIFY within milliseconds. The key cache is
    // only on while this LISTEN connection is up: a notification missed while it is down could
    // otherwise leave a revoked key usable (access tokens rely on the poll below).
    let closed = false;
    let listener: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    const listen = async (): Promise<void> => {
      const c = new pg.Client({ connectionString: app.databaseUrls.app });
      let lost = false;
      const onLost = (e?: Error) => {
        if (lost) return;
        lost = true;
        cache.setEnabled(false);
        if (e) app.log.warn({ code: (e as { code?: string }).code }, 'revocation listener error');
        c.end().catch(() => undefined);
        if (!closed) {
          retry = setTimeout(() => void listen().catch(onRetryFailed), LISTEN_RETRY_MS);
          retry.unref();
        }
      };
      const onRetryFailed = () => undefined; // listen() schedules the next try itself
      c.on('error', onLost);
      c.on('end', () => onLost());
      c.on('notification', (n) => {
        if (!n.payload) return;
        if (n.channel === REVOKE_CHANNEL) closeRevokedDevice(n.payload);
        else onAuthChange(n.payload);
      });
      listener = c;
      try {
        await c.connect();
        await c.query(`LISTEN ${REVOKE_CHANNEL}`);
        await c.query(`LISTEN ${AUTH_CHANNEL}`);
      } catch (e) {
        onLost(e as Error);
        throw e;
      }
      cache.setEnabled(!closed);
    };
    try {
      await listen();
    } catch (e) {
      closed = true; // the server does not start: no retries behind its back
      clearTimeout(retry);
      throw e;
    }
    // …and what bypassed NOTIFY (plain SQL) is caught by a periodic check: devices with open
    // connections or cached keys, and the revocation state behind access tokens.
    const timer = setInterval(() => {
      const ids = [...new Set([...live.deviceIds(), ...cache.deviceIds()])];
      if (ids.length > 0) {
        revokedAmong(app.db, ids).then(
          (gone) => gone.forEach(closeRevokedDevice),
          () => undefined,
        );
      }
      if (tokens) {
        revocations.poll().then(
          () => {
            for (const { principal, close } of live.withSessions()) {
              void revocations
                .check({
                  userId: principal.userId,
                  deviceId: principal.deviceId,
                  sessionId: principal.sessionId ?? '',
                  version: Number.MAX_SAFE_INTEGER, // a role change does not end a stream
                  userName: principal.userName,
                  clinicId: principal.clinicId,
                  roles: principal.roles,
                  issuedAt: 0,
                  expiresAt: 0,
                })
                .then((why) => why && close(revokedError(why).code));
            }
          },
          (e: unknown) =>
            app.log.warn({ code: (e as { code?: string }).code }, 'revocation poll failed'),
        );
      }
    }, opts.recheckMs ?? 500);
    timer.unref();
    const sweep = setInterval(() => void counter.sweep().catch(() => undefined), 60_000);
    sweep.unref();
    app.addHook('onClose', async () => {
      closed = true;
      clearInterval(timer);
      clearInterval(sweep);
      clearTimeout(retry);
      cache.setEnabled(false);
      await listener?.end().catch(() => undefined);
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
