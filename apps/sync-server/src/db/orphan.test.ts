import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from './embedded.js';

const log = { info: () => undefined, debug: () => undefined };
let dataDir: string;
let pidFile: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'vas-orphan-'));
  pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  await (await startEmbeddedPostgres(dataDir, log)).stop(); // a cluster, shut down cleanly
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** A postmaster.pid as PostgreSQL writes it, naming `pid`. */
const fakePidFile = (pid: number) =>
  writeFile(
    pidFile,
    `${pid}\n${path.join(dataDir, 'postgres')}\n1700000000\n5432\n\n127.0.0.1\n0 0\nready\n`,
  );

function sleeper(): { pid: number; stop: () => void } {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  return { pid: child.pid ?? 0, stop: () => child.kill('SIGKILL') };
}

describe('starting on a data folder something was left in', () => {
  it('a postmaster.pid naming a process that is gone: removed, PostgreSQL starts', async () => {
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    await fakePidFile(gone.pid ?? 0);
    const pg = await startEmbeddedPostgres(dataDir, log);
    await pg.stop();
  });

  it('a postmaster.pid naming an unrelated live process (a reused pid): removed, PostgreSQL starts', async () => {
    const other = sleeper();
    try {
      await fakePidFile(other.pid);
      const pg = await startEmbeddedPostgres(dataDir, log);
      expect(Number((await readFile(pidFile, 'utf8')).split('\n')[0])).toBe(pg.pid);
      await pg.stop();
    } finally {
      other.stop();
    }
  });

  it('a live server that owns the folder: refused with a coded message naming it, nothing stopped', async () => {
    const pg = await startEmbeddedPostgres(dataDir, log);
    const owner = sleeper();
    const ownerFile = path.join(dataDir, 'postgres.owner');
    const ours = await readFile(ownerFile, 'utf8');
    try {
      const stat = await readFile(`/proc/${owner.pid}/stat`, 'utf8');
      const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      await writeFile(ownerFile, JSON.stringify({ pid: owner.pid, startTicks }));
      await expect(startEmbeddedPostgres(dataDir, log)).rejects.toMatchObject({
        code: 'EMBEDDED_PG_FAILED',
        message: expect.stringContaining(`pid ${owner.pid}`) as unknown,
      });
      const running = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
      expect(running).toBe(pg.pid);
    } finally {
      owner.stop();
      await writeFile(ownerFile, ours);
      await pg.stop();
    }
  });
});
