import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startServer } from '../src/server.js';
import { loadMigrations } from '../src/db/migrate.js';
import { quietLogger, testConfig, TestPostgres } from '../test-support/helper.js';
import { isAlive, runBin, waitForListening } from '../test-support/spawn.js';

let pgServer: TestPostgres;
beforeAll(async () => {
  pgServer = await TestPostgres.start();
});
afterAll(async () => {
  await pgServer.stop();
});

describe('server start', () => {
  it('two servers started at once on an empty database apply each migration exactly once', async () => {
    const url = await pgServer.createDatabase();
    const config = { ...testConfig(url), port: 0 };
    const [a, b] = await Promise.all([
      startServer(config, { logger: quietLogger() }),
      startServer(config, { logger: quietLogger() }),
    ]);
    try {
      for (const s of [a, b]) {
        const res = await fetch(`${s.url}/ready`);
        expect(res.status).toBe(200);
      }
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const rows = await c.query<{ version: number; n: number }>(
        'SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version ORDER BY version',
      );
      await c.end();
      const shipped = await loadMigrations();
      expect(rows.rows).toEqual(shipped.map((m) => ({ version: m.version, n: 1 })));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

// Each case spawns the real bin (tsx compiles on start): slow on a loaded machine, not a hang.
const SPAWN_TIMEOUT = { timeout: 240_000 };

describe('voiceassist-server bin', () => {
  it('exits 2 with a clear message on invalid configuration', SPAWN_TIMEOUT, async () => {
    const s = runBin(['start', '--port', 'eighty']);
    expect(await s.exited).toBe(2);
    expect(s.stderr()).toContain('CONFIG_INVALID');
    expect(s.stderr()).toContain('PORT (--port)');
    expect(s.stdout()).toBe('');
  });

  it('exits 2 on an unknown flag', SPAWN_TIMEOUT, async () => {
    const s = runBin(['start', '--prot', '1']);
    expect(await s.exited).toBe(2);
    expect(s.stderr()).toContain('usage:');
  });

  it(
    'starts embedded PostgreSQL, is ready, shuts down on SIGTERM leaving no postgres behind, and reuses the cluster',
    SPAWN_TIMEOUT,
    async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vas-data-'));
      try {
        for (const signal of ['SIGTERM', 'SIGINT'] as const) {
          const s = runBin(['start', '--port', '0', '--data-dir', dataDir], {
            DATABASE_URL: '',
          });
          const url = await waitForListening(s);
          expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
          expect(url).not.toMatch(/:0$/);
          const ready = await fetch(`${url}/ready`);
          expect(ready.status).toBe(200);
          const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
          const pgPid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
          expect(isAlive(pgPid)).toBe(true);

          s.child.kill(signal);
          expect(await s.exited).toBe(0);
          expect(isAlive(pgPid)).toBe(false);
          await expect(access(pidFile)).rejects.toThrow();
        }
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  );
});
