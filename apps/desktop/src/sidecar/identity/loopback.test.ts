import { describe, it, expect } from 'vitest';
import { CodedError } from '../../shared/errors.js';
import { startLoopbackReceiver } from './loopback.js';
import { createPkce } from './pkce.js';
import { createHash } from 'node:crypto';
import { refreshDelayMs } from './session.js';

describe('loopback redirect receiver (RFC 8252 §7.3)', () => {
  it('listens on 127.0.0.1 on a free port and ignores responses with another state', async () => {
    const r = await startLoopbackReceiver();
    try {
      expect(r.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      const waiting = r.wait('the-state', 10_000);
      const forged = await fetch(`${r.redirectUri}?code=evil&state=guess`);
      expect(forged.status).toBe(400);
      expect(forged.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(
        (await fetch(`${r.redirectUri.replace('/callback', '/other')}?state=the-state`)).status,
      ).toBe(404);
      const ok = await fetch(`${r.redirectUri}?code=abc&state=the-state&iss=https%3A%2F%2Fidp`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('return to VoiceAssist');
      expect(await waiting).toEqual({
        kind: 'code',
        code: 'abc',
        state: 'the-state',
        iss: 'https://idp',
      });
      // Done: a late duplicate is not accepted.
      expect((await fetch(`${r.redirectUri}?code=abc&state=the-state`)).status).toBe(400);
    } finally {
      await r.close();
    }
  });

  it('reports an IdP error redirect, a timeout and a cancel as such', async () => {
    const r = await startLoopbackReceiver({ path: '/cb' });
    try {
      const denied = r.wait('s1', 10_000);
      await fetch(`${r.redirectUri}?error=access_denied&error_description=no&state=s1`);
      expect(await denied).toEqual({ kind: 'error', error: 'access_denied', description: 'no' });
      const late = await r.wait('s2', 50).catch((e: unknown) => e);
      expect(late).toBeInstanceOf(CodedError);
      expect((late as CodedError).code).toBe('LOGIN_TIMEOUT');
      const ac = new AbortController();
      const cancelled = r.wait('s3', 10_000, ac.signal).catch((e: unknown) => e);
      ac.abort();
      expect(((await cancelled) as CodedError).code).toBe('LOGIN_CANCELLED');
    } finally {
      await r.close();
    }
  });

  it('a taken port is a coded error', async () => {
    const a = await startLoopbackReceiver();
    try {
      const port = Number(new URL(a.redirectUri).port);
      const e = await startLoopbackReceiver({ port }).catch((x: unknown) => x);
      expect((e as CodedError).code).toBe('LOOPBACK_UNAVAILABLE');
    } finally {
      await a.close();
    }
  });
});

describe('PKCE and refresh timing', () => {
  it('the challenge is the base64url SHA-256 of a 43-character verifier', () => {
    const { verifier, challenge } = createPkce();
    expect(verifier).toMatch(/^[\w-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(createPkce().verifier).not.toBe(verifier);
  });

  it('refreshes a fifth of the lifetime early, at most a minute', () => {
    expect(refreshDelayMs(900)).toBe(840_000);
    expect(refreshDelayMs(60)).toBe(48_000);
    expect(refreshDelayMs(0)).toBe(0);
  });
});
