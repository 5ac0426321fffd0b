import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import { startEmbeddedPostgres } from './embedded.js';

type Log = { info: (msg: string) => void; debug: (msg: string) => void };

/**
 * The database for an admin command: DATABASE_URL; else the embedded cluster a running server
 * already has up in DATA_DIR (its port is in postmaster.pid); else a temporary start of it.
 */
export async function openDatabase(
  config: Config,
  log: Log,
): Promise<{ url: string; close: () => Promise<void> }> {
  if (config.databaseUrl) return { url: config.databaseUrl, close: () => Promise.resolve() };
  const running = await runningClusterUrl(config.dataDir);
  if (running) return { url: running, close: () => Promise.resolve() };
  const pg = await startEmbeddedPostgres(config.dataDir, log);
  return { url: pg.url, close: pg.stop };
}

/** The owner URL of the embedded cluster a server is running on DATA_DIR, if any. */
export async function runningClusterUrl(dataDir: string): Promise<string | undefined> {
  try {
    const pid = (await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split(
      '\n',
    );
    const [pidLine, , , portLine] = pid;
    process.kill(Number(pidLine), 0); // throws when the process is gone (stale pid file)
    const password = (await readFile(path.join(dataDir, 'postgres-password'), 'utf8')).trim();
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${Number(portLine)}/postgres`;
  } catch {
    return undefined;
  }
}
