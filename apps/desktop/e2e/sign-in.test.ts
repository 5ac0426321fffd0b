import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodedError } from '../src/shared/errors.js';
import {
  AuthClient,
  IdentitySession,
  MemoryCredentialStore,
  refreshDelayMs,
  type Scheduler,
} from '../src/sidecar/identity/index.js';
import { launchChromium } from '../test-support/chromium.js';
import {
  REPO_ROOT,
  startSyncServer,
  startUntilLine,
  type Started,
} from '../test-support/processes.js';

/**
 * The workstation's sign-in end to end with real parts: a real OpenID Provider (oidc-provider,
 * set up with Nextcloud's claims) and the real sync server with its embedded PostgreSQL, each as
 * its own process; the browser part in Debian's Chromium; the identity module as the engine
 * will use it (loopback receiver, PKCE, state check, token refresh).
 */
const IDP_CLI = path.join(REPO_ROOT, 'apps/sync-server/test-support/oidc/cli.ts');
const PASSWORD = 'correct horse battery staple';

let tmp: string;
let idp: Started | undefined;
let server: Started | undefined;
let browser: Browser | undefined;
let serverUrl: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'va-signin-'));
  await chmod(tmp, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it
  idp = await startUntilLine(process.execPath, ['--import', 'tsx', IDP_CLI], /^(\{.*\})$/, {
    env: {
      IDP_USERS: JSON.stringify({
        'alice@clinic': {
          password: PASSWORD,
          preferred_username: 'alice',
          email: 'alice@clinic.example',
          name: 'Dr Alice',
          groups: ['clinicians'],
        },
      }),
    },
  });
  const { issuer, clientId, clientSecret } = JSON.parse(idp.match[1] ?? '{}') as Record<
    string,
    string
  >;
  server = await startSyncServer(path.join(tmp, 'server-data'), {
    DATABASE_URL: '',
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: clientId,
    OIDC_CLIENT_SECRET: clientSecret,
    OIDC_GROUP_ROLES: 'clinicians=clinician',
    SESSION_IDLE_MINUTES: '10',
  });
  serverUrl = server.match[1] ?? '';
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await idp?.stop();
  await rm(tmp, { recursive: true, force: true });
});

/** What a person does in the browser: the IdP's login form, then the loopback page. */
function personInBrowser(pages: string[]) {
  return async (url: string) => {
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext(); // a fresh browser profile: the IdP asks again
    const page = await context.newPage();
    void (async () => {
      await page.goto(url);
      await page.getByLabel('Account name or email').fill('alice@clinic');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
      pages.push(await page.locator('h1').innerText());
      await context.close();
    })().catch((e: unknown) => pages.push(`browser failed: ${(e as Error).message}`));
  };
}

/** Timers the test fires by hand, to see what the session schedules. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  const scheduler: Scheduler = {
    set: (fn, ms) => {
      pending.set(++next, { fn, ms });
      return next;
    },
    clear: (h) => pending.delete(h as number),
  };
  return { scheduler, pending };
}

describe('workstation sign-in (OIDC + PKCE, loopback redirect, Chromium)', () => {
  it('signs in through the system browser, enrols the workstation, refreshes on schedule, and ends on refresh-token reuse', async () => {
    const store = new MemoryCredentialStore();
    const client = new AuthClient(serverUrl);
    const timers = manualTimers();
    const session = new IdentitySession({
      client,
      store,
      deviceName: 'Exam room 3',
      scheduler: timers.scheduler,
    });
    const pages: string[] = [];
    const signedIn = await session.signInWithBrowser(personInBrowser(pages));
    expect(signedIn).toMatchObject({
      kind: 'signed_in',
      user: { name: 'alice', email: 'alice@clinic.example', roles: ['clinician'] },
      idleTimeoutSeconds: 600,
    });
    // The browser tab landed on our loopback page.
    await expect.poll(() => pages).toEqual(['Signed in']);
    const stored = await store.load();
    expect(stored?.device?.secret).toMatch(/^vds_/);
    expect(stored?.refreshToken).toMatch(/^vrt_/);
    const me = await client.me(await session.accessToken());
    expect(me).toMatchObject({ via: 'session', user: { displayName: 'Dr Alice' } });

    // The refresh is scheduled a minute before the 15-minute token expires; firing it rotates.
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([refreshDelayMs(900)]);
    expect(refreshDelayMs(900)).toBe(840_000);
    const before = stored?.refreshToken ?? '';
    [...timers.pending.values()][0]?.fn();
    await expect.poll(async () => (await store.load())?.refreshToken).not.toBe(before);
    expect(session.state.kind).toBe('signed_in');

    // Someone replays the spent refresh token: the server ends the session everywhere…
    const replay = await client.refresh(before).catch((e: unknown) => e);
    expect(replay).toBeInstanceOf(CodedError);
    expect((replay as CodedError).code).toBe('AUTH_REFRESH_REUSED');
    // …and the workstation's next refresh signs it out, with the reason.
    await session.refresh().catch(() => undefined);
    expect(session.state).toMatchObject({
      kind: 'signed_out',
      reason: { code: 'AUTH_SESSION_REVOKED' },
    });
    expect((await store.load())?.refreshToken).toBeUndefined();
    expect((await store.load())?.device?.id).toBe(
      signedIn.kind === 'signed_in' ? signedIn.deviceId : '',
    );

    // Signing in again keeps the enrolment; signing out ends the session on the server.
    const again = await session.signInWithBrowser(personInBrowser(pages));
    expect(again.kind === 'signed_in' && again.deviceId).toBe(
      signedIn.kind === 'signed_in' && signedIn.deviceId,
    );
    const token = await session.accessToken();
    await session.signOut();
    expect(session.state).toEqual({ kind: 'signed_out', reason: undefined });
    const after = await client.me(token).catch((e: unknown) => e);
    expect((after as CodedError).code).toBe('AUTH_SESSION_REVOKED');
    session.dispose();
  });

  it('a stored refresh token signs in again after a restart, without the browser', async () => {
    const store = new MemoryCredentialStore();
    const client = new AuthClient(serverUrl);
    const first = new IdentitySession({ client, store, deviceName: 'Desk 1' });
    await first.signInWithBrowser(personInBrowser([]));
    first.dispose(); // the engine stops; the store survives
    const second = new IdentitySession({ client, store, deviceName: 'Desk 1' });
    expect((await second.restore()).kind).toBe('signed_in');
    expect((await client.me(await second.accessToken())).user.name).toBe('alice');
    await second.signOut();
    second.dispose();
  });

  it('an unreachable server is a coded error a person can act on', async () => {
    const session = new IdentitySession({
      client: new AuthClient('http://127.0.0.1:9/'),
      store: new MemoryCredentialStore(),
      deviceName: 'x',
    });
    const e = await session.signInWithBrowser(() => Promise.resolve()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CodedError);
    expect((e as CodedError).code).toBe('SERVER_UNREACHABLE');
    expect(session.state).toMatchObject({
      kind: 'signed_out',
      reason: { code: 'SERVER_UNREACHABLE' },
    });
  });
});
