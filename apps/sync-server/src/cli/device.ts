import pg from 'pg';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { runMigrations } from '../db/migrate.js';
import { addDevice, listDevices, revokeDevice } from '../devices/devices.js';
import { parse, UsageError, type Command } from './command.js';

/** `device add --user NAME [--clinic C]` | `device list` | `device revoke ID`, all `[--data-dir DIR]`. */
export const device: Command = async (args, io) => {
  const { values, positionals } = parse(args, {
    user: { type: 'string' },
    clinic: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const [sub, id, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  const user = typeof values.user === 'string' ? values.user : undefined;
  const clinic = typeof values.clinic === 'string' ? values.clinic : undefined;
  if (sub === 'add' && !user) throw new UsageError('device add needs --user NAME');
  if (sub === 'revoke' && !id) throw new UsageError('device revoke needs the device ID');
  if (sub !== 'add' && sub !== 'list' && sub !== 'revoke') {
    throw new UsageError(`device: expected add, list or revoke${sub ? `, got ${sub}` : ''}`);
  }
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined;
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
    switch (sub) {
      case 'add': {
        const d = await addDevice(pool, user ?? '', clinic);
        io.stdout.write(
          `device ${d.id} for user ${user ?? ''}; its key is shown once:\n${d.key}\n`,
        );
        return 0;
      }
      case 'list': {
        const rows = await listDevices(pool);
        io.stdout.write('ID\tUSER\tCLINIC\tKEY\tCREATED\tLAST USED\tSTATUS\n');
        for (const r of rows) {
          io.stdout.write(
            `${r.id}\t${r.user}\t${r.clinic}\t${r.keyPrefix}…\t${r.createdAt.toISOString()}\t` +
              `${r.lastUsedAt?.toISOString() ?? '-'}\t${r.revokedAt ? `revoked ${r.revokedAt.toISOString()}` : 'active'}\n`,
          );
        }
        return 0;
      }
      case 'revoke':
        await revokeDevice(pool, id ?? '');
        io.stdout.write(`revoked ${id ?? ''}\n`);
        return 0;
    }
  } finally {
    await pool.end();
    await db.close();
  }
};
