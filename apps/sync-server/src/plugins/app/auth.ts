import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import pg from 'pg';
import { AppError } from '../../errors.js';
import {
  principalForKey,
  REVOKE_CHANNEL,
  revokedAmong,
  type Principal,
} from '../../devices/devices.js';

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

export const deviceKeyAuthenticator: Authenticator = async (req, db) => {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!m?.[1]) throw new AppError('AUTH_REQUIRED');
  const principal = await principalForKey(db, m[1]);
  if (!principal) throw new AppError('AUTH_INVALID');
  return principal;
};

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

export default fp<AuthPluginOptions>(
  async (app, opts) => {
    const authenticator = opts.authenticator ?? deviceKeyAuthenticator;
    const live = new LiveConnections();
    app.decorateRequest('principal', null);
    app.decorate('liveConnections', live);
    app.decorate('authenticate', async (req: FastifyRequest) => {
      req.principal = await authenticator(req, app.db);
    });

    const closeRevoked = (id: string) => {
      const n = live.closeDevice(id);
      if (n > 0) app.log.info({ deviceId: id, closed: n }, 'device revoked: connections closed');
    };
    // Revocation by `device revoke` (another process) arrives as a NOTIFY within milliseconds.
    const listener = new pg.Client({ connectionString: opts.databaseUrl });
    listener.on('error', (e) =>
      app.log.warn({ code: (e as { code?: string }).code }, 'revocation listener error'),
    );
    listener.on('notification', (n) => n.payload && closeRevoked(n.payload));
    await listener.connect();
    await listener.query(`LISTEN ${REVOKE_CHANNEL}`);
    // …and if a notification is ever missed (listener reconnecting), a periodic check catches it.
    const timer = setInterval(() => {
      const ids = live.deviceIds();
      if (ids.length === 0) return;
      revokedAmong(app.db, ids).then(
        (gone) => gone.forEach(closeRevoked),
        () => undefined,
      );
    }, opts.recheckMs ?? 500);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await listener.end().catch(() => undefined);
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
