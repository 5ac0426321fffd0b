import fp from 'fastify-plugin';
import pg from 'pg';
import { runMigrations } from '../../db/migrate.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: pg.Pool;
  }
}

export type DbPluginOptions = { databaseUrl: string; migrate: boolean; migrationsDir?: string };

/** The PostgreSQL pool as `app.db`; applies pending migrations before the app is ready. */
export default fp<DbPluginOptions>(
  async (app, opts) => {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 20,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 10_000,
    });
    pool.on('error', (e) =>
      app.log.warn({ code: (e as { code?: string }).code }, 'idle db client error'),
    );
    app.decorate('db', pool);
    app.addHook('onClose', async () => pool.end());
    if (opts.migrate) {
      const r = await runMigrations(pool, opts.migrationsDir);
      app.log.info({ applied: r.applied, total: r.total }, 'migrations up to date');
    }
  },
  { name: 'db' },
);
