import { describe, it, expect } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runBin, waitForListening } from '../../test-support/spawn.js';

// Spawns the real bin twice (tsx compiles on start): slow on a loaded machine, not a hang.
const SPAWN_TIMEOUT = { timeout: 300_000 };

async function cli(...args: string[]) {
  const s = runBin(args, { DATABASE_URL: '' });
  const code = await s.exited;
  return { code, out: s.stdout().trim(), err: s.stderr() };
}

describe('voiceassist-server db url', () => {
  it(
    "prints the running embedded cluster's app-role URL (no UPDATE on the audit log) or, with --superuser, the owner's",
    SPAWN_TIMEOUT,
    async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vas-dburl-'));
      try {
        const none = await cli('db', 'url', '--data-dir', dataDir);
        expect(none.code).toBe(1);
        expect(none.err).toContain('No server is running');

        const s = runBin(['start', '--port', '0', '--data-dir', dataDir], { DATABASE_URL: '' });
        try {
          await waitForListening(s);
          const app = await cli('db', 'url', '--data-dir', dataDir);
          const su = await cli('db', 'url', '--superuser', '--data-dir', dataDir);
          expect(app.code).toBe(0);
          expect(su.code).toBe(0);
          expect(app.out).toMatch(
            /^postgres:\/\/voiceassist_app_[0-9a-f]{8}:[^@]+@127\.0\.0\.1:\d+\/postgres$/,
          );
          expect(su.out).toMatch(/^postgres:\/\/postgres:/);
          const c = new pg.Client({ connectionString: app.out });
          await c.connect();
          try {
            const who = await c.query<{ su: boolean }>(
              `SELECT usesuper AS su FROM pg_user WHERE usename = current_user`,
            );
            expect(who.rows[0]?.su).toBe(false);
            const err = await c
              .query(`UPDATE audit_log SET outcome = 'x'`)
              .catch((e: unknown) => e as { code?: string });
            expect(err).toMatchObject({ code: '42501' });
          } finally {
            await c.end();
          }
          const root = new pg.Client({ connectionString: su.out });
          await root.connect();
          const r = await root.query<{ su: boolean }>(
            `SELECT usesuper AS su FROM pg_user WHERE usename = current_user`,
          );
          await root.end();
          expect(r.rows[0]?.su).toBe(true);
        } finally {
          s.child.kill('SIGTERM');
          await s.exited;
        }
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  );
});
