import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wordErrorRate } from '../src/sidecar/speech/wer.js';
import { launchChromium } from '../test-support/chromium.js';
import { JFK_TRANSCRIPT_FILE, JFK_WAV } from '../test-support/data.js';
import {
  REPO_ROOT,
  SERVER_BIN,
  startSidecarWeb,
  startSyncServer,
  type Started,
} from '../test-support/processes.js';

/**
 * The voice turn as `npm start` gives it on a clean machine: the real sync server with NO cloud
 * provider configured, the engine in web mode, Debian's Chromium with its microphone fed from
 * jfk.wav. Speech is recognised on the workstation (pocketsphinx, basic accuracy), shown for
 * confirmation, answered from the local store, and spoken with eSpeak NG as audio chunks.
 */
const run = promisify(execFile);
const VOICEASSIST_BIN = path.join(REPO_ROOT, 'apps/desktop/bin/voiceassist.mjs');

const INAUGURAL = `# Inaugural address of President John F. Kennedy, January 20, 1961

And so, my fellow Americans: ask not what your country can do for you, ask what you can do for
your country. My fellow citizens of the world: ask not what America will do for you, but what
together we can do for the freedom of man.
`;

let tmp: string;
let server: Started | undefined;
let sidecar: Started | undefined;
let browser: Browser | undefined;
let launchUrl: string;
let reference: string;

beforeAll(async () => {
  reference = (await readFile(JFK_TRANSCRIPT_FILE, 'utf8')).trim();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'va-voice-local-e2e-'));
  await chmod(tmp, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it
  const rendererDir = path.join(tmp, 'renderer');
  await build({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: rendererDir, emptyOutDir: true, sourcemap: false },
  });
  // The server as `npm start` runs it: no provider keys in its environment.
  const dataDir = path.join(tmp, 'server-data');
  const serverEnv = { LOG_LEVEL: 'warn' };
  const added = await run(
    process.execPath,
    [SERVER_BIN, 'device', 'add', '--user', 'e2e_clinician', '--data-dir', dataDir],
    { cwd: REPO_ROOT, env: { ...process.env, ...serverEnv } },
  );
  const deviceKey = added.stdout.trim().split('\n').at(-1)?.trim() ?? '';
  server = await startSyncServer(dataDir, serverEnv);

  const profileDir = path.join(tmp, 'profile');
  await mkdir(profileDir, { recursive: true, mode: 0o700 });
  const docs = path.join(tmp, 'docs');
  await mkdir(docs, { recursive: true });
  await writeFile(path.join(docs, 'inaugural-address.md'), INAUGURAL);
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
    VOICEASSIST_SERVER_URL: server.match[1]!,
    VOICEASSIST_DEVICE_KEY: deviceKey,
    VOICEASSIST_PROFILE_DIR: profileDir,
    // An empty models folder: the sherpa-onnx models are not what this test is about.
    VOICEASSIST_MODELS_DIR: path.join(tmp, 'no-models'),
  });
  launchUrl = sidecar.match[1]!;
  browser = await launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    // %noloop: the file plays once from the moment the page opens the microphone (at the first
    // key-down), so the turn hears the speech from its start, as when a person presses and then
    // speaks. Looping, Chromium went on from wherever the file was, and the turn heard the end of
    // one pass and the start of the next: pocketsphinx scored that cut far worse than the file.
    `--use-file-for-fake-audio-capture=${JFK_WAV}%noloop`,
  ]);
}, 300_000);

afterAll(async () => {
  if (sidecar && (sidecar.child.exitCode !== null || process.env.VOICEASSIST_E2E_DEBUG))
    console.error(
      `sidecar (exit ${String(sidecar.child.exitCode)}):\n${sidecar.stderr().slice(-4000)}`,
    );
  await browser?.close();
  await sidecar?.stop();
  await server?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('voice turn with no cloud provider (Chromium microphone from jfk.wav)', () => {
  let page: Page;

  it('says before use that speech is recognised on this computer with basic accuracy', async () => {
    page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(launchUrl);
    await page.waitForSelector('[data-testid="engine-status"][data-state="ready"]');
    const path = page.locator('[data-testid="talk-path"][data-path="on-device"]');
    await path.waitFor({ timeout: 20_000 });
    expect(await path.innerText()).toMatch(/basic accuracy; you will confirm the text/);
    expect(await page.getByTestId('hold-to-talk').isDisabled()).toBe(false);
  });

  it('hold Space, speak, release: the transcript (WER ≤ 0.75 against the reference, the bound the recogniser’s own test holds on the file) waits for confirmation; Enter asks it; the answer is spoken with on-device audio chunks', async () => {
    await page.locator('main').focus();
    await page.keyboard.down('Space');
    await page.waitForSelector('[data-testid="voice-state"][data-state="listening"]', {
      timeout: 20_000,
    });
    await page.waitForTimeout(12_000); // jfk.wav is 11 s; hold the key while it is spoken
    await page.keyboard.up('Space');

    const confirm = page.getByTestId('confirm-transcript');
    await confirm.waitFor({ timeout: 120_000 });
    expect(await confirm.getAttribute('data-recogniser')).toBe('pocketsphinx');
    const heard = await page.getByTestId('confirm-text').inputValue();
    const wer = wordErrorRate(reference, heard);
    console.info(`on-device e2e: WER ${wer.toFixed(3)}`);
    expect(wer).toBeLessThanOrEqual(0.75);
    const norm = (t: string) =>
      t
        .toLowerCase()
        .replace(/[^a-z' ]/g, ' ')
        .split(/\s+/);
    const known = new Set(norm(reference).filter((w) => w.length > 3));
    expect(norm(heard).filter((w) => known.has(w)).length).toBeGreaterThanOrEqual(2);
    // Nothing is answered before the confirmation.
    expect(await page.getByTestId('answer').count()).toBe(0);

    await page.getByTestId('confirm-text').press('Enter');
    await confirm.waitFor({ state: 'detached', timeout: 10_000 });
    const answer = page.getByTestId('answer').first();
    await answer.waitFor({ timeout: 60_000 });
    // Answered from the local store: a quote, or (pocketsphinx's words being rough) the nearest
    // source named — either way about the one document, and spoken.
    expect(await answer.innerText()).toMatch(/country|Kennedy|inaugural/i);
    await page.waitForFunction(
      () =>
        Number(
          document.querySelector('[data-testid="playback"]')?.getAttribute('data-chunks-played'),
        ) > 0,
      undefined,
      { timeout: 60_000 },
    );
  });
});
