import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { generateSync } from 'otplib';
import type { TokenResponse } from '@voiceassist/contract';
import { buildApp } from '../app.js';
import { quietLogger, testConfig, TestPostgres } from '../../test-support/helper.js';
import { runBin } from '../../test-support/spawn.js';
import { lockSeconds, LOCK_AFTER } from './local-login.js';
import { setOneTimePassword } from './users.js';

let server: TestPostgres;
let databaseUrl: string;
let a: FastifyInstance;
let b: FastifyInstance;

/** Two instances on one database with the seeds' rate limits (the defaults). */
beforeAll(async () => {
  server = await TestPostgres.start();
  databaseUrl = await server.createDatabase();
  a = await buildApp(testConfig(databaseUrl), { logger: quietLogger() });
  b = await buildApp(testConfig(databaseUrl), { logger: quietLogger() });
  await Promise.all([a.ready(), b.ready()]);
});
afterAll(async () => {
  await a.close();
  await b.close();
  await server.stop();
});

let ip = 0;
/** Each case signs in from its own client address, so the per-address limits stay apart. */
const nextIp = () => `10.0.${Math.floor(++ip / 250)}.${ip % 250}`;

async function login(app: FastifyInstance, body: Record<string, unknown>, remoteAddress: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { device: { name: 'desk' }, ...body },
    remoteAddress,
  });
  const json = res.json<Record<string, unknown>>();
  return {
    status: res.statusCode,
    code: (json.error as { code?: string } | undefined)?.code,
    body: json as unknown as TokenResponse,
  };
}

const NEW_PASSWORD = 'a long and new passphrase';

describe('local accounts', () => {
  it(
    '`admin bootstrap` prints a one-time password on its last line; it must be changed at the first sign-in',
    { timeout: 240_000 },
    async () => {
      const s = runBin(['admin', 'bootstrap', '--user', 'root'], { DATABASE_URL: databaseUrl });
      expect(await s.exited).toBe(0);
      const otp = s.stdout().trimEnd().split('\n').at(-1) ?? '';
      expect(otp).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
      const from = nextIp();
      expect(await login(a, { username: 'root', password: otp }, from)).toMatchObject({
        status: 403,
        code: 'AUTH_PASSWORD_CHANGE_REQUIRED',
      });
      expect(
        await login(a, { username: 'root', password: otp, newPassword: 'short' }, from),
      ).toMatchObject({ status: 400, code: 'AUTH_PASSWORD_WEAK' });
      const ok = await login(
        a,
        { username: 'root', password: otp, newPassword: NEW_PASSWORD },
        from,
      );
      expect(ok.status).toBe(200);
      expect(ok.body.user.roles).toEqual(['admin']);
      expect((await login(b, { username: 'root', password: otp }, from)).code).toBe(
        'AUTH_LOGIN_FAILED',
      );
      expect((await login(b, { username: 'root', password: NEW_PASSWORD }, from)).status).toBe(200);
      const hash = await a.db.query<{ h: string }>(
        `SELECT password_hash AS h FROM users WHERE name = 'root'`,
      );
      expect(hash.rows[0]?.h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    },
  );

  it('TOTP: enrol, then sign-in needs a code; a code works once; a recovery code works once', async () => {
    const { password } = await setOneTimePassword(a.db, 'dr.totp', ['clinician']);
    const from = nextIp();
    const first = await login(
      a,
      { username: 'dr.totp', password, newPassword: NEW_PASSWORD },
      from,
    );
    const token = first.body.accessToken;
    const auth = { authorization: `Bearer ${token}` };
    const setup = await a.inject({ method: 'POST', url: '/v1/auth/mfa/totp', headers: auth });
    const { secret, uri } = setup.json<{ secret: string; uri: string }>();
    expect(uri).toMatch(/^otpauth:\/\/totp\/VoiceAssist:dr\.totp\?/);
    const wrong = await a.inject({
      method: 'POST',
      url: '/v1/auth/mfa/totp/confirm',
      headers: auth,
      payload: { code: '000000' },
    });
    expect(wrong.json()).toMatchObject({ error: { code: 'AUTH_MFA_INVALID' } });
    const confirm = await a.inject({
      method: 'POST',
      url: '/v1/auth/mfa/totp/confirm',
      headers: auth,
      payload: { code: generateSync({ secret, epoch: Math.floor(Date.now() / 1000) - 30 }) },
    });
    const { recoveryCodes } = confirm.json<{ recoveryCodes: string[] }>();
    expect(recoveryCodes).toHaveLength(10);

    const creds = { username: 'dr.totp', password: NEW_PASSWORD };
    expect((await login(b, creds, from)).code).toBe('AUTH_MFA_REQUIRED');
    const code = generateSync({ secret });
    const withCode = await login(b, { ...creds, totp: code }, from);
    expect(withCode.status).toBe(200);
    expect((await login(a, { ...creds, totp: code }, from)).code).toBe('AUTH_MFA_INVALID'); // replay
    const rc = recoveryCodes[0] ?? '';
    expect((await login(a, { ...creds, recoveryCode: rc }, from)).status).toBe(200);
    expect((await login(a, { ...creds, recoveryCode: rc }, from)).code).toBe('AUTH_MFA_INVALID');
  });

  it('repeated failures lock the account with a doubling wait; an unknown user looks the same as a wrong password', async () => {
    const { password } = await setOneTimePassword(a.db, 'dr.locked', ['clinician']);
    for (let i = 0; i < LOCK_AFTER; i++) {
      // Each try from another address: the lockout is per account, not per address.
      const r = await login(i % 2 ? a : b, { username: 'dr.locked', password: 'wrong!' }, nextIp());
      expect(r.code).toBe('AUTH_LOGIN_FAILED');
    }
    const locked = await login(a, { username: 'dr.locked', password }, nextIp());
    expect(locked).toMatchObject({ status: 429, code: 'AUTH_LOCKED' });
    expect(lockSeconds(LOCK_AFTER - 1)).toBe(0);
    expect([5, 6, 7, 12, 20].map(lockSeconds)).toEqual([30, 60, 120, 3600, 3600]);
    const unknown = await login(a, { username: 'nobody', password: 'wrong!' }, nextIp());
    expect(unknown).toMatchObject({ status: 401, code: 'AUTH_LOGIN_FAILED' });
    const audited = await a.db.query<{ outcome: string; user_id: string | null }>(
      `SELECT outcome, user_id FROM audit_log WHERE action = 'login_failed' ORDER BY id DESC LIMIT 1`,
    );
    expect(audited.rows[0]).toEqual({ outcome: 'AUTH_LOGIN_FAILED', user_id: null });
  });

  it('sign-ins are limited to 10 per minute per address, counted across both instances', async () => {
    const from = nextIp();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await login(i % 2 ? a : b, { username: 'x', password: 'y' }, from)).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    const limited = await login(a, { username: 'x', password: 'y' }, from);
    expect(limited).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // Another address is not affected.
    expect((await login(a, { username: 'x', password: 'y' }, nextIp())).status).toBe(401);
  });

  it('refreshes are limited to 20 per minute per address, across both instances', async () => {
    const from = nextIp();
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await (i % 2 ? a : b).inject({
        method: 'POST',
        url: '/v1/auth/refresh',
        payload: { refreshToken: 'vrt_unknown' },
        remoteAddress: from,
      });
      codes.push(res.json<{ error: { code: string } }>().error.code);
    }
    expect(codes.slice(0, 20).every((c) => c === 'AUTH_REFRESH_INVALID')).toBe(true);
    expect(codes[20]).toBe('RATE_LIMITED');
  });

  it('enrolling devices ("register") is limited to 5 per hour per address, across both instances', async () => {
    const { password } = await setOneTimePassword(a.db, 'dr.enrol', ['clinician']);
    const from = nextIp();
    const first = await login(
      a,
      { username: 'dr.enrol', password, newPassword: NEW_PASSWORD },
      from,
    );
    expect(first.status).toBe(200);
    const results: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      results.push(
        (await login(i % 2 ? a : b, { username: 'dr.enrol', password: NEW_PASSWORD }, from)).code,
      );
    }
    expect(results.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]);
    expect(results[4]).toBe('RATE_LIMITED');
    // Signing in again on an enrolled device is not registering.
    const again = await login(
      a,
      {
        username: 'dr.enrol',
        password: NEW_PASSWORD,
        device: { id: first.body.device.id, secret: first.body.device.secret },
      },
      from,
    );
    expect(again.status).toBe(200);
  });
});
