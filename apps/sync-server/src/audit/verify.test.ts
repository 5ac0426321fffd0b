import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { build, TestPostgres } from '../../test-support/helper.js';
import { asSuperuser, signedIn } from '../../test/auth.js';
import { runBin } from '../../test-support/spawn.js';
import { verifyAuditLog } from './verify.js';
import { anchorIfDue, exportAnchors } from './anchor.js';
import { addDevice } from '../devices/devices.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await TestPostgres.start();
});
afterAll(async () => {
  await server.stop();
});

let app: FastifyInstance;
/** Ten rows: nine through the batching writer, one as the PHI guard writes them (plain INSERT). */
beforeEach(async () => {
  app = await build(server);
  const log = app.auth?.audit;
  if (!log) throw new Error('no audit log');
  await Promise.all(
    Array.from({ length: 9 }, (_, i) =>
      log.append({ action: 'login', requestId: `r${i}`, detail: { method: 'password', i } }),
    ),
  );
  await app.db.query(
    `INSERT INTO audit_log (action, provider, detail) VALUES ('phi_blocked', 'openai', $1)`,
    [{ counts: { NAME: 1 }, total: 1, note: 'ünïcode ✓' }],
  );
});
afterEach(async () => {
  await app.close();
});

/** Superuser tampering: ordinary triggers (the append-only guard) are off for this session. */
const tamper = (sql: string) =>
  asSuperuser(app, async (c: pg.Client) => {
    await c.query(`SET session_replication_role = replica`);
    await c.query(sql);
  });

describe('audit log hash chain', () => {
  it('an intact log verifies, row by row, in order', async () => {
    expect(await verifyAuditLog(app.db)).toEqual({ ok: true, rows: 10 });
    const ids = await app.db.query<{ id: string }>('SELECT id FROM audit_log ORDER BY id');
    expect(ids.rows.map((r) => Number(r.id))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("the app's role may append and read, but not update, delete or truncate", async () => {
    const who = await app.db.query<{ u: string; su: boolean }>(
      `SELECT current_user AS u, usesuper AS su FROM pg_user WHERE usename = current_user`,
    );
    expect(who.rows[0]?.su).toBe(false);
    for (const sql of [
      `UPDATE audit_log SET outcome = 'x' WHERE id = 1`,
      `DELETE FROM audit_log WHERE id = 1`,
      `TRUNCATE audit_log`,
      `UPDATE audit_head SET id = 0`,
      `SELECT value FROM server_secrets`,
    ]) {
      const err = await app.db.query(sql).catch((e: unknown) => e as { code?: string });
      expect(err, sql).toMatchObject({ code: '42501' }); // insufficient_privilege
    }
    // Nor can it pick the chain position or hashes of what it appends.
    await app.db.query(
      `INSERT INTO audit_log (id, action, prev_hash, hash) VALUES (999, 'forged', '\\x00', '\\x00')`,
    );
    expect(await verifyAuditLog(app.db)).toEqual({ ok: true, rows: 11 });
  });

  it('a row edited directly as superuser is named', async () => {
    await tamper(`UPDATE audit_log SET detail = '{"method": "oidc", "i": 2}' WHERE id = 3`);
    expect(await verifyAuditLog(app.db)).toMatchObject({
      ok: false,
      firstBroken: 3,
      reason: expect.stringContaining('edited') as unknown,
    });
  });

  it('a row deleted directly as superuser is named', async () => {
    await tamper(`DELETE FROM audit_log WHERE id = 4`);
    expect(await verifyAuditLog(app.db)).toMatchObject({
      ok: false,
      firstBroken: 4,
      reason: expect.stringContaining('missing') as unknown,
    });
  });

  it('a row inserted into the middle (later rows renumbered) is named', async () => {
    await tamper(`UPDATE audit_log SET id = -id WHERE id >= 5`);
    await tamper(`UPDATE audit_log SET id = -id + 1 WHERE id < 0`);
    // A careful forger links to row 4's hash; the forged content cannot match its hash.
    await tamper(
      `INSERT INTO audit_log (id, at, action, outcome, detail, prev_hash, hash)
       SELECT 5, at, 'login', 'ok', '{}', hash, sha256(hash) FROM audit_log WHERE id = 4`,
    );
    expect(await verifyAuditLog(app.db)).toMatchObject({ ok: false, firstBroken: 5 });
  });

  it('two rows swapped (reordered) are named at the first of them', async () => {
    await tamper(`UPDATE audit_log SET id = 1000 WHERE id = 6`);
    await tamper(`UPDATE audit_log SET id = 6 WHERE id = 7`);
    await tamper(`UPDATE audit_log SET id = 7 WHERE id = 1000`);
    expect(await verifyAuditLog(app.db)).toMatchObject({
      ok: false,
      firstBroken: 6,
      reason: expect.stringContaining('prev_hash') as unknown,
    });
  });

  it('rows removed from the end are caught by the chain head, and by an exported anchor even when the head is rewound too', async () => {
    await anchorIfDue(app.db, 0);
    const exported = await exportAnchors(app.db);
    expect(exported.head?.id).toBe(11); // no provider calls: no egress summary row, the anchor is row 11
    await tamper(`DELETE FROM audit_log WHERE id > 9`);
    expect(await verifyAuditLog(app.db)).toMatchObject({ ok: false, firstBroken: 10 });
    // A careful intruder also rewinds the head: only the export outside the database tells.
    await tamper(`UPDATE audit_head SET id = 9, hash = (SELECT hash FROM audit_log WHERE id = 9)`);
    expect(await verifyAuditLog(app.db)).toEqual({ ok: true, rows: 9 });
    const anchors = [...exported.anchors, ...(exported.head ? [exported.head] : [])];
    expect(await verifyAuditLog(app.db, anchors)).toMatchObject({
      ok: false,
      firstBroken: 10,
      reason: expect.stringContaining('removed from the end') as unknown,
    });
  });

  it('anchoring also writes an egress summary: provider calls per clinic by kind, provider and outcome, never content', async () => {
    const d = await addDevice(app.db, `egress_${Date.now()}`);
    for (const [kind, provider, outcome, requestId] of [
      ['llm', 'openai', 'ok', 'a'],
      ['llm', 'openai', 'ok', 'b'],
      ['tts', 'elevenlabs', 'PROVIDER_TIMEOUT', 'c'],
    ] as const) {
      await app.db.query(
        `INSERT INTO usage_events (request_id, user_id, clinic_id, device_id, kind, provider, unit,
                                   quantity, cost_usd, outcome)
         VALUES ($1, $2, 'default', $3, $4, $5, 'x', 1, 0, $6)`,
        [requestId, d.userId, d.id, kind, provider, outcome],
      );
    }
    expect(await anchorIfDue(app.db, 60_000)).toBe(true);
    expect(await anchorIfDue(app.db, 60_000)).toBe(false); // another instance just anchored
    const rows = await app.db.query<{ action: string; clinic_id: string | null; detail: unknown }>(
      `SELECT action, clinic_id, detail FROM audit_log WHERE id > 10 ORDER BY id`,
    );
    expect(rows.rows.map((r) => r.action)).toEqual(['egress_summary', 'audit_anchor']);
    expect(rows.rows[0]?.detail).toMatchObject({
      calls: [
        { kind: 'llm', provider: 'openai', outcome: 'ok', requests: 2 },
        { kind: 'tts', provider: 'elevenlabs', outcome: 'PROVIDER_TIMEOUT', requests: 1 },
      ],
    });
    expect(rows.rows[1]?.detail).toMatchObject({ headId: 11 });
    expect(await verifyAuditLog(app.db)).toEqual({ ok: true, rows: 12 });
  });

  it('each provider call is counted in exactly one egress summary, even at the window edge', async () => {
    const d = await addDevice(app.db, `edge_${Date.now()}`);
    const call = (requestId: string, at: string) =>
      app.db.query(
        `INSERT INTO usage_events (request_id, user_id, clinic_id, device_id, kind, provider, unit,
                                   quantity, cost_usd, outcome, at)
         VALUES ($1, $2, 'default', $3, 'llm', 'openai', 'x', 1, 0, 'ok', ${at})`,
        [requestId, d.userId, d.id],
      );
    await call('before', 'now()');
    expect(await anchorIfDue(app.db, 0)).toBe(true);
    // A call stamped exactly at the end of the first window (microseconds included) belongs to the next.
    await call(
      'edge',
      `(SELECT (detail ->> 'to')::timestamptz FROM audit_log WHERE action = 'audit_anchor')`,
    );
    expect(await anchorIfDue(app.db, 0)).toBe(true);
    const sums = await app.db.query<{ detail: { calls: { requests: number }[] } }>(
      `SELECT detail FROM audit_log WHERE action = 'egress_summary' ORDER BY id`,
    );
    expect(sums.rows.map((r) => r.detail.calls.map((c) => c.requests))).toEqual([[1], [1]]);
    expect(await verifyAuditLog(app.db)).toMatchObject({ ok: true });
  });

  it('GET /v1/audit/verify answers auditors with the same result', async () => {
    const auditor = await signedIn(app, ['auditor']);
    const ok = await app.inject({
      method: 'GET',
      url: '/v1/audit/verify',
      headers: { authorization: `Bearer ${auditor.accessToken}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ ok: true, rows: 10 });
    await tamper(`UPDATE audit_log SET action = 'logout' WHERE id = 2`);
    const broken = await app.inject({
      method: 'GET',
      url: '/v1/audit/verify',
      headers: { authorization: `Bearer ${auditor.accessToken}` },
    });
    expect(broken.json()).toMatchObject({ ok: false, rows: 2, firstBroken: 2 });
  });

  it(
    '`audit verify --json` prints the result and exits 0 intact, 1 broken',
    { timeout: 240_000 },
    async () => {
      const cli = async () => {
        const s = runBin(['audit', 'verify', '--json'], { DATABASE_URL: app.databaseUrls.owner });
        const code = await s.exited;
        return { code, out: s.stdout().trim().split('\n').at(-1) ?? '' };
      };
      expect(await cli()).toEqual({ code: 0, out: '{"ok":true,"rows":10}' });
      await tamper(`DELETE FROM audit_log WHERE id = 8`);
      const broken = await cli();
      expect(broken.code).toBe(1);
      expect(JSON.parse(broken.out)).toEqual({
        ok: false,
        rows: 8,
        firstBroken: 8,
        reason: 'row 8 is missing (the next row is 9)',
      });
    },
  );
});
