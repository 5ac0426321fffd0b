import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { migrationStatus } from '../../db/migrate.js';

const Ready = Type.Object({
  status: Type.Literal('ready'),
  database: Type.Literal('ok'),
  migrations: Type.Object({ applied: Type.Integer(), pending: Type.Integer() }),
});
const NotReady = Type.Object({
  status: Type.Literal('not_ready'),
  reason: Type.String(),
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

export type HealthRoutesOptions = { version: string; startedAt: number; migrationsDir?: string };

const health: FastifyPluginCallbackTypebox<HealthRoutesOptions> = (app, opts, done) => {
  app.get(
    '/health',
    {
      schema: {
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            version: Type.String(),
            uptimeSeconds: Type.Number(),
          }),
        },
      },
    },
    () => ({
      status: 'ok' as const,
      version: opts.version,
      uptimeSeconds: Math.round((Date.now() - opts.startedAt) / 100) / 10,
    }),
  );

  app.get(
    '/ready',
    { schema: { response: { 200: Ready, 503: NotReady } } },
    async (_req, reply) => {
      const notReady = (reason: string) =>
        reply.code(503).send({
          status: 'not_ready' as const,
          reason,
          error: { code: 'NOT_READY', message: reason },
        });
      let s;
      try {
        s = await migrationStatus(app.db, opts.migrationsDir);
      } catch (e) {
        app.log.warn({ code: (e as { code?: string }).code }, 'readiness: database unreachable');
        return notReady('database unreachable');
      }
      if (s.mismatched > 0) return notReady(`${s.mismatched} applied migration(s) changed on disk`);
      if (s.pending > 0) return notReady(`${s.pending} migration(s) pending`);
      return {
        status: 'ready' as const,
        database: 'ok' as const,
        migrations: { applied: s.applied, pending: 0 },
      };
    },
  );
  done();
};
export default health;
