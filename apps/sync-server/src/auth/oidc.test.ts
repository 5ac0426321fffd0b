import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TokenResponse } from '@voiceassist/contract';
import { build, TestPostgres } from '../../test-support/helper.js';
import { browserLogin, startIdp, type Idp } from '../../test-support/oidc/idp.js';

let server: TestPostgres;
let idp: Idp;
let app: FastifyInstance;

const PASSWORD = 'correct horse battery staple';
const person = (name: string, groups: string[]) => ({
  password: PASSWORD,
  preferred_username: name,
  email: `${name}@clinic.example`,
  name: `Dr ${name}`,
  groups,
});

beforeAll(async () => {
  server = await TestPostgres.start();
  idp = await startIdp({
    users: {
      alice: person('alice', ['clinicians']),
      bob: person('bob', ['clinicians', 'it-admins']),
      carol: person('carol', ['visitors']),
    },
  });
  app = await build(server, {
    env: {
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_GROUP_ROLES: 'clinicians=clinician,it-admins=admin,compliance=auditor',
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
      RATE_LIMIT_REGISTER_PER_HOUR: '1000',
    },
  });
});
afterAll(async () => {
  await app.close();
  await idp.close();
  await server.stop();
});

const REDIRECT = 'http://127.0.0.1:49152/callback'; // the workstation's loopback listener

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

type Started = { authorizationUrl: string; state: string };

async function post(url: string, payload: unknown) {
  const res = await app.inject({ method: 'POST', url, payload: payload as object });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

/** The whole sign-in as the workstation does it, with the browser part over plain HTTP. */
async function signIn(user: string, device: object = { name: 'Exam room 2' }) {
  const { verifier, challenge } = pkce();
  const start = await post('/v1/auth/oidc/start', {
    redirectUri: REDIRECT,
    codeChallenge: challenge,
  });
  expect(start.status).toBe(200);
  const started = start.body as Started;
  const back = await browserLogin(started.authorizationUrl, REDIRECT, user, PASSWORD);
  expect(back.searchParams.get('state')).toBe(started.state);
  const finish = {
    state: started.state,
    code: back.searchParams.get('code') ?? '',
    iss: back.searchParams.get('iss') ?? undefined,
    codeVerifier: verifier,
    device,
  };
  const res = await post('/v1/auth/oidc/finish', finish);
  return { finish, res: { status: res.status, body: res.body as TokenResponse } };
}

describe('OIDC sign-in against a real OpenID Provider (Nextcloud claims)', () => {
  it('the authorization URL carries PKCE S256, state, nonce and the loopback redirect', async () => {
    const { challenge } = pkce();
    const r = await post('/v1/auth/oidc/start', {
      redirectUri: REDIRECT,
      codeChallenge: challenge,
    });
    const u = new URL((r.body as Started).authorizationUrl);
    expect(u.origin).toBe(idp.issuer);
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      client_id: idp.clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'openid profile email groups',
    });
    expect(u.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
  });

  it('first sign-in enrols the device and maps groups to roles; the token works at the gateway', async () => {
    const { res } = await signIn('alice');
    expect(res.status).toBe(200);
    const t = res.body;
    expect(t.user).toMatchObject({
      name: 'alice',
      email: 'alice@clinic.example',
      roles: ['clinician'],
    });
    expect(t.device.secret).toMatch(/^vds_/);
    expect(t.expiresIn).toBe(900);
    expect(t.policy.idleTimeoutSeconds).toBe(900);
    const me = await app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${t.accessToken}` },
    });
    expect(me.json()).toMatchObject({ via: 'session', user: { displayName: 'Dr alice' } });
    const usage = await app.inject({
      method: 'GET',
      url: '/v1/usage',
      headers: { authorization: `Bearer ${t.accessToken}` },
    });
    expect(usage.statusCode).toBe(200);
    // Signing in again on that workstation reuses its enrolment.
    const again = await signIn('alice', { id: t.device.id, secret: t.device.secret });
    expect(again.res.body.device).toEqual({ id: t.device.id });
    const audit = await app.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE user_id = $1 ORDER BY id`,
      [t.user.id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      'user_created',
      'device_enrolled',
      'login',
      'login',
    ]);
  });

  it('a replayed finish (same state and code) and a wrong PKCE verifier are refused with coded 401s', async () => {
    const { finish, res } = await signIn('alice');
    expect(res.status).toBe(200);
    const replay = await post('/v1/auth/oidc/finish', finish);
    expect(replay).toMatchObject({ status: 401, body: { error: { code: 'AUTH_LOGIN_EXPIRED' } } });

    const { challenge } = pkce();
    const start = (
      await post('/v1/auth/oidc/start', { redirectUri: REDIRECT, codeChallenge: challenge })
    ).body as Started;
    const back = await browserLogin(start.authorizationUrl, REDIRECT, 'alice', PASSWORD);
    const wrong = await post('/v1/auth/oidc/finish', {
      state: start.state,
      code: back.searchParams.get('code'),
      iss: back.searchParams.get('iss'),
      codeVerifier: pkce().verifier,
      device: { name: 'x' },
    });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'AUTH_LOGIN_INVALID' } } });
  });

  it('a person whose groups map to no role is refused (AUTH_NO_ROLE) and the refusal is audited', async () => {
    const { res } = await signIn('carol');
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'AUTH_NO_ROLE' } } });
    const rows = await app.db.query<{ outcome: string }>(
      `SELECT outcome FROM audit_log WHERE action = 'login_failed' AND detail->>'method' = 'oidc'`,
    );
    expect(rows.rows.map((r) => r.outcome)).toContain('AUTH_NO_ROLE');
  });

  it('a group change at the IdP changes the roles at the next sign-in, is audited, and turns older tokens stale', async () => {
    const first = (await signIn('bob')).res.body;
    expect(first.user.roles).toEqual(['admin', 'clinician']);
    idp.users.set('bob', person('bob', ['clinicians']));
    const second = (await signIn('bob', { id: first.device.id, secret: first.device.secret })).res
      .body;
    expect(second.user.roles).toEqual(['clinician']);
    const old = await app.inject({
      method: 'GET',
      url: '/v1/admin/users',
      headers: { authorization: `Bearer ${first.accessToken}` },
    });
    expect(old.statusCode).toBe(401);
    expect(old.json()).toMatchObject({ error: { code: 'AUTH_TOKEN_STALE' } });
    const changed = await app.db.query<{ detail: { before: string[]; after: string[] } }>(
      `SELECT detail FROM audit_log WHERE action = 'user_roles_changed' AND user_id = $1`,
      [first.user.id],
    );
    expect(changed.rows[0]?.detail).toMatchObject({
      before: ['admin', 'clinician'],
      after: ['clinician'],
    });
  });

  it('a redirect that is not a loopback address is refused before the IdP is asked', async () => {
    for (const redirectUri of [
      'https://evil.example/callback',
      'http://localhost:5000/callback',
      'http://10.0.0.2:5000/callback',
      'http://127.0.0.1:5000/callback?x=1',
    ]) {
      const r = await post('/v1/auth/oidc/start', { redirectUri, codeChallenge: pkce().challenge });
      expect(r, redirectUri).toMatchObject({
        status: 400,
        body: { error: { code: 'BAD_REQUEST' } },
      });
    }
  });

  it('an unreachable IdP gives AUTH_IDP_UNAVAILABLE (503) with a message a person can act on', async () => {
    const down = await build(server, {
      env: { OIDC_ISSUER: 'http://127.0.0.1:9', OIDC_CLIENT_ID: 'voiceassist' },
    });
    try {
      const r = await down.inject({
        method: 'POST',
        url: '/v1/auth/oidc/start',
        payload: { redirectUri: REDIRECT, codeChallenge: pkce().challenge },
      });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({
        error: {
          code: 'AUTH_IDP_UNAVAILABLE',
          message: expect.stringContaining('login server') as unknown,
        },
      });
    } finally {
      await down.close();
    }
  });
});
