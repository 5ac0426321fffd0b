import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import pg from 'pg';
import { AppError } from '../../errors.js';
import {
  looksLikeKey,
  REVOKE_CHANNEL,
  revokedAmong,
  type Principal,
} from '../../devices/devices.js';
import { KeyCache } from '../../devices/key-cache.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** preHandler for every gateway route: sets `request.principal` or replies 401. */
    authenticate: (req: FastifyRequest) => Promise<void>;
    /** Long-lived connections (WebSockets) to close when their device is revoked. */
    liveConnections: LiveConnections;
  }
}

/** The one seam for authentication: device keys today, OIDC tokens later. */
export type Authenticator = (req: FastifyRequest, db: pg.Pool) => Promise<Principal>;

const BEARER = /^Bearer\s+(\S+)$/i;

/** Device keys (`Authorization: Bearer vak_…`), verified through the cache of known keys. */
export function deviceKeyAuthenticator(cache: KeyCache): Authenticator {
  return async (req) => {
    const header = req.headers.authorization;
    const key = header ? BEARER.exec(header)?.[1] : undefined;
    if (!key) throw new AppError('AUTH_REQUIRED');
    const principal = looksLikeKey(key) ? await cache.principal(key) : undefined;
    if (!principal) throw new AppError('AUTH_INVALID');
    return principal;
  };
}

type Closer = (code: number, reason: string) => void;

export class LiveConnections {
  private readonly byDevice = new Map<string, Set<Closer>>();
  track(deviceId: string, close: Closer): () => void {
    let set = this.byDevice.get(deviceId);
    if (!set) this.byDevice.set(deviceId, (set = new Set()));
    set.add(close);
    return () => {
      set.delete(close);
      if (set.size === 0) this.byDevice.delete(deviceId);
    };
  }
  deviceIds(): string[] {
    return [...this.byDevice.keys()];
  }
  closeDevice(deviceId: string): number {
    const set = this.byDevice.get(deviceId);
    if (!set) return 0;
    this.byDevice.delete(deviceId);
    for (const close of set) close(4401, 'AUTH_INVALID');
    return set.size;
  }
}

export type AuthPluginOptions = {
  databaseUrl: string;
  authenticator?: Authenticator;
  /** Safety net behind LISTEN/NOTIFY: how often open connections' devices are re-checked. */
  recheckMs?: number;
};

const LISTEN_RETRY_MS = 1_000;

export default fp<AuthPluginOptions>(
  async (app, opts) => {
    const cache = new KeyCache(app.db);
    const authenticator = opts.authenticator ?? deviceKeyAuthenticator(cache);
    const live = new LiveConnections();
    app.decorateRequest('principal', null);
    app.decorate('liveConnections', live);
    app.decorate('authenticate', async (req: FastifyRequest) => {
      req.principal = await authenticator(req, app.db);
    });

    const closeRevoked = (id: string) => {
      cache.evictDevice(id);
      const n = live.closeDevice(id);
      if (n > 0) app.log.info({ deviceId: id, closed: n }, 'device revoked: connections closed');
    };
    // Revocation by `device revoke` (another process) arrives as a NOTIFY within milliseconds.
    // The key cache is only on while this LISTEN connection is up: a notification missed while
    // it is down could otherwise leave a revoked key usable.
    let closed = false;
    let listener: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    const listen = async (): Promise<void> => {
      const c = new pg.Client({ connectionString: opts.databaseUrl });
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
      c.on('notification', (n) => n.payload && closeRevoked(n.payload));
      listener = c;
      try {
        await c.connect();
        await c.query(`LISTEN ${REVOKE_CHANNEL}`);
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
    // …and a revocation that bypassed NOTIFY (plain SQL) is caught by a periodic check of the
    // devices with open connections or cached keys.
    const timer = setInterval(() => {
      const ids = [...new Set([...live.deviceIds(), ...cache.deviceIds()])];
      if (ids.length === 0) return;
      revokedAmong(app.db, ids).then(
        (gone) => gone.forEach(closeRevoked),
        () => undefined,
      );
    }, opts.recheckMs ?? 500);
    timer.unref();
    app.addHook('onClose', async () => {
      closed = true;
      clearInterval(timer);
      clearTimeout(retry);
      cache.setEnabled(false);
      await listener?.end().catch(() => undefined);
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
