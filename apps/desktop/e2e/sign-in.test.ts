import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MemoryVaultStore } from '@voiceassist/phi';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodedError, codeOf } from '../src/shared/errors.js';
import { createGatewayClient } from '../src/sidecar/assistant/create.js';
import { MemoryAuditSink } from '../src/sidecar/egress/index.js';
import { HealthMonitor } from '../src/sidecar/health.js';
import { IdentityService } from '../src/sidecar/identity/service.js';
import { ProfileHandle } from '../src/sidecar/profile-handle.js';
import { gatewayConfigFromEnv } from '../src/sidecar/providers/config.js';
import { createHandlers } from '../src/sidecar/rpc/handlers.js';
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
  SERVER_BIN,
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
const run = promisify(execFile);

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
    // Every test enrols a workstation from this one address; the seeds' limits (5 enrolments an
    // hour, 10 sign-ins a minute) have their own tests in the server.
    RATE_LIMIT_REGISTER_PER_HOUR: '1000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
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

describe('the engine with a person signed in (IdentityService, the RPC handlers, the gateway client)', () => {
  const silent = pino({ level: 'silent' });
  const noProfile = new ProfileHandle(undefined, () => Promise.reject(new Error('none')), silent);
  const ctx = { connectionId: 'test' };

  function engineParts(env: NodeJS.ProcessEnv = {}, checkEveryMs?: number) {
    const states: string[] = [];
    const identity = new IdentityService({
      env: { VOICEASSIST_SERVER_URL: serverUrl, ...env },
      profiles: noProfile,
      log: silent,
      onChange: (s) => states.push(s.status),
      ...(checkEveryMs === undefined ? {} : { checkEveryMs }),
    });
    const health = new HealthMonitor({
      version: 'test',
      serverUrl,
      components: () => noProfile.components(),
    });
    return { identity, states, handlers: createHandlers({ health, identity }) };
  }

  async function signIn(identity: IdentityService): Promise<void> {
    await identity.start();
    const { authorizationUrl } = await identity.signInBrowser();
    await personInBrowser([])(authorizationUrl);
    await expect.poll(() => identity.state().status, { timeout: 30_000 }).toBe('signed-in');
  }

  const codeOfCall = async (f: () => unknown): Promise<string | undefined> => {
    try {
      await f();
      return undefined;
    } catch (e) {
      return codeOf(e);
    }
  };

  it('refuses every call but health and signing in until someone signs in, and again once locked', async () => {
    const { identity, handlers } = engineParts();
    await identity.start();
    expect(identity.state()).toMatchObject({
      mode: 'sign-in',
      status: 'signed-out',
      methods: { browser: true, password: true },
      idleTimeoutSeconds: 600,
    });
    expect(await codeOfCall(() => handlers['knowledge.sources']({}, ctx))).toBe('NOT_SIGNED_IN');
    expect(await codeOfCall(() => handlers['conversations.list']({}, ctx))).toBe('NOT_SIGNED_IN');
    expect((await handlers.ping({ text: 'x' }, ctx)).text).toBe('x');

    await signIn(identity);
    expect(identity.state().user).toMatchObject({ name: 'alice', roles: ['clinician'] });
    // Let through: this engine has no store, so knowledge answers that, not a sign-in refusal.
    expect(await codeOfCall(() => handlers['knowledge.sources']({}, ctx))).toBe('KB_NOT_AVAILABLE');

    const token = await identity.bearer();
    await handlers['identity.lock']({}, ctx);
    expect(identity.state()).toMatchObject({
      status: 'locked',
      user: { name: 'alice' },
      reason: { code: 'LOCKED_BY_USER' },
    });
    expect(await codeOfCall(() => handlers['knowledge.sources']({}, ctx))).toBe('LOCKED_BY_USER');
    // Locking ended the session on the server too.
    const me = await new AuthClient(serverUrl).me(token).catch((e: unknown) => e);
    expect((me as CodedError).code).toBe('AUTH_SESSION_REVOKED');
    identity.close();
  });

  it('locks by itself after the idle time without activity (VOICEASSIST_IDLE_TIMEOUT_SECONDS shortens the policy), activity keeps it open', async () => {
    const { identity, states } = engineParts({ VOICEASSIST_IDLE_TIMEOUT_SECONDS: '2' });
    await signIn(identity);
    expect(identity.state().idleTimeoutSeconds).toBe(2);
    // Activity every half second for three seconds: still signed in.
    for (let i = 0; i < 6; i++) {
      identity.activity();
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(identity.state().status).toBe('signed-in');
    await expect.poll(() => identity.state().status, { timeout: 15_000 }).toBe('locked');
    expect(identity.state().reason?.code).toBe('LOCKED_IDLE');
    expect(states.at(-1)).toBe('locked');
    identity.close();
  });

  it('learns that an admin revoked this workstation and says so (session checked every 0.5 s here)', async () => {
    const { identity } = engineParts({}, 500);
    await signIn(identity);
    const me = await new AuthClient(serverUrl).me(await identity.bearer());
    await run(process.execPath, [
      SERVER_BIN,
      'device',
      'revoke',
      me.device.id,
      '--data-dir',
      path.join(tmp, 'server-data'),
    ]);
    await expect.poll(() => identity.state().status, { timeout: 20_000 }).toBe('signed-out');
    expect(identity.state().reason).toEqual({
      code: 'AUTH_DEVICE_REVOKED',
      message: 'This device was revoked by your administrator; ask them to enrol it again.',
    });
    identity.close();
  });

  it("the gateway client sends the signed-in person's access token, and nothing at all when locked", async () => {
    const { identity } = engineParts();
    await signIn(identity);
    const config = gatewayConfigFromEnv(
      { VOICEASSIST_SERVER_URL: serverUrl },
      undefined,
      identity.bearer,
    );
    if (!config) throw new Error('no gateway config');
    const audit = new MemoryAuditSink();
    const client = createGatewayClient(config, new MemoryVaultStore(), audit);
    // This server has no TTS provider: the gateway let the token through to say so.
    const signedIn = await client
      .tts({ conversationId: 'c1', text: 'hello' })
      .catch((e: unknown) => e);
    expect(codeOf(signedIn)).toBe('PROVIDER_NOT_CONFIGURED');
    const requests = () => audit.records.filter((r) => r.operation === 'request').length;
    expect(requests()).toBe(1);

    await identity.lock();
    const locked = await client
      .tts({ conversationId: 'c1', text: 'hello' })
      .catch((e: unknown) => e);
    expect(codeOf(locked)).toBe('AUTH_REQUIRED');
    expect(requests()).toBe(1); // refused before any request left
    identity.close();
  });
});
