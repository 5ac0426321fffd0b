import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TokenResponse } from '@voiceassist/contract';
import { buildApp } from '../app.js';
import { quietLogger, testConfig, TestPostgres } from '../../test-support/helper.js';
import { openStt } from '../../test-support/gateway.js';
import { signedIn } from '../../test/auth.js';
import { startStandins, type Standins } from '../../test-support/standins/index.js';

/**
 * Two server instances on one database (as behind a load balancer): sessions, refresh-token
 * rotation and revocation must hold across both.
 */
let server: TestPostgres;
let standins: Standins;
let a: FastifyInstance;
let b: FastifyInstance;
let urlB: string;

beforeAll(async () => {
  server = await TestPostgres.start();
  standins = await startStandins();
  const config = testConfig(await server.createDatabase(), {
    ...standins.env,
    PROVIDER_TIMEOUT_MS: '2000',
    RATE_LIMIT_REFRESH_PER_MINUTE: '1000',
  });
  a = await buildApp(config, { logger: quietLogger() });
  b = await buildApp(config, { logger: quietLogger() });
  await a.ready();
  urlB = await b.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await a.close();
  await b.close();
  await standins.close();
  await server.stop();
});

async function post(app: FastifyInstance, url: string, payload?: object, token?: string) {
  const res = await app.inject({
    method: 'POST',
    url,
    ...(payload ? { payload } : {}),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

const code = (r: { body: Record<string, unknown> }) =>
  (r.body.error as { code?: string } | undefined)?.code;

async function usage(app: FastifyInstance, token: string) {
  const res = await app.inject({
    method: 'GET',
    url: '/v1/usage',
    headers: { authorization: `Bearer ${token}` },
  });
  return res.statusCode;
}

describe('sessions across server instances', () => {
  it('a refresh token rotates; the new access token works on the other instance', async () => {
    const p = await signedIn(a, ['clinician']);
    const r1 = await post(a, '/v1/auth/refresh', { refreshToken: p.refreshToken });
    expect(r1.status).toBe(200);
    const t1 = r1.body as TokenResponse;
    expect(t1.refreshToken).not.toBe(p.refreshToken);
    expect(await usage(b, t1.accessToken)).toBe(200);
    const r2 = await post(b, '/v1/auth/refresh', { refreshToken: t1.refreshToken });
    expect(r2.status).toBe(200);
    const rows = await a.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE user_id = $1 ORDER BY id`,
      [p.userId],
    );
    expect(rows.rows.map((x) => x.action)).toEqual(['refresh', 'refresh']);
  });

  it('reusing a spent refresh token ends the whole family, on both instances', async () => {
    const p = await signedIn(a, ['clinician']);
    const next = (await post(a, '/v1/auth/refresh', { refreshToken: p.refreshToken }))
      .body as TokenResponse;
    // Someone replays the spent token (stolen copy, or a replay): the family ends.
    const replay = await post(b, '/v1/auth/refresh', { refreshToken: p.refreshToken });
    expect(replay.status).toBe(401);
    expect(code(replay)).toBe('AUTH_REFRESH_REUSED');
    // …so the legitimate holder's newer tokens are dead too, everywhere.
    const after = await post(a, '/v1/auth/refresh', { refreshToken: next.refreshToken });
    expect(code(after)).toBe('AUTH_SESSION_REVOKED');
    expect(await usage(a, next.accessToken)).toBe(401);
    expect(await usage(b, next.accessToken)).toBe(401);
    const reuse = await a.db.query(
      `SELECT 1 FROM audit_log WHERE action = 'refresh_reused' AND user_id = $1`,
      [p.userId],
    );
    expect(reuse.rowCount).toBe(1);
  });

  it('an unknown refresh token gets AUTH_REFRESH_INVALID', async () => {
    const r = await post(a, '/v1/auth/refresh', { refreshToken: 'vrt_nope' });
    expect({ status: r.status, code: code(r) }).toEqual({
      status: 401,
      code: 'AUTH_REFRESH_INVALID',
    });
  });

  it('signing out on one instance closes the session’s open WebSocket on the other within a second', async () => {
    const p = await signedIn(a, ['clinician']);
    const ws = await openStt(urlB, p.accessToken);
    const closed = ws.closed.then((c) => ({ ...c, at: Date.now() }));
    const out = await post(a, '/v1/auth/logout', undefined, p.accessToken);
    const signedOutAt = Date.now();
    expect(out.body).toEqual({ ended: true });
    const c = await closed;
    expect(c.code).toBe(4401);
    expect(c.at - signedOutAt).toBeLessThan(1000);
    expect(ws.messages.at(-1)).toMatchObject({
      type: 'Error',
      error: { code: 'AUTH_SESSION_REVOKED' },
    });
    expect(await usage(b, p.accessToken)).toBe(401);
    // The refresh token is dead as well.
    const r = await post(b, '/v1/auth/refresh', { refreshToken: p.refreshToken });
    expect(code(r)).toBe('AUTH_SESSION_REVOKED');
  });

  it('disabling a user (admin, instance A) closes their WebSocket on B within a second; re-enabling does not revive old sessions', async () => {
    const admin = await signedIn(a, ['admin']);
    const p = await signedIn(a, ['clinician']);
    const ws = await openStt(urlB, p.accessToken);
    const closed = ws.closed.then((c) => ({ ...c, at: Date.now() }));
    const off = await a.inject({
      method: 'PATCH',
      url: `/v1/admin/users/${p.userId}`,
      headers: { authorization: `Bearer ${admin.accessToken}` },
      payload: { disabled: true },
    });
    const at = Date.now();
    expect(off.statusCode).toBe(200);
    const c = await closed;
    expect(c.code).toBe(4401);
    expect(c.at - at).toBeLessThan(1000);
    await a.inject({
      method: 'PATCH',
      url: `/v1/admin/users/${p.userId}`,
      headers: { authorization: `Bearer ${admin.accessToken}` },
      payload: { disabled: false },
    });
    expect(await usage(b, p.accessToken)).toBe(401);
    const actions = await a.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE detail->>'subject' = $1 ORDER BY id`,
      [p.userId],
    );
    expect(actions.rows.map((x) => x.action)).toEqual(['user_disabled', 'user_enabled']);
  });

  it('revoking the device (admin on A) closes its WebSocket on B with AUTH_DEVICE_REVOKED', async () => {
    const admin = await signedIn(a, ['admin']);
    const p = await signedIn(a, ['clinician']);
    const ws = await openStt(urlB, p.accessToken);
    const r = await a.inject({
      method: 'POST',
      url: `/v1/admin/devices/${p.deviceId}/revoke`,
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    expect(r.statusCode).toBe(200);
    expect((await ws.closed).code).toBe(4401);
    expect(ws.messages.at(-1)).toMatchObject({ error: { code: 'AUTH_DEVICE_REVOKED' } });
    const refresh = await post(b, '/v1/auth/refresh', { refreshToken: p.refreshToken });
    expect(code(refresh)).toMatch(/^AUTH_(DEVICE|SESSION)_REVOKED$/);
  });

  it('a session revoked with plain SQL (no NOTIFY) is refused once the 0.5 s poll sees it (bound: 1.5 s)', async () => {
    const p = await signedIn(a, ['clinician']);
    expect(await usage(b, p.accessToken)).toBe(200);
    await a.db.query(`UPDATE auth_sessions SET revoked_at = now() WHERE id = $1`, [p.sessionId]);
    const t0 = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - t0 < 3_000) {
      status = await usage(b, p.accessToken);
      if (status === 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
    expect(Date.now() - t0).toBeLessThan(1_500); // 0.5 s poll; generous for a loaded machine
  });
});
