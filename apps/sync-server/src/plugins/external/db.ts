import fp from 'fastify-plugin';
import pg from 'pg';
import { runMigrations } from '../../db/migrate.js';
import { ensureAppRole } from '../../db/roles.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The pool requests use: the app role (no UPDATE/DELETE on the audit log). */
    db: pg.Pool;
    /** Connection URLs: `owner` applies migrations; `app` serves requests (and LISTENs). */
    databaseUrls: Readonly<{ owner: string; app: string }>;
  }
}

export type DbPluginOptions = {
  databaseUrl: string;
  /** The app role's URL when an operator created it (DATABASE_APP_URL); else it is managed. */
  appDatabaseUrl?: string;
  migrate: boolean;
  migrationsDir?: string;
};

/**
 * Applies pending migrations as the owner, sets up the app role, and exposes the app role's
 * pool as `app.db`. Without migrations (tests of readiness) the owner's URL serves requests.
 */
export default fp<DbPluginOptions>(
  async (app, opts) => {
    let appUrl = opts.appDatabaseUrl ?? opts.databaseUrl;
    if (opts.migrate) {
      const owner = new pg.Pool({ connectionString: opts.databaseUrl, max: 2 });
      try {
        const r = await runMigrations(owner, opts.migrationsDir);
        app.log.info({ applied: r.applied, total: r.total }, 'migrations up to date');
        appUrl = await ensureAppRole(owner, opts.databaseUrl, opts.appDatabaseUrl);
      } finally {
        await owner.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: appUrl,
      max: 20,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 10_000,
    });
    pool.on('error', (e) =>
      app.log.warn({ code: (e as { code?: string }).code }, 'idle db client error'),
    );
    app.decorate('db', pool);
    app.decorate('databaseUrls', { owner: opts.databaseUrl, app: appUrl });
    app.addHook('onClose', async () => pool.end());
  },
  { name: 'db' },
);
