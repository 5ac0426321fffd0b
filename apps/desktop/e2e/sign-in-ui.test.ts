import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateSync } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../test-support/chromium.js';
import {
  REPO_ROOT,
  SERVER_BIN,
  startSidecarWeb,
  startSyncServer,
  startUntilLine,
  type Started,
} from '../test-support/processes.js';

/**
 * The workstation's sign-in as a person uses it, with real parts only: the renderer built by Vite,
 * the engine in web mode as a process, the real sync server with its embedded PostgreSQL, a real
 * OpenID Provider (oidc-provider with Nextcloud's claims) and Debian's Chromium. In web mode the
 * clinic's login page opens as a browser tab; the redirect comes back to the engine's loopback
 * receiver.
 */
const IDP_CLI = path.join(REPO_ROOT, 'apps/sync-server/test-support/oidc/cli.ts');
const PASSWORD = 'correct horse battery staple';
const BOB_PASSWORD = 'plum orchard lantern river';
const run = promisify(execFile);

let tmp: string;
let idp: Started | undefined;
let server: Started | undefined;
const sidecars: Started[] = [];
let browser: Browser | undefined;
let rendererDir: string;
let serverUrl: string;
let serverData: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'va-signin-ui-'));
  await chmod(tmp, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it
  rendererDir = path.join(tmp, 'renderer');
  await build({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: rendererDir, emptyOutDir: true, sourcemap: false },
  });
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
  serverData = path.join(tmp, 'server-data');
  server = await startSyncServer(serverData, {
    DATABASE_URL: '',
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: clientId,
    OIDC_CLIENT_SECRET: clientSecret,
    OIDC_GROUP_ROLES: 'clinicians=clinician',
    // Every test enrols a workstation from this one address; the seeds' limits (5 enrolments an
    // hour, 10 sign-ins a minute) have their own tests in the server.
    RATE_LIMIT_REGISTER_PER_HOUR: '1000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
  });
  serverUrl = server.match[1] ?? '';
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(sidecars.map((s) => s.stop()));
  await server?.stop();
  await idp?.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function startEngine(env: NodeJS.ProcessEnv = {}): Promise<string> {
  const sidecar = await startSidecarWeb(rendererDir, {
    VOICEASSIST_SERVER_URL: serverUrl,
    VOICEASSIST_DEVICE_NAME: 'Exam room 3',
    ...env,
  });
  sidecars.push(sidecar);
  return sidecar.match[1] ?? '';
}

async function openApp(launchUrl: string): Promise<{ context: BrowserContext; page: Page }> {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(launchUrl);
  return { context, page };
}

/** The clinic login page opened as a tab: sign in there (unless the IdP remembers us). */
async function signInInTab(context: BrowserContext, click: () => Promise<void>): Promise<string> {
  const [tab] = await Promise.all([context.waitForEvent('page'), click()]);
  const callback = /^http:\/\/127\.0\.0\.1:\d+\/callback\?/;
  const form = tab.getByLabel('Account name or email');
  await Promise.race([tab.waitForURL(callback), form.waitFor()]);
  if (!callback.test(tab.url())) {
    await form.fill('alice@clinic');
    await tab.getByLabel('Password').fill(PASSWORD);
    await tab.getByRole('button', { name: 'Log in' }).click();
    await tab.waitForURL(callback);
  }
  const title = await tab.locator('h1').innerText();
  await tab.close();
  return title;
}

/** After "Sign in": who is shown as signed in; fails with the screen's alert otherwise. */
async function signedInAs(page: Page): Promise<string> {
  const user = page.getByTestId('identity-user');
  // While the engine works the button reads "Signing in…"; it comes back only on failure.
  const again = page.getByRole('button', { name: 'Sign in', exact: true });
  await Promise.race([user.waitFor(), again.waitFor()]);
  if (!(await user.isVisible())) {
    throw new Error(`not signed in: ${await page.locator('.signin__alert').innerText()}`);
  }
  return user.innerText();
}

describe('sign-in screen, signed-in user, lock and sign-out (web mode, Chromium)', () => {
  it('signs in with the clinic account in a browser tab; shows who is signed in; locks and unlocks; signs out', async () => {
    const { context, page } = await openApp(await startEngine());
    await page.getByRole('heading', { name: 'Sign in to VoiceAssist' }).waitFor();
    // Nothing of the app is there before signing in.
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);

    const landed = await signInInTab(context, () =>
      page.getByRole('button', { name: 'Sign in with your clinic account' }).click(),
    );
    expect(landed).toBe('Signed in');
    const user = page.getByTestId('identity-user');
    await user.waitFor();
    expect(await user.innerText()).toContain('Dr Alice');
    expect(await user.innerText()).toContain('clinician');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();

    // Lock: the app is hidden (still there underneath), the lock screen names who was signed in.
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByRole('heading', { name: 'Workstation locked' }).waitFor();
    expect(await page.getByTestId('signin-locked-user').innerText()).toContain('Dr Alice');
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    expect(await page.getByRole('alert').innerText()).toContain('locked');

    // Quick unlock: the clinic account again (the IdP may remember the browser).
    await signInInTab(context, () =>
      page.getByRole('button', { name: 'Sign in with your clinic account' }).click(),
    );
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'visible' });
    expect(await page.getByTestId('identity-user').innerText()).toContain('Dr Alice');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to VoiceAssist' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await context.close();
  });

  it('locks after the idle time without activity and says why', async () => {
    const { context, page } = await openApp(
      await startEngine({ VOICEASSIST_IDLE_TIMEOUT_SECONDS: '3' }),
    );
    await signInInTab(context, () =>
      page.getByRole('button', { name: 'Sign in with your clinic account' }).click(),
    );
    await page.getByTestId('identity-user').waitFor();
    // No key, pointer or wheel in the app: within a few seconds the lock screen is up.
    await page.getByRole('heading', { name: 'Workstation locked' }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('alert').innerText()).toContain('without activity');
    await context.close();
  });

  it('says so when the VoiceAssist server cannot be reached, and offers to try again', async () => {
    const { context, page } = await openApp(
      await startEngine({ VOICEASSIST_SERVER_URL: 'http://127.0.0.1:9' }),
    );
    await page.getByRole('heading', { name: 'Sign in to VoiceAssist' }).waitFor();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.getAttribute('data-code')).toBe('SERVER_UNREACHABLE');
    expect(await alert.innerText()).toContain('The VoiceAssist server could not be reached');
    await page.getByRole('button', { name: 'Try again' }).click();
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await context.close();
  });

  it("says so when the clinic's login server cannot be reached", async () => {
    // A second server instance on the same database whose IdP nobody answers (port 9, discard).
    const [owner, appRole] = await Promise.all(
      [['--superuser'], []].map(async (flag) => {
        const out = await run(process.execPath, [
          SERVER_BIN,
          'db',
          'url',
          ...flag,
          '--data-dir',
          serverData,
        ]);
        return out.stdout.trim().split('\n').at(-1)?.trim() ?? '';
      }),
    );
    const second = await startSyncServer(path.join(tmp, 'second-instance'), {
      DATABASE_URL: owner,
      DATABASE_APP_URL: appRole,
      OIDC_ISSUER: 'http://127.0.0.1:9/',
      OIDC_CLIENT_ID: 'voiceassist',
    });
    sidecars.push(second);
    const { context, page } = await openApp(
      await startEngine({ VOICEASSIST_SERVER_URL: second.match[1] ?? '' }),
    );
    await page.getByRole('button', { name: 'Sign in with your clinic account' }).click();
    const alert = page.locator('.signin__alert');
    await alert.waitFor();
    expect(await alert.getAttribute('data-code')).toBe('AUTH_IDP_UNAVAILABLE');
    expect(await alert.innerText()).toContain("Your clinic's login server could not be reached");
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await context.close();
  });

  it('a local account: one-time password, then a new one; with TOTP the authenticator code is asked for', async () => {
    const bootstrap = await run(process.execPath, [
      SERVER_BIN,
      'admin',
      'bootstrap',
      '--user',
      'bob',
      '--data-dir',
      serverData,
    ]);
    const oneTime = bootstrap.stdout.trim().split('\n').at(-1)?.trim() ?? '';
    expect(oneTime.length).toBeGreaterThan(8);

    const { context, page } = await openApp(await startEngine());
    await page.getByLabel('User name').fill('bob');
    await page.getByLabel('Password', { exact: true }).fill(oneTime);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // The server asks for a new password: the screen adds the field and says so.
    await page.getByLabel('New password').waitFor();
    expect(await page.getByRole('alert').getAttribute('data-code')).toBe(
      'AUTH_PASSWORD_CHANGE_REQUIRED',
    );
    await page.getByLabel('Password', { exact: true }).fill(oneTime);
    await page.getByLabel('New password').fill(BOB_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(await signedInAs(page)).toContain('bob (admin)');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to VoiceAssist' }).waitFor();

    // Bob turns on TOTP (through the server's API, as the admin console will).
    const login = (await (
      await fetch(new URL('/v1/auth/login', serverUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username: 'bob',
          password: BOB_PASSWORD,
          device: { name: 'admin laptop' },
        }),
      })
    ).json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${login.accessToken}` };
    const setup = (await (
      await fetch(new URL('/v1/auth/mfa/totp', serverUrl), { method: 'POST', headers: auth })
    ).json()) as { secret: string };
    const confirmed = await fetch(new URL('/v1/auth/mfa/totp/confirm', serverUrl), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      // The previous period's code (accepted within the window), so the current one is unused.
      body: JSON.stringify({
        code: generateSync({ secret: setup.secret, epoch: Math.floor(Date.now() / 1000) - 30 }),
      }),
    });
    expect(confirmed.status).toBe(200);

    await page.getByLabel('User name').fill('bob');
    await page.getByLabel('Password', { exact: true }).fill(BOB_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Authenticator code').waitFor();
    expect(await page.getByRole('alert').getAttribute('data-code')).toBe('AUTH_MFA_REQUIRED');
    await page.getByLabel('Password', { exact: true }).fill(BOB_PASSWORD);
    await page.getByLabel('Authenticator code').fill(generateSync({ secret: setup.secret }));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(await signedInAs(page)).toContain('bob');
    await context.close();
  });
});
