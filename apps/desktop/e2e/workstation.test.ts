import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../test-support/chromium.js';
import {
  REPO_ROOT,
  startSidecarWeb,
  startSyncServer,
  type Started,
} from '../test-support/processes.js';

/**
 * The walking skeleton, end to end with real parts only: the renderer built by Vite, the sidecar
 * in web mode as a process, the real sync server with its embedded PostgreSQL, Debian's Chromium.
 */
let tmp: string;
let server: Started | undefined;
let sidecar: Started | undefined;
let browser: Browser | undefined;
let launchUrl: string;
const consoleErrors: string[] = [];

const state = (page: Page, testId: string): Promise<string | null> =>
  page.getByTestId(testId).getAttribute('data-state');

async function waitForState(
  page: Page,
  testId: string,
  wanted: string,
  timeout = 30_000,
): Promise<void> {
  await page.waitForSelector(`[data-testid="${testId}"][data-state="${wanted}"]`, { timeout });
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'va-e2e-'));
  await chmod(tmp, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it
  const rendererDir = path.join(tmp, 'renderer');
  await build({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: rendererDir, emptyOutDir: true, sourcemap: false },
  });
  // No personal sign-in on this server (sign-in-ui.test.ts covers it): the app opens directly.
  server = await startSyncServer(path.join(tmp, 'server-data'), { LOCAL_LOGIN: 'off' });
  const serverUrl = server.match[1]!;
  sidecar = await startSidecarWeb(rendererDir, { VOICEASSIST_SERVER_URL: serverUrl });
  launchUrl = sidecar.match[1]!;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
  await server?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('workstation in web mode (real Chromium, real sidecar, real sync server)', () => {
  let page: Page;

  it('shows engine ready and server ready', async () => {
    page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    const response = await page.goto(launchUrl);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await waitForState(page, 'engine-status', 'ready');
    await waitForState(page, 'server-status', 'ready');
    expect(await page.getByTestId('engine-status').innerText()).toContain('Ready');
    expect(await page.getByTestId('server-status').innerText()).toContain('Ready');
    // The one-time token left the address bar at once.
    expect(page.url()).not.toContain('token');
    if (process.env.VOICEASSIST_SCREENSHOT_DIR)
      await page.screenshot({
        path: path.join(process.env.VOICEASSIST_SCREENSHOT_DIR, 'workstation.png'),
      });
    expect(consoleErrors).toEqual([]);
  });

  it('reconnects after a reload of the same tab', async () => {
    await page.reload();
    await waitForState(page, 'engine-status', 'ready');
    expect(await state(page, 'server-status')).toBe('ready');
  });

  it('refuses the used link in another tab and says why', async () => {
    const other = await browser!.newPage();
    await other.goto(launchUrl);
    await waitForState(other, 'engine-status', 'refused');
    expect(await other.getByRole('alert').innerText()).toContain('already used');
    await other.close();
  });

  it('opens the diagnostics view from the keyboard', async () => {
    await page.keyboard.press('Alt+4'); // Ask, Knowledge, Calculators, Diagnostics
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Diagnostics');
    expect(await page.getByRole('table').first().innerText()).toContain('Not yet available');
  });

  it('reports the server as unreachable when it goes away, pushed by the engine', async () => {
    await server!.stop();
    await waitForState(page, 'server-status', 'unreachable');
    expect(await state(page, 'engine-status')).toBe('ready');
    expect(consoleErrors).toEqual([]);
  });
});
