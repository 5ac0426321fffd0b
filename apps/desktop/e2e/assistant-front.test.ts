import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../test-support/chromium.js';
import { REPO_ROOT, startSidecarWeb, type Started } from '../test-support/processes.js';

/**
 * The assistant's questions back, end to end with real parts: the Vite-built renderer in Debian's
 * Chromium, the web-mode sidecar with an encrypted profile whose documents span three kidney
 * topics (ingested by the CLI). A broad typed question is asked back with its options as
 * buttons; a click continues the same question and the answer cites the chosen topic only. A
 * typed "open the calculators" shows that view. No sync server: answers are local.
 */
const run = promisify(execFile);
const VOICEASSIST_BIN = path.join(REPO_ROOT, 'apps/desktop/bin/voiceassist.mjs');

const DOCS: Record<string, string> = {
  'aki-treatment':
    '# Acute Kidney Injury -- treatment\n\nAcute kidney injury management treats the cause, stops nephrotoxic drugs and manages fluids.',
  'ckd-treatment':
    '# Chronic Kidney Disease -- treatment\n\nChronic kidney disease management controls blood pressure and slows progression.',
  'ckd-info':
    '# Chronic Kidney Disease -- information\n\nChronic kidney disease is a gradual loss of kidney function.',
  'dkd-info':
    '# Diabetic Kidney Disease -- information\n\nDiabetic kidney disease management includes glucose control and ACE inhibitors.',
};

let tmp: string;
let sidecar: Started | undefined;
let browser: Browser | undefined;
let launchUrl: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'va-e2e-front-'));
  const docs = path.join(tmp, 'docs');
  await mkdir(docs);
  for (const [name, text] of Object.entries(DOCS))
    await writeFile(path.join(docs, `${name}.md`), text);
  const rendererDir = path.join(tmp, 'renderer');
  await build({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: rendererDir, emptyOutDir: true, sourcemap: false },
  });
  const profileDir = path.join(tmp, 'profile');
  await mkdir(profileDir, { recursive: true, mode: 0o700 });
  const profileEnv = {
    VOICEASSIST_DB_KEY: randomBytes(32).toString('hex'),
    VOICEASSIST_EMBED_MODEL: 'hashing-bow',
    ORT_DISABLE_TELEMETRY: '1',
  };
  await run(process.execPath, [VOICEASSIST_BIN, 'kb', 'ingest', docs, '--store', profileDir], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...profileEnv },
  });
  sidecar = await startSidecarWeb(rendererDir, {
    ...profileEnv,
    VOICEASSIST_PROFILE_DIR: profileDir,
  });
  launchUrl = sidecar.match[1]!;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('questions asked back, in real Chromium over the real sidecar', () => {
  let page: Page;

  it('a broad question shows its options as buttons; a click answers from that topic', async () => {
    page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(launchUrl);
    await page.waitForSelector('[data-testid="engine-status"][data-state="ready"]', {
      timeout: 30_000,
    });
    await page.getByTestId('ask-view').waitFor();
    await page.locator('#question').fill('kidney disease management');
    await page.locator('form.composer__form button[type="submit"]').click();
    const options = page.getByTestId('reply-option');
    await options.first().waitFor({ timeout: 20_000 });
    const labels = await options.allTextContents();
    expect(labels).toEqual(
      expect.arrayContaining([
        'Acute Kidney Injury',
        'Chronic Kidney Disease',
        'Diabetic Kidney Disease',
      ]),
    );
    await expect
      .poll(() => page.getByTestId('answer').first().textContent())
      .toMatch(/Which do you mean/);

    await options.filter({ hasText: 'Chronic Kidney Disease' }).click();
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="turn"]')].some(
          (t) =>
            t.getAttribute('aria-label') === 'Question: Chronic Kidney Disease' &&
            t.querySelector('[data-testid="citation"]') !== null,
        ),
      undefined,
      { timeout: 20_000 },
    );
    const turn = page.locator(
      '[data-testid="turn"][aria-label="Question: Chronic Kidney Disease"]',
    );
    const sources = await turn
      .getByTestId('citation')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) expect(s).toContain('Chronic Kidney Disease');
    // The question is answered: no more buttons to reply with.
    expect(await page.getByTestId('reply-option').count()).toBe(0);
  }, 120_000);

  it('typing "open the calculators" shows the Calculators view', async () => {
    await page.locator('#question').fill('open the calculators');
    await page.locator('form.composer__form button[type="submit"]').click();
    await page.locator('main.content--calculators').waitFor({ timeout: 20_000 });
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
