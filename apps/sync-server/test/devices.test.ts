import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { TestPostgres } from '../test-support/helper.js';
import { openStt, postJson, startGateway, type GatewayFixture } from '../test-support/gateway.js';
import { runBin } from '../test-support/spawn.js';
import pg from 'pg';
import { REVOKE_CHANNEL, revokeDevice } from '../src/devices/devices.js';

let pgServer: TestPostgres;
let gw: GatewayFixture;
beforeAll(async () => {
  pgServer = await TestPostgres.start();
  gw = await startGateway(pgServer);
});
afterAll(async () => {
  await gw.close();
  await pgServer.stop();
});

async function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const s = runBin(args, { DATABASE_URL: gw.databaseUrl });
  const code = await s.exited;
  return { code, out: s.stdout(), err: s.stderr() };
}

const chat = {
  messages: [{ role: 'user', content: 'What is the normal adult resting heart rate?' }],
};

// Cases that spawn the real bin (tsx compiles on start) are slow on a loaded machine, not hung.
const SPAWN_TIMEOUT = { timeout: 240_000 };

describe('device keys', () => {
  it(
    'device add prints the key alone on its last line; list shows it; revoke marks it',
    SPAWN_TIMEOUT,
    async () => {
      const add = await cli('device', 'add', '--user', 'dr.alice');
      expect(add.code).toBe(0);
      const lines = add.out.trimEnd().split('\n');
      const key = lines.at(-1) ?? '';
      expect(key).toMatch(/^vak_[A-Za-z0-9_-]{43}$/);
      const id = /device ([0-9a-f-]{36})/.exec(add.out)?.[1] ?? '';
      expect(id).not.toBe('');
      // Stored hashed: the key itself is nowhere in the database.
      const rows = await gw.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM devices WHERE key_hash::text LIKE $1 OR key_prefix = $2`,
        [`%${key}%`, key],
      );
      expect(rows[0]?.n).toBe(0);

      const list = await cli('device', 'list');
      expect(list.code).toBe(0);
      expect(list.out).toMatch(new RegExp(`${id}\\tdr\\.alice\\tdefault\\t.*\\tactive`));
      expect(list.out).not.toContain(key);

      expect((await postJson(`${gw.url}/v1/llm/chat`, key, chat)).status).toBe(200);
      const revoke = await cli('device', 'revoke', id);
      expect(revoke.code).toBe(0);
      expect((await cli('device', 'list')).out).toMatch(new RegExp(`${id}\\t.*revoked`));
      const res = await postJson(`${gw.url}/v1/llm/chat`, key, chat);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'AUTH_INVALID' } });
    },
  );

  it(
    'usage errors exit 2; an unknown device id exits 1 with a coded message',
    SPAWN_TIMEOUT,
    async () => {
      expect((await cli('device', 'add')).code).toBe(2);
      expect((await cli('device', 'frobnicate')).code).toBe(2);
      const r = await cli('device', 'revoke', '00000000-0000-0000-0000-000000000000');
      expect(r.code).toBe(1);
      expect(r.err).toContain('DEVICE_NOT_FOUND');
    },
  );

  it('requests without or with a malformed key are refused with coded 401s', async () => {
    const none = await postJson(`${gw.url}/v1/llm/chat`, undefined, chat);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'AUTH_REQUIRED' } });
    const bad = await postJson(`${gw.url}/v1/llm/chat`, 'vak_guess', chat);
    expect(await bad.json()).toMatchObject({ error: { code: 'AUTH_INVALID' } });
  });

  it(
    "revoking from the CLI closes the device's open WebSockets within a second",
    SPAWN_TIMEOUT,
    async () => {
      const { id, key } = await gw.device();
      const other = await gw.device();
      const c = await openStt(gw.url, key);
      const bystander = await openStt(gw.url, other.key);
      const closedAt = c.closed.then((x) => ({ ...x, at: Date.now() }));
      const revoke = await cli('device', 'revoke', id);
      const revokedAt = Date.now(); // the CLI has committed and exited by now
      expect(revoke.code).toBe(0);
      const closed = await closedAt;
      expect(closed.code).toBe(4401);
      expect(closed.at - revokedAt).toBeLessThan(1000);
      expect(c.messages.at(-1)).toMatchObject({ type: 'Error', error: { code: 'AUTH_INVALID' } });
      expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
      bystander.ws.close();
    },
  );

  it('a revocation that bypassed NOTIFY is still caught by the periodic check', async () => {
    const { id, key } = await gw.device();
    const c = await openStt(gw.url, key);
    await gw.sql('UPDATE devices SET revoked_at = now() WHERE id = $1', [id]);
    expect((await c.closed).code).toBe(4401);
  });

  it('a cached key stops working once the revocation NOTIFY arrives (refused within a second of it)', async () => {
    // NOTIFY reaches the server's listener a few milliseconds after the revoking transaction
    // commits, so "the very next request" would race it: the test waits for the notification on a
    // connection of its own, then gives the server's listener up to a second (the product's promise).
    const { id, key } = await gw.device();
    for (let i = 0; i < 2; i++)
      // the second request is answered from the key cache
      expect((await postJson(`${gw.url}/v1/llm/chat`, key, chat)).status).toBe(200);
    const listener = new pg.Client({ connectionString: gw.databaseUrl });
    await listener.connect();
    try {
      await listener.query(`LISTEN ${REVOKE_CHANNEL}`);
      const notified = new Promise<void>((resolve) =>
        listener.on('notification', (n) => {
          if (n.payload === id) resolve();
        }),
      );
      await revokeDevice(gw.app.db, id);
      await notified;
    } finally {
      await listener.end();
    }
    let res = await postJson(`${gw.url}/v1/llm/chat`, key, chat);
    for (const t0 = Date.now(); res.status === 200 && Date.now() - t0 < 1_000;) {
      await new Promise((r) => setTimeout(r, 20));
      res = await postJson(`${gw.url}/v1/llm/chat`, key, chat);
    }
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'AUTH_INVALID' } });
  });

  it('a revocation written without NOTIFY still reaches cached keys (periodic re-check)', async () => {
    const { id, key } = await gw.device();
    expect((await postJson(`${gw.url}/v1/llm/chat`, key, chat)).status).toBe(200);
    await gw.sql('UPDATE devices SET revoked_at = now() WHERE id = $1', [id]);
    const t0 = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - t0 < 5_000) {
      status = (await postJson(`${gw.url}/v1/llm/chat`, key, chat)).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
  });
});
