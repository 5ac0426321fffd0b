import pg from 'pg';
import { loadConfig } from '../config.js';
import { runningClusterUrl } from '../db/connect.js';
import { appRoleUrl } from '../db/roles.js';
import { AppError } from '../errors.js';
import { parse, UsageError, type Command } from './command.js';
import { str } from './owner-pool.js';

/**
 * `db url [--superuser]`: a connection URL for the database of a running server — the app's role
 * (what the server itself uses; no UPDATE/DELETE on the audit log), or with --superuser the
 * owner's — for backups and inspection (`psql "$(voiceassist-server db url)"`).
 */
export const db: Command = async (args, io) => {
  const { values, positionals } = parse(args, {
    superuser: { type: 'boolean' },
    'data-dir': { type: 'string' },
  });
  const [sub, ...extra] = positionals;
  if (sub !== 'url' || extra.length > 0) throw new UsageError('db: expected url');
  const config = loadConfig(io.env, { VOICEASSIST_DATA_DIR: str(values['data-dir']) });
  const owner = config.databaseUrl ?? (await runningClusterUrl(config.dataDir));
  if (!owner) {
    throw new AppError(
      'DB_UNAVAILABLE',
      `No server is running on ${config.dataDir}; start it first (voiceassist-server start --data-dir ${config.dataDir}).`,
    );
  }
  if (values.superuser === true) {
    io.stdout.write(`${owner}\n`);
    return 0;
  }
  let app = config.databaseAppUrl;
  if (!app) {
    const c = new pg.Client({ connectionString: owner });
    await c.connect();
    try {
      app = await appRoleUrl(c, owner);
    } finally {
      await c.end();
    }
  }
  if (!app) {
    throw new AppError(
      'DB_UNAVAILABLE',
      'The app role does not exist yet; start the server once first.',
    );
  }
  io.stdout.write(`${app}\n`);
  return 0;
};
