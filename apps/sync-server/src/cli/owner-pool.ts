import pg from 'pg';
import { pino } from 'pino';
import { loadConfig, type Config } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { runMigrations } from '../db/migrate.js';
import type { Io } from './command.js';

/**
 * Runs an admin command against the database as its owner: DATABASE_URL, or the embedded
 * cluster of a server running on the data directory, or a brief start of it. Migrations are
 * applied first, so a command never meets an older schema.
 */
export async function withOwnerPool<T>(
  io: Io,
  dataDir: string | undefined,
  fn: (pool: pg.Pool, config: Config) => Promise<T>,
): Promise<T> {
  const config = loadConfig(io.env, { VOICEASSIST_DATA_DIR: dataDir });
  const log = pino(
    { level: config.logLevel === 'info' ? 'warn' : config.logLevel },
    pino.destination(2),
  );
  const db = await openDatabase(config, { info: (m) => log.info(m), debug: (m) => log.debug(m) });
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // An idle client cut off by the cluster's shutdown emits 'error' on the pool; without a
  // listener Node would throw it and crash the command after its work is done.
  pool.on('error', (e: Error & { code?: string }) =>
    log.warn({ code: e.code }, 'database connection closed'),
  );
  try {
    await runMigrations(pool);
    return await fn(pool, config);
  } finally {
    await pool.end();
    await db.close();
  }
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
