import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import type { WebSocket } from 'ws';
import { pino } from 'pino';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import { AppError } from './errors.js';
import websocket from '@fastify/websocket';
import refusals, { clientErrorHandler } from './plugins/app/refusals.js';
import db from './plugins/external/db.js';
import auth, { type Authenticator } from './plugins/app/auth.js';
import gateway from './plugins/app/gateway.js';
import rateLimit from '@fastify/rate-limit';
import auditAnchoring from './plugins/app/audit.js';
import { pgRateLimitStore } from './auth/rate-limit-store.js';
import authRoutes from './routes/auth/index.js';
import adminRoutes from './routes/admin/index.js';
import auditRoutes from './routes/audit/index.js';
import health from './routes/health/index.js';
import llm from './routes/llm/index.js';
import stt from './routes/stt/index.js';
import tts from './routes/tts/index.js';
import usage from './routes/usage/index.js';
import calls from './routes/calls/index.js';
import providers from './routes/providers/index.js';
import nextcloudPlugin from './plugins/app/nextcloud.js';
import nextcloudRoutes from './routes/nextcloud/index.js';

export type BuildOptions = {
  /** Apply pending migrations while the app boots (default true). */
  migrate?: boolean;
  migrationsDir?: string;
  /** A pino logger; default JSON on stdout at config.logLevel. */
  logger?: FastifyBaseLogger;
  /** Replaces device-key authentication (the seam for OIDC). */
  authenticator?: Authenticator;
};

/**
 * A WebSocket error: a client breaking the protocol (bad frames, oversized messages) is its fault,
 * logged at warn by code; anything else is ours. The socket is dropped either way.
 */
function websocketError(error: Error, socket: WebSocket, req: FastifyRequest): void {
  const code = (error as { code?: string }).code;
  if (code?.startsWith('WS_ERR_')) req.log.warn({ code }, 'websocket protocol error');
  else req.log.error({ code, name: error.name }, 'websocket handler failed');
  socket.terminate();
}

/**
 * The whole server as a Fastify instance that is not listening: `server.ts` listens, tests use
 * `app.inject` or listen on port 0. Config must carry a resolved `databaseUrl`.
 */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const { databaseUrl } = config;
  if (!databaseUrl) throw new AppError('CONFIG_INVALID', 'buildApp needs config.databaseUrl');
  // Fastify's default request log has method, URL and status only: bodies (clinical text) and
  // the Authorization header are never logged.
  const app = Fastify({
    loggerInstance: opts.logger ?? pino({ level: config.logLevel }),
    bodyLimit: 1024 * 1024,
    // Request ids key call status and usage rows: unique across restarts and processes.
    genReqId: () => randomUUID(),
    // Behind a reverse proxy the client address (rate limits, audit) comes from X-Forwarded-For.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_addr: string, i: number) =>
              i < hops
          )(config.trustProxy)
        : config.trustProxy,
    // Unknown fields are refused, not silently dropped; values are taken as sent, not coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as FastifyInstance;

  // Graceful close: keep-alive connections whose last response ends after close() began would
  // otherwise linger for the keep-alive timeout and hold the close up.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (req, reply, done) => {
    reply.raw.once('finish', () => closing && req.raw.socket.end());
    done();
  });
  await app.register(refusals, {
    onDeviceFault: (req, code, deviceFault) =>
      req.principal && app.gateway.deviceFailures.failed(req.principal, code, deviceFault),
  });

  await app.register(db, {
    databaseUrl,
    ...(config.databaseAppUrl ? { appDatabaseUrl: config.databaseAppUrl } : {}),
    migrate: opts.migrate ?? true,
    ...(opts.migrationsDir ? { migrationsDir: opts.migrationsDir } : {}),
  });
  await app.register(websocket, {
    options: { maxPayload: 1024 * 1024 },
    errorHandler: websocketError,
  });
  await app.register(auth, {
    auth: config.auth,
    ...(opts.authenticator ? { authenticator: opts.authenticator } : {}),
  });
  // Limits are declared per route (config.rateLimit) and counted in PostgreSQL.
  await app.register(rateLimit, {
    global: false,
    store: pgRateLimitStore(app.rateCounter),
    errorResponseBuilder: (_req, c) =>
      new AppError('RATE_LIMITED', `Too many requests; try again in ${c.after}.`),
  });
  await app.register(auditAnchoring, { anchorMinutes: config.auth.auditAnchorMinutes });
  await app.register(gateway, { config });
  await app.register(llm);
  await app.register(stt);
  await app.register(tts);
  await app.register(usage);
  await app.register(calls);
  await app.register(providers);
  await app.register(authRoutes);
  await app.register(adminRoutes);
  await app.register(auditRoutes);
  await app.register(nextcloudPlugin, { config: config.nextcloud });
  await app.register(nextcloudRoutes);
  await app.register(health, {
    version: config.version,
    startedAt: Date.now(),
    ...(opts.migrationsDir ? { migrationsDir: opts.migrationsDir } : {}),
  });
  return app;
}
