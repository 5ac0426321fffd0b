import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { AppError } from '../errors.js';
import { verifyIdToken } from './id-token.js';

/** A real JWKS endpoint over HTTP, as an IdP publishes it. */
let server: http.Server;
let jwksUrl: URL;
let key: CryptoKey;
let publicJwk: JWK;
const issuer = 'https://cloud.clinic.example';
const clientId = 'voiceassist';
const nonce = 'n-0S6_WzA2Mj';

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  jwksUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`);
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const now = () => Math.floor(Date.now() / 1000);
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

const claims = (o: JWTPayload = {}): JWTPayload => ({
  iss: issuer,
  aud: clientId,
  sub: 'alice-uuid',
  nonce,
  iat: now(),
  exp: now() + 300,
  preferred_username: 'alice',
  email: 'alice@clinic.example',
  groups: ['clinicians'],
  ...o,
});

const sign = (c: JWTPayload, alg = 'RS256') =>
  new SignJWT(c).setProtectedHeader({ alg, kid: 'k1', typ: 'JWT' }).sign(key);

const check = (token: string, expected = nonce) =>
  verifyIdToken(token, { issuer, clientId, nonce: expected, keys: createRemoteJWKSet(jwksUrl) });

async function refusal(p: Promise<unknown>): Promise<{ status: number; code: string }> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AppError);
  return { status: (e as AppError).statusCode, code: (e as AppError).code };
}

const INVALID = { status: 401, code: 'AUTH_TOKEN_INVALID' };

describe('ID token verification (signature by JWKS over HTTP, claims, nonce, skew)', () => {
  it('accepts a valid token and returns its claims', async () => {
    const c = await check(await sign(claims()));
    expect(c).toMatchObject({
      sub: 'alice-uuid',
      preferred_username: 'alice',
      groups: ['clinicians'],
    });
  });

  it('tolerates up to 60 s of clock skew either way, and not more', async () => {
    await expect(
      check(await sign(claims({ iat: now() - 400, exp: now() - 55 }))),
    ).resolves.toBeTruthy();
    await expect(
      check(await sign(claims({ iat: now() + 55, exp: now() + 400 }))),
    ).resolves.toBeTruthy();
    await expect(check(await sign(claims({ nbf: now() + 55 })))).resolves.toBeTruthy();
    expect(await refusal(check(await sign(claims({ iat: now() - 400, exp: now() - 65 }))))).toEqual(
      {
        status: 401,
        code: 'AUTH_TOKEN_EXPIRED',
      },
    );
    expect(await refusal(check(await sign(claims({ iat: now() + 65, exp: now() + 400 }))))).toEqual(
      INVALID,
    );
    expect(await refusal(check(await sign(claims({ nbf: now() + 65 }))))).toEqual(INVALID);
  });

  it('refuses tampered, wrong-issuer, wrong-audience, wrong-azp and wrong-nonce tokens', async () => {
    const [h, , s] = (await sign(claims())).split('.');
    const tampered = `${h ?? ''}.${b64(claims({ groups: ['it-admins'] }))}.${s ?? ''}`;
    for (const t of [
      tampered,
      await sign(claims({ iss: 'https://evil.example' })),
      await sign(claims({ aud: 'another-app' })),
      await sign(claims({ aud: [clientId, 'another-app'] })), // several audiences need azp = us
      await sign(claims({ aud: [clientId, 'another-app'], azp: 'another-app' })),
      await sign(claims({ nonce: 'someone-elses-nonce' })),
      await sign(claims({ nonce: undefined })),
    ]) {
      expect(await refusal(check(t))).toEqual(INVALID);
    }
  });

  it('refuses alg "none" and HS256 keyed with the public key', async () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
    expect(await refusal(check(none))).toEqual(INVALID);
    for (const secret of [JSON.stringify(publicJwk), publicJwk.n ?? '']) {
      const input = `${b64({ alg: 'HS256', kid: 'k1', typ: 'JWT' })}.${b64(claims())}`;
      const sig = createHmac('sha256', secret).update(input).digest('base64url');
      expect(await refusal(check(`${input}.${sig}`))).toEqual(INVALID);
    }
  });

  it('refuses a token signed by a key the IdP does not publish', async () => {
    const other = await generateKeyPair('RS256');
    const t = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'RS256', kid: randomUUID() })
      .sign(other.privateKey);
    expect(await refusal(check(t))).toEqual(INVALID);
  });
});
