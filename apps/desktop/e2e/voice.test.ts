import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  STANDIN_KEYS,
  startDeepgramStandin,
  startElevenLabsStandin,
  startOpenAiStandin,
} from '@voiceassist/tests/harness/standins.js';
import { launchChromium } from '../test-support/chromium.js';
import {
  JFK_TRANSCRIPT_FILE,
  JFK_WAV,
  readMedquadDocs,
  writeMedquadMarkdown,
} from '../test-support/data.js';
import {
  REPO_ROOT,
  SERVER_BIN,
  startSidecarWeb,
  startSyncServer,
  type Started,
} from '../test-support/processes.js';

/**
 * The voice turn end to end, real parts only: Debian's Chromium with its microphone fed from
 * jfk.wav, the renderer built by Vite, the sidecar in web mode with an encrypted profile store
 * holding a few ingested documents, and the real sync server (embedded PostgreSQL, a device key
 * from `voiceassist-server device add`) whose gateway talks to the provider stand-ins: the STT
 * stand-in hears the reference transcript, the LLM stand-in answers with a cited reply, the TTS
 * stand-in streams PCM. The page must show the transcript and the cited answer, play the audio,
 * and stop it when the key is pressed again (barge-in).
 */
const run = promisify(execFile);
const VOICEASSIST_BIN = path.join(REPO_ROOT, 'apps/desktop/bin/voiceassist.mjs');

/** The cited reply of the LLM stand-in: long enough that its speech plays for a few seconds. */
const REPLY = [
  'In his inaugural address of January 1961, President Kennedy asked his fellow Americans not to ask what their country could do for them, but what they could do for their country [1].',
  'He spoke of a new generation of Americans, born in this century, tempered by war and disciplined by a hard and bitter peace, and proud of an ancient heritage [1].',
  'The address closed by asking citizens of the world to ask of Americans the same high standards of strength and sacrifice that Americans asked of them [1].',
].join(' ');

const INAUGURAL = `# Inaugural address of President John F. Kennedy, January 20, 1961

Let the word go forth from this time and place, to friend and foe alike, that the torch has been
passed to a new generation of Americans, born in this century, tempered by war, disciplined by a
hard and bitter peace, proud of our ancient heritage.

And so, my fellow Americans: ask not what your country can do for you, ask what you can do for
your country. My fellow citizens of the world: ask not what America will do for you, but what
together we can do for the freedom of man.

Finally, whether you are citizens of America or citizens of the world, ask of us here the same
high standards of strength and sacrifice which we ask of you.
`;

let tmp: string;
let standins: { close(): Promise<void> }[] = [];
let server: Started | undefined;
let sidecar: Started | undefined;
let browser: Browser | undefined;
let launchUrl: string;
let transcript: string;
const consoleErrors: string[] = [];
const shots = process.env.VOICEASSIST_SCREENSHOT_DIR;

async function screenshot(page: Page, name: string): Promise<void> {
  if (shots) await page.screenshot({ path: path.join(shots, name), fullPage: true });
}

const attr = (page: Page, testId: string, name: string): Promise<string | null> =>
  page.getByTestId(testId).getAttribute(name);

beforeAll(async () => {
  transcript = (await readFile(JFK_TRANSCRIPT_FILE, 'utf8')).trim();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'va-voice-e2e-'));
  await chmod(tmp, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it

  const rendererDir = path.join(tmp, 'renderer');
  await build({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: rendererDir, emptyOutDir: true, sourcemap: false },
  });

  // Provider stand-ins (they speak the real providers' wire protocols).
  const [openai, deepgram, elevenlabs] = await Promise.all([
    startOpenAiStandin({ apiKey: STANDIN_KEYS.openai, reply: REPLY }),
    startDeepgramStandin({ apiKey: STANDIN_KEYS.deepgram, transcript }),
    startElevenLabsStandin({ apiKey: STANDIN_KEYS.elevenlabs }),
  ]);
  standins = [openai, deepgram, elevenlabs];

  // The sync server: a device key first (the CLI a clinic admin uses), then the server itself.
  const dataDir = path.join(tmp, 'server-data');
  const serverEnv = {
    LOG_LEVEL: 'warn',
    OPENAI_BASE_URL: openai.url,
    OPENAI_API_KEY: STANDIN_KEYS.openai,
    OPENAI_MODEL: 'gpt-standin',
    DEEPGRAM_URL: deepgram.url,
    DEEPGRAM_API_KEY: STANDIN_KEYS.deepgram,
    ELEVENLABS_BASE_URL: elevenlabs.url,
    ELEVENLABS_API_KEY: STANDIN_KEYS.elevenlabs,
    ELEVENLABS_VOICE_ID: 'standinVoice01',
  };
  const added = await run(
    process.execPath,
    [SERVER_BIN, 'device', 'add', '--user', 'e2e_clinician', '--data-dir', dataDir],
    { cwd: REPO_ROOT, env: { ...process.env, ...serverEnv } },
  );
  const deviceKey = added.stdout.trim().split('\n').at(-1)?.trim() ?? '';
  expect(deviceKey.length).toBeGreaterThan(20);
  server = await startSyncServer(dataDir, serverEnv);
  const serverUrl = server.match[1]!;

  // The clinician's profile: an encrypted store with a few documents ingested by the CLI.
  const profileDir = path.join(tmp, 'profile');
  await mkdir(profileDir, { recursive: true, mode: 0o700 });
  const docs = path.join(tmp, 'docs');
  await mkdir(docs, { recursive: true });
  await writeFile(path.join(docs, 'inaugural-address.md'), INAUGURAL);
  await writeMedquadMarkdown(
    docs,
    readMedquadDocs()
      .slice(0, 4)
      .map((d) => d.id),
  );
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
    VOICEASSIST_SERVER_URL: serverUrl,
    VOICEASSIST_DEVICE_KEY: deviceKey,
    VOICEASSIST_PROFILE_DIR: profileDir,
  });
  launchUrl = sidecar.match[1]!;
  browser = await launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${JFK_WAV}`,
    '--autoplay-policy=user-gesture-required',
  ]);
});

afterAll(async () => {
  if (sidecar && (sidecar.child.exitCode !== null || process.env.VOICEASSIST_E2E_DEBUG))
    console.error(
      `sidecar (exit ${String(sidecar.child.exitCode)}):\n${sidecar.stderr().slice(-4000)}`,
    );
  await browser?.close();
  await sidecar?.stop();
  await server?.stop();
  await Promise.all(standins.map((s) => s.close()));
  await rm(tmp, { recursive: true, force: true });
});

describe('voice turn in web mode (Chromium microphone from jfk.wav, real sidecar and server)', () => {
  let page: Page;
  let firstTurnId: string | null = null;

  it('hold Space, speak, release: transcript and a cited answer appear, and the answer is played', async () => {
    page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('crash', () => consoleErrors.push('the page crashed'));
    if (process.env.VOICEASSIST_E2E_DEBUG) {
      page.on('console', (m) => {
        void Promise.all(m.args().map((a) => a.jsonValue().catch(() => '?'))).then((args) =>
          console.error(`page ${m.type()}: ${JSON.stringify(args).slice(0, 1500)}`),
        );
      });
      page.on('pageerror', (e) => console.error(`pageerror: ${e.stack ?? e.message}`));
    }
    page.on('close', () => console.error('page closed'));
    await page.goto(launchUrl);
    await page.waitForSelector('[data-testid="engine-status"][data-state="ready"]');
    await page.getByTestId('ask-view').waitFor();
    await screenshot(page, 'voice-ask-empty.png');

    // Push-to-talk: hold Space for the whole sentence (the stand-in reveals a word per 0.25 s).
    await page.locator('main').focus();
    await page.keyboard.down('Space');
    await page.waitForSelector('[data-testid="voice-state"][data-state="listening"]', {
      timeout: 10_000,
    });
    // The level meter follows the microphone while listening.
    await page.waitForFunction(
      () =>
        Number(
          document.querySelector('[data-testid="input-level"]')?.getAttribute('aria-valuenow'),
        ) > -60,
      undefined,
      { timeout: 10_000 },
    );
    expect(await page.getByTestId('hold-to-talk').getAttribute('aria-pressed')).toBe('true');
    await screenshot(page, 'voice-listening.png');
    await page.waitForTimeout(9_000); // holding the key while the sentence is spoken
    await page.keyboard.up('Space');

    // The final transcript is the reference transcript.
    const finalTranscript = page.locator('[data-testid="transcript"][data-final="true"]').first();
    await finalTranscript.waitFor({ timeout: 20_000 });
    expect((await finalTranscript.innerText()).trim()).toBe(transcript);

    // A cited answer, sentence by sentence.
    const answer = page.getByTestId('answer').first();
    await answer.waitFor({ timeout: 20_000 });
    expect(await answer.innerText()).toContain('inaugural address');
    expect(await page.getByTestId('citation').count()).toBeGreaterThan(0);

    // Audio is played: chunks start playing in the page.
    await page.waitForFunction(
      () =>
        Number(
          document.querySelector('[data-testid="playback"]')?.getAttribute('data-chunks-played'),
        ) > 0,
      undefined,
      { timeout: 20_000 },
    );
    firstTurnId = await page.getByTestId('turn').first().getAttribute('data-turn-id');
    expect(firstTurnId).toBeTruthy();
    await screenshot(page, 'voice-answer.png');
  });

  it('pressing the key again while the answer plays stops playback at once (barge-in)', async () => {
    await page.waitForSelector('[data-testid="playback"][data-state="playing"]', {
      state: 'attached',
      timeout: 10_000,
    });
    expect(await attr(page, 'playback', 'data-stops')).toBe('0');
    await page.keyboard.down('Space');
    await page.waitForSelector('[data-testid="playback"][data-state="idle"]', {
      state: 'attached',
      timeout: 2_000,
    });
    expect(await attr(page, 'playback', 'data-stops')).toBe('1');
    const playedAtBargeIn = Number(await attr(page, 'playback', 'data-chunks-played'));
    // While the key is held, nothing of the interrupted answer plays any more.
    await page.waitForSelector('[data-testid="voice-state"][data-state="listening"]');
    await page.waitForTimeout(1_000);
    expect(Number(await attr(page, 'playback', 'data-chunks-played'))).toBe(playedAtBargeIn);
    expect(await attr(page, 'playback', 'data-state')).toBe('idle');
    await page.keyboard.up('Space');
    // The interrupted turn is stored as cancelled, or complete if its audio had all been sent.
    const first = page.locator(`[data-testid="turn"][data-turn-id="${firstTurnId ?? ''}"]`);
    expect(['cancelled', 'complete']).toContain(await first.getAttribute('data-status'));
  });

  it('a citation opens the cited source with the span marked', async () => {
    await page.getByTestId('citation').first().click();
    const view = page.getByTestId('citation-view');
    await view.waitFor();
    const text = await view.innerText();
    expect(text).toContain('Inaugural address of President John F. Kennedy');
    expect(text).toContain('inaugural-address.md');
    expect(text).not.toMatch(/characters \d+–\d+/); // where it is, in words: title and section
    // The source text read from the store (knowledge.passage), the cited span highlighted.
    const passage = page.getByTestId('citation-passage');
    await passage.waitFor({ timeout: 10_000 });
    // The cited span (here the whole passage) is marked in every paragraph it covers.
    expect(await passage.locator('mark').count()).toBeGreaterThan(0);
    expect((await passage.locator('mark').allInnerTexts()).join(' ')).toContain(
      'ask not what your country can do for you',
    );
    await screenshot(page, 'voice-citation.png');
  });

  it('a typed question always works and is answered with citations', async () => {
    await page.locator('#question').fill('What did Kennedy ask his fellow Americans?');
    await page.locator('form.composer__form button[type="submit"]').click();
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="turn"]')].some(
          (t) =>
            t.getAttribute('aria-label')?.includes('What did Kennedy ask') === true &&
            t.querySelector('[data-testid="citation"]') !== null,
        ),
      undefined,
      { timeout: 20_000 },
    );
  });

  it('diagnostics plot the stage latencies, show the capture settings and the server providers’ circuits', async () => {
    await page.keyboard.press('Alt+4'); // Ask, Knowledge, Calculators, Diagnostics
    const plot = page.getByTestId('latency-histogram');
    await plot.waitFor({ timeout: 10_000 });
    expect(await plot.locator('svg[role="img"]').count()).toBeGreaterThan(2);
    expect(await plot.innerText()).toMatch(/Speech to text: \d+ turns?, median/);
    const capture = page.getByTestId('capture-settings');
    expect(await capture.innerText()).toContain('Echo cancellation');
    expect(await capture.innerText()).toMatch(/Echo cancellation\s+On/);
    // The server's providers, each with its circuit in words and the last turn's latency.
    const stt = page.locator('[data-testid="server-providers"] [data-provider^="stt:"]');
    await stt.waitFor({ timeout: 10_000 });
    expect(await stt.getAttribute('data-circuit')).toBe('closed');
    expect(await stt.innerText()).toMatch(/Working\s+\d+(\.\d+)? m?s/);
    await screenshot(page, 'voice-diagnostics.png');
    expect(consoleErrors).toEqual([]);
  });
});
