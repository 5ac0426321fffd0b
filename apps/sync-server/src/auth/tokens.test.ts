import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { build, TestPostgres } from '../../test-support/helper.js';
import { signedIn, type SignedIn } from '../../test/auth.js';
import { ACCESS_AUDIENCE } from './tokens.js';

let server: TestPostgres;
let app: FastifyInstance;
let person: SignedIn;
let issuer: string;
let kid: string;
let privateJwk: JWK;
let publicJwk: JWK;

beforeAll(async () => {
  server = await TestPostgres.start();
  app = await build(server);
  person = await signedIn(app, ['clinician']);
  const meta = await app.db.query<{ value: string }>(
    `SELECT value FROM server_meta WHERE key = 'instance_id'`,
  );
  issuer = `urn:voiceassist:server:${meta.rows[0]?.value ?? ''}`;
  const k = await app.db.query<{ kid: string; private_jwk: JWK; public_jwk: JWK }>(
    `SELECT kid, private_jwk, public_jwk FROM auth_signing_keys`,
  );
  const row = k.rows[0];
  if (!row) throw new Error('no signing key');
  ({ kid, private_jwk: privateJwk, public_jwk: publicJwk } = row);
});
afterAll(async () => {
  await app.close();
  await server.stop();
});

const now = () => Math.floor(Date.now() / 1000);

/** A token as the server would sign it, with any field overridden. */
async function forge(
  o: {
    iss?: string;
    aud?: string;
    iat?: number;
    exp?: number;
    roles?: string[];
    typ?: string;
  } = {},
  key: JWK = privateJwk,
  keyId = kid,
): Promise<string> {
  const iat = o.iat ?? now();
  return new SignJWT({
    name: person.userName,
    cid: 'default',
    did: person.deviceId,
    sid: person.sessionId,
    roles: o.roles ?? ['clinician'],
    ver: 1,
  })
    .setProtectedHeader({ alg: 'EdDSA', kid: keyId, typ: o.typ ?? 'at+jwt' })
    .setIssuer(o.iss ?? issuer)
    .setAudience(o.aud ?? ACCESS_AUDIENCE)
    .setSubject(person.userId)
    .setIssuedAt(iat)
    .setExpirationTime(o.exp ?? iat + 900)
    .setJti(randomUUID())
    .sign(await importJWK(key, 'EdDSA'));
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function usage(token: string) {
  const res = await app.inject({
    method: 'GET',
    url: '/v1/usage',
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.statusCode, code: res.json<{ error?: { code: string } }>().error?.code };
}

describe('access tokens', () => {
  it('a token the server issued is accepted', async () => {
    expect(await usage(person.accessToken)).toEqual({ status: 200, code: undefined });
    expect(await usage(await forge())).toEqual({ status: 200, code: undefined });
  });

  it('expired is refused with AUTH_TOKEN_EXPIRED; up to 60 s of clock skew is tolerated', async () => {
    expect(await usage(await forge({ iat: now() - 1000, exp: now() - 61 }))).toEqual({
      status: 401,
      code: 'AUTH_TOKEN_EXPIRED',
    });
    expect((await usage(await forge({ iat: now() - 1000, exp: now() - 55 }))).status).toBe(200);
    // Issued by a server whose clock runs 55 s ahead of ours.
    expect((await usage(await forge({ iat: now() + 55 }))).status).toBe(200);
  });

  it('tampered (payload changed after signing) is refused with AUTH_TOKEN_INVALID', async () => {
    const [h, , s] = (await forge()).split('.');
    const payload = {
      iss: issuer,
      aud: ACCESS_AUDIENCE,
      sub: person.userId,
      name: person.userName,
      cid: 'default',
      did: person.deviceId,
      sid: person.sessionId,
      roles: ['clinician', 'admin'],
      ver: 1,
      iat: now(),
      exp: now() + 900,
      jti: randomUUID(),
    };
    expect(await usage(`${h ?? ''}.${b64(payload)}.${s ?? ''}`)).toEqual({
      status: 401,
      code: 'AUTH_TOKEN_INVALID',
    });
  });

  it('wrong issuer, wrong audience, wrong typ and an unknown key are refused with AUTH_TOKEN_INVALID', async () => {
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const { exportJWK } = await import('jose');
    for (const t of [
      await forge({ iss: 'urn:voiceassist:server:someone-else' }),
      await forge({ aud: 'another-api' }),
      await forge({ typ: 'JWT' }),
      await forge({}, await exportJWK(other.privateKey), kid), // our kid, another key
      await forge({}, await exportJWK(other.privateKey), randomUUID()),
    ]) {
      expect(await usage(t)).toEqual({ status: 401, code: 'AUTH_TOKEN_INVALID' });
    }
  });

  it('alg "none" and HS256 keyed with the public key are refused with AUTH_TOKEN_INVALID', async () => {
    const claims = {
      iss: issuer,
      aud: ACCESS_AUDIENCE,
      sub: person.userId,
      name: person.userName,
      cid: 'default',
      did: person.deviceId,
      sid: person.sessionId,
      roles: ['clinician', 'admin', 'auditor'],
      ver: 1,
      iat: now(),
      exp: now() + 900,
      jti: randomUUID(),
    };
    const none = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`;
    expect(await usage(none)).toEqual({ status: 401, code: 'AUTH_TOKEN_INVALID' });
    // The classic confusion attack: the verifier's public key used as an HMAC secret.
    for (const secret of [
      JSON.stringify(publicJwk),
      publicJwk.x ?? '',
      Buffer.from(publicJwk.x ?? '', 'base64url'),
    ]) {
      const input = `${b64({ alg: 'HS256', kid, typ: 'at+jwt' })}.${b64(claims)}`;
      const sig = createHmac('sha256', secret).update(input).digest('base64url');
      expect(await usage(`${input}.${sig}`)).toEqual({ status: 401, code: 'AUTH_TOKEN_INVALID' });
    }
  });

  it('garbage and a missing header get coded 401s', async () => {
    expect(await usage('not-a-token')).toEqual({ status: 401, code: 'AUTH_INVALID' });
    expect(await usage('a.b.c')).toEqual({ status: 401, code: 'AUTH_TOKEN_INVALID' });
    const res = await app.inject({ method: 'GET', url: '/v1/usage' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'AUTH_REQUIRED' } });
  });

  it('a token replayed after sign-out, device revocation or a role change is refused', async () => {
    const a = await signedIn(app, ['clinician']);
    expect((await usage(a.accessToken)).status).toBe(200);
    const out = await app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { authorization: `Bearer ${a.accessToken}` },
    });
    expect(out.json()).toEqual({ ended: true });
    expect(await usage(a.accessToken)).toEqual({ status: 401, code: 'AUTH_SESSION_REVOKED' });

    const b = await signedIn(app, ['clinician']);
    const admin = await signedIn(app, ['admin']);
    const revoke = await app.inject({
      method: 'POST',
      url: `/v1/admin/devices/${b.deviceId}/revoke`,
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    expect(revoke.statusCode).toBe(200);
    expect(await usage(b.accessToken)).toEqual({ status: 401, code: 'AUTH_DEVICE_REVOKED' });

    const c = await signedIn(app, ['clinician']);
    const patch = await app.inject({
      method: 'PATCH',
      url: `/v1/admin/users/${c.userId}`,
      headers: { authorization: `Bearer ${admin.accessToken}` },
      payload: { roles: ['clinician', 'auditor'] },
    });
    expect(patch.statusCode).toBe(200);
    expect(await usage(c.accessToken)).toEqual({ status: 401, code: 'AUTH_TOKEN_STALE' });
  });
});
