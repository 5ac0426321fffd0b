import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import { AppError, ERRORS, errorBody, isAppError } from './errors.js';
import websocket from '@fastify/websocket';
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
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as FastifyInstance;

  app.setErrorHandler((err, req, reply) => {
    if (isAppError(err)) return reply.code(err.statusCode).send(errorBody(err.code, err.message));
    const e = err as { validation?: unknown; statusCode?: number; code?: string };
    if (e.validation) return reply.code(400).send(errorBody('BAD_REQUEST', (err as Error).message));
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.code(e.statusCode).send(errorBody('BAD_REQUEST', e.code ?? 'bad request'));
    }
    // The pool could not hand out a connection in time (PostgreSQL overloaded or down).
    if ((err as Error).message === 'timeout exceeded when trying to connect') {
      req.log.warn('database pool exhausted');
      return reply.code(503).send(errorBody('DB_UNAVAILABLE'));
    }
    req.log.error({ code: e.code, name: (err as Error).name }, 'unhandled error');
    return reply.code(500).send(errorBody('INTERNAL', ERRORS.INTERNAL.message));
  });
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
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(errorBody('NOT_FOUND')));

  await app.register(db, {
    databaseUrl,
    ...(config.databaseAppUrl ? { appDatabaseUrl: config.databaseAppUrl } : {}),
    migrate: opts.migrate ?? true,
    ...(opts.migrationsDir ? { migrationsDir: opts.migrationsDir } : {}),
  });
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
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
  await app.register(health, {
    version: config.version,
    startedAt: Date.now(),
    ...(opts.migrationsDir ? { migrationsDir: opts.migrationsDir } : {}),
  });
  return app;
}
