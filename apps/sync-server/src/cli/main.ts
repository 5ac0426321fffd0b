import { isAppError } from '../errors.js';
import { UsageError, type Command, type Io } from './command.js';

const USAGE = `usage:
  voiceassist-server start [--port N] [--data-dir DIR] [--host H]
  voiceassist-server device add --user NAME [--clinic NAME] [--data-dir DIR]
  voiceassist-server device list [--data-dir DIR]
  voiceassist-server device revoke ID [--data-dir DIR]
  voiceassist-server admin bootstrap --user NAME [--clinic NAME] [--data-dir DIR]
  voiceassist-server admin user list|disable NAME|enable NAME|roles NAME ROLES [--data-dir DIR]
  voiceassist-server audit verify [--anchors FILE] [--json] [--data-dir DIR]
  voiceassist-server audit export|anchor [--data-dir DIR]
  voiceassist-server db url [--superuser] [--data-dir DIR]
  voiceassist-server nextcloud connect --user NAME --login LOGIN --app-password PW|- [--caldav-path P] [--webdav-path P] [--data-dir DIR]
  voiceassist-server nextcloud disconnect --user NAME | status | rotate-key [--data-dir DIR]`;

/** Lazy so `device list` does not load the HTTP stack, and `start` not the admin code. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./start.js')).start,
  device: async () => (await import('./device.js')).device,
  admin: async () => (await import('./admin.js')).admin,
  audit: async () => (await import('./audit.js')).audit,
  db: async () => (await import('./db.js')).db,
  nextcloud: async () => (await import('./nextcloud.js')).nextcloud,
};

export async function main(argv: string[], io: Io = process): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? COMMANDS[name] : undefined;
  if (!load) {
    io.stderr.write(`${name ? `unknown command: ${name}\n` : ''}${USAGE}\n`);
    return 2;
  }
  try {
    return await (
      await load()
    )(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (isAppError(e)) {
      io.stderr.write(`error ${e.code}: ${e.message}\n`);
      return e.code === 'CONFIG_INVALID' ? 2 : 1;
    }
    io.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
