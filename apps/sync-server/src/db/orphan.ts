import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';

/**
 * Who runs the embedded PostgreSQL of a data folder, and what to do about one left behind.
 *
 * PostgreSQL's `postmaster.pid` names the postmaster; `postgres.owner` (ours) names the server
 * process that started it, with its start time so a reused pid is not taken for it. A server
 * killed with SIGKILL cannot stop its PostgreSQL: the next start finds the postmaster alive and
 * its owner gone, and stops it cleanly (fast shutdown: no client is left, so it checkpoints and
 * exits within a second) before starting its own; a postmaster.pid naming a dead or unrelated
 * process is removed; PostgreSQL's own crash recovery does the rest.
 */

type Log = { info: (msg: string) => void };

export type Owner = Readonly<{ pid: number; startTicks: string | undefined }>;

const OWNER_FILE = 'postgres.owner';
const POLL_MS = 50;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, not ours to signal
  }
};

/** The process's start time in clock ticks since boot (Linux), which a reused pid does not share. */
async function startTicks(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): starttime is the 20th.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

async function commandLine(pid: number): Promise<string[] | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
  } catch {
    return undefined; // not Linux, or gone
  }
}

async function readOwner(dataDir: string): Promise<Owner | undefined> {
  try {
    const o = JSON.parse(await readFile(path.join(dataDir, OWNER_FILE), 'utf8')) as Owner;
    return typeof o.pid === 'number' ? o : undefined;
  } catch {
    return undefined;
  }
}

async function ownerAlive(o: Owner): Promise<boolean> {
  if (!alive(o.pid)) return false;
  const ticks = await startTicks(o.pid);
  return ticks === undefined || o.startTicks === undefined || ticks === o.startTicks;
}

/** This process now owns the data folder's PostgreSQL. */
export async function claimOwnership(dataDir: string): Promise<void> {
  const owner: Owner = { pid: process.pid, startTicks: await startTicks(process.pid) };
  await writeFile(path.join(dataDir, OWNER_FILE), JSON.stringify(owner) + '\n', { mode: 0o600 });
}

/** Gives ownership up (after stopping PostgreSQL), unless another process took it meanwhile. */
export async function releaseOwnership(dataDir: string): Promise<void> {
  const o = await readOwner(dataDir);
  if (o?.pid === process.pid) await rm(path.join(dataDir, OWNER_FILE), { force: true });
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return !alive(pid);
}

/**
 * Makes the cluster in `clusterDir` (under `dataDir`) free to start: refuses when a live server
 * owns it; stops a postmaster whose server is gone; removes a postmaster.pid that names a dead or
 * unrelated process.
 */
export async function takeOverCluster(
  dataDir: string,
  clusterDir: string,
  log: Log,
): Promise<void> {
  const owner = await readOwner(dataDir);
  if (owner && owner.pid !== process.pid && (await ownerAlive(owner))) {
    throw new AppError(
      'EMBEDDED_PG_FAILED',
      `Another voiceassist-server (pid ${owner.pid}) is using the data directory ${dataDir}. Stop it first, or start this one with another --data-dir.`,
    );
  }
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = (await readFile(pidFile, 'utf8')).split('\n');
  } catch {
    return; // not running, shut down cleanly
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) {
    log.info(`removing the stale ${pidFile} (pid ${lines[0] ?? '?'} is not running)`);
    return rm(pidFile, { force: true });
  }
  const cmd = await commandLine(pid);
  if (cmd && !(cmd.includes(clusterDir) && cmd.some((a) => /(^|\/)postgres$/.test(a)))) {
    log.info(`removing the stale ${pidFile} (pid ${pid} is another program now)`);
    return rm(pidFile, { force: true });
  }
  log.info(`stopping the embedded PostgreSQL (pid ${pid}) left running by a server that is gone`);
  for (const [signal, ms] of [
    ['SIGINT', 10_000], // fast shutdown: disconnects clients, checkpoints, exits
    ['SIGQUIT', 5_000], // immediate shutdown: crash recovery at the next start
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
    if (await waitGone(pid, ms)) return;
  }
  throw new AppError(
    'EMBEDDED_PG_FAILED',
    `The embedded PostgreSQL (pid ${pid}) left by a stopped server in ${clusterDir} does not stop. Stop it by hand (kill ${pid}) and start again.`,
  );
}
