import { AuditLog } from '../audit/log.js';
import { AppError } from '../errors.js';
import { findUser } from '../identity/users.js';
import { Connections } from '../nextcloud/connections.js';
import { CredentialKeys } from '../nextcloud/keys.js';
import { NextcloudService } from '../nextcloud/service.js';
import { parse, UsageError, type Command, type Io } from './command.js';
import { str, withOwnerPool } from './owner-pool.js';

const CLI_ACTOR = 'cli';

async function readStdin(io: Io & { stdin?: NodeJS.ReadableStream }): Promise<string> {
  const input = io.stdin ?? process.stdin;
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8').trim();
}

/**
 * `nextcloud connect --user NAME --login LOGIN --app-password PW|- [--caldav-path P]
 * [--webdav-path P]`: connects a person without the browser flow (checked against Nextcloud
 * first; `-` reads the app password from stdin, keeping it out of the process list).
 * `nextcloud disconnect --user NAME` | `nextcloud status` | `nextcloud rotate-key`.
 */
export const nextcloud: Command = async (args, io) => {
  const { values, positionals } = parse(args, {
    user: { type: 'string' },
    login: { type: 'string' },
    'app-password': { type: 'string' },
    'caldav-path': { type: 'string' },
    'webdav-path': { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const [sub, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  const dataDir = str(values['data-dir']);
  for (const flag of ['caldav-path', 'webdav-path'] as const) {
    const v = str(values[flag]);
    if (v !== undefined && !/^\/.*\{user\}/.test(v)) {
      throw new UsageError(`--${flag} must start with "/" and contain {user}`);
    }
  }
  if (sub === 'connect') {
    const user = str(values.user);
    const login = str(values.login);
    let appPassword = str(values['app-password']);
    if (!user || !login || !appPassword) {
      throw new UsageError('nextcloud connect needs --user NAME --login LOGIN --app-password PW');
    }
    if (appPassword === '-') appPassword = await readStdin(io);
    const password = appPassword;
    return withOwnerPool(io, dataDir, async (pool, config) => {
      const url = config.nextcloud.url;
      if (!url) throw new AppError('NEXTCLOUD_NOT_CONFIGURED', 'Set NEXTCLOUD_URL first.');
      const found = await findUser(pool, { name: user });
      if (!found) throw new AppError('USER_NOT_FOUND', `No user named ${user}.`);
      const keys = await CredentialKeys.load(config.nextcloud.keysFile, { create: true });
      const audit = new AuditLog(pool);
      const service = new NextcloudService(pool, { ...config.nextcloud, url }, keys, (e) =>
        audit.append({ ...e, actor: CLI_ACTOR }),
      );
      await service.connect(
        { userId: found.id, clinicId: found.clinicId, deviceId: '' },
        { login, appPassword: password },
        'cli',
        { caldavPath: str(values['caldav-path']), webdavPath: str(values['webdav-path']) },
      );
      await audit.flush();
      io.stdout.write(`connected ${found.name} to Nextcloud as ${login}\n`);
      return 0;
    });
  }
  if (sub === 'disconnect') {
    const user = str(values.user);
    if (!user) throw new UsageError('nextcloud disconnect needs --user NAME');
    return withOwnerPool(io, dataDir, async (pool, config) => {
      const url = config.nextcloud.url;
      if (!url) throw new AppError('NEXTCLOUD_NOT_CONFIGURED', 'Set NEXTCLOUD_URL first.');
      const found = await findUser(pool, { name: user });
      if (!found) throw new AppError('USER_NOT_FOUND', `No user named ${user}.`);
      const keys = await CredentialKeys.load(config.nextcloud.keysFile, { create: true });
      const audit = new AuditLog(pool);
      const service = new NextcloudService(pool, { ...config.nextcloud, url }, keys, (e) =>
        audit.append({ ...e, actor: CLI_ACTOR }),
      );
      const removed = await service.disconnect({
        userId: found.id,
        clinicId: found.clinicId,
        deviceId: '',
      });
      await audit.flush();
      io.stdout.write(`${found.name}: ${removed ? 'disconnected' : 'was not connected'}\n`);
      return 0;
    });
  }
  if (sub === 'status') {
    return withOwnerPool(io, dataDir, async (pool) => {
      const r = await pool.query<{ name: string; login: string; state: string; via: string }>(
        `SELECT u.name, c.login, c.state, c.via FROM nextcloud_connections c
           JOIN users u ON u.id = c.user_id ORDER BY u.name`,
      );
      io.stdout.write('USER\tLOGIN\tSTATE\tVIA\n');
      for (const row of r.rows)
        io.stdout.write(`${row.name}\t${row.login}\t${row.state}\t${row.via}\n`);
      return 0;
    });
  }
  if (sub === 'rotate-key') {
    return withOwnerPool(io, dataDir, async (pool, config) => {
      const keys = await CredentialKeys.load(config.nextcloud.keysFile, { create: true });
      const keyId = await keys.addActiveKey();
      const client = await pool.connect();
      let rows: number;
      try {
        await client.query('BEGIN');
        rows = await Connections.reencryptAll(client, keys);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e; // the new key stays active; old rows keep decrypting with the old keys
      } finally {
        client.release();
      }
      const retired = await keys.retireUnused(await Connections.keyIdsInUse(pool));
      const audit = new AuditLog(pool);
      await audit.append({
        action: 'nextcloud_key_rotated',
        actor: CLI_ACTOR,
        detail: { keyId, reencrypted: rows, retired: retired.length },
      });
      io.stdout.write(
        `active key ${keyId}; ${rows} stored secret(s) re-encrypted; ${retired.length} old key(s) removed from ${keys.file}\n`,
      );
      return 0;
    });
  }
  throw new UsageError('nextcloud: expected connect, disconnect, status or rotate-key');
};
