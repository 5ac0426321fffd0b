/**
 * Where the on-device recogniser loses accuracy on the way through Chromium: jfk.wav scored by
 * pocketsphinx (the shipped decoder settings) at each stage of the product's capture path.
 *
 *   file           jfk.wav itself (the recogniser's own test scores this)
 *   file-rotated   jfk.wav started where Chromium's looping fake microphone was at key-down
 *   page           the PCM the page sent the engine (binary frames copied off the WebSocket)
 *   engine-input   that PCM through the engine's front end (AEC3 + VAD), i.e. what the recogniser
 *                  is given in a turn
 *   turn           the transcript the turn showed for confirmation
 *
 * each for the capture as shipped (echo cancellation, noise suppression and AGC asked of
 * getUserMedia) and with that processing off. WER against the reference rotated like the audio.
 * `npx tsx bench/voice/chromium-wer.ts [--runs N]`; writes bench/results/voice-chromium-wer.json.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'vite';
import { decodeAudioFrame } from '../../apps/desktop/src/shared/audio-frame.js';
import { int16ToBytes } from '../../apps/desktop/src/sidecar/speech/pcm.js';
import { PocketsphinxRecogniser } from '../../apps/desktop/src/sidecar/speech/pocketsphinx.js';
import { wordErrorRate } from '../../apps/desktop/src/sidecar/speech/wer.js';
import {
  loadVoiceFrontEnd,
  type VoiceFrontEnd,
} from '../../apps/desktop/src/sidecar/voice/front-end.js';
import { VoiceInput } from '../../apps/desktop/src/sidecar/voice/voice-input.js';
import { decodeWav, floatToInt16, toMono } from '../../apps/desktop/src/sidecar/voice/wav.js';
import { launchChromium } from '../../apps/desktop/test-support/chromium.js';
import { JFK_TRANSCRIPT_FILE, JFK_WAV } from '../../apps/desktop/test-support/data.js';
import {
  MODELS_DIR,
  REPO_ROOT,
  SERVER_BIN,
  startSidecarWeb,
  startSyncServer,
} from '../../apps/desktop/test-support/processes.js';
import { round } from './stats.js';

const run = promisify(execFile);

/**
 * loop: Chromium's fake microphone loops the file from wherever it is at key-down (the old e2e);
 * noloop (`%noloop`): the file plays once from the moment the page opens the microphone, so the
 * turn hears the utterance from its start, as when a person presses and then speaks.
 */
const MODES = [
  { name: 'loop, capture as shipped', loop: true, raw: false },
  { name: 'noloop, capture as shipped', loop: false, raw: false },
  { name: 'noloop, processing off', loop: false, raw: true },
] as const;
const RESULTS = path.resolve(import.meta.dirname, '..', 'results', 'voice-chromium-wer.json');

/** Copies every binary frame the page sends; optionally turns the browser's processing off. */
const pageScript = (raw: boolean): string => `(() => {
  window.__sent = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (data instanceof ArrayBuffer) window.__sent.push(new Uint8Array(data.slice(0)));
    return send.call(this, data);
  };
  if (${raw}) {
    const md = navigator.mediaDevices;
    const gum = md.getUserMedia.bind(md);
    md.getUserMedia = (c) => gum({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 }, video: false });
  }
})();`;

/**
 * A freshly loaded decoder for every transcription: pocketsphinx's live cepstral normalisation
 * carries over from one session to the next, so stages scored on one decoder would not compare.
 */
async function transcribe(pcm: Int16Array): Promise<string> {
  const rec = await PocketsphinxRecogniser.load({
    readyTimeoutMs: 120_000,
    finalizeTimeoutMs: 120_000,
  });
  try {
    const session = rec.open({});
    const bytes = int16ToBytes(pcm);
    for (let i = 0; i < bytes.byteLength; i += 1024)
      session.send(bytes.subarray(i, Math.min(i + 1024, bytes.byteLength)));
    return (await session.finalize()).text;
  } finally {
    await rec.close();
  }
}

/** `pcm` through the engine's microphone front end (AEC3 + VAD), as a turn feeds the recogniser. */
async function throughFrontEnd(fe: VoiceFrontEnd, pcm: Int16Array): Promise<Int16Array> {
  const input = new VoiceInput({
    vad: fe.vad,
    ...(fe.echoCanceller ? { echoCanceller: fe.echoCanceller } : {}),
  });
  const out: Float32Array[] = [];
  for (let i = 0; i < pcm.length; i += 512)
    for (const f of await input.pushMic(pcm.subarray(i, i + 512))) out.push(f.frame);
  const all = new Float32Array(out.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of out) {
    all.set(f, at);
    at += f.length;
  }
  return floatToInt16(all);
}

/** Offset (samples) of `b`'s start within `a` looped, by cross-correlation on a coarse grid. */
function loopOffset(a: Int16Array, b: Int16Array): number {
  const probe = b.subarray(0, Math.min(b.length, 16_000 * 3));
  let best = 0;
  let bestScore = -Infinity;
  for (let off = 0; off < a.length; off += 16) {
    let s = 0;
    for (let i = 0; i < probe.length; i += 8) s += (probe[i] ?? 0) * (a[(off + i) % a.length] ?? 0);
    if (s > bestScore) {
      bestScore = s;
      best = off;
    }
  }
  return best;
}

const rotate = (a: Int16Array, off: number, n: number): Int16Array => {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = a[(off + i) % a.length] ?? 0;
  return out;
};

const rotations = (ref: string): string[] => {
  const w = ref.split(/\s+/);
  return w.map((_, k) => [...w.slice(k), ...w.slice(0, k)].join(' '));
};

export async function benchChromiumWer(runs = 2): Promise<unknown> {
  const reference = (await readFile(JFK_TRANSCRIPT_FILE, 'utf8')).trim();
  const file = decodeWav(await readFile(JFK_WAV));
  if (file.sampleRate !== 16_000) throw new Error('jfk.wav is expected at 16 kHz');
  const filePcm = floatToInt16(toMono(file.channels));
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'va-chromium-wer-'));
  await chmod(tmp, 0o755);
  const rendererDir = path.join(tmp, 'renderer');
  await build({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: rendererDir, emptyOutDir: true, sourcemap: false },
  });
  const dataDir = path.join(tmp, 'server-data');
  const added = await run(
    process.execPath,
    [SERVER_BIN, 'device', 'add', '--user', 'wer_bench', '--data-dir', dataDir],
    { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  const deviceKey = added.stdout.trim().split('\n').at(-1)?.trim() ?? '';
  const server = await startSyncServer(dataDir, { LOG_LEVEL: 'warn' });
  const profileDir = path.join(tmp, 'profile');
  await mkdir(profileDir, { recursive: true, mode: 0o700 });
  const docs = path.join(tmp, 'docs');
  await mkdir(docs, { recursive: true });
  await writeFile(
    path.join(docs, 'a.md'),
    '# Inaugural address\n\nAsk not what your country can do for you.\n',
  );
  const profileEnv = {
    VOICEASSIST_DB_KEY: randomBytes(32).toString('hex'),
    VOICEASSIST_EMBED_MODEL: 'hashing-bow',
    ORT_DISABLE_TELEMETRY: '1',
  };
  await run(
    process.execPath,
    [
      path.join(REPO_ROOT, 'apps/desktop/bin/voiceassist.mjs'),
      'kb',
      'ingest',
      docs,
      '--store',
      profileDir,
    ],
    { cwd: REPO_ROOT, env: { ...process.env, ...profileEnv } },
  );
  const sidecar = await startSidecarWeb(rendererDir, {
    ...profileEnv,
    VOICEASSIST_SERVER_URL: server.match[1] ?? '',
    VOICEASSIST_DEVICE_KEY: deviceKey,
    VOICEASSIST_PROFILE_DIR: profileDir,
    VOICEASSIST_MODELS_DIR: path.join(tmp, 'no-models'),
  });
  const frontEnd = await loadVoiceFrontEnd(MODELS_DIR);
  const rows: Record<string, unknown>[] = [];
  // One launch token per engine; each page hands on its tab's session token (as a reload would).
  let url = sidecar.match[1] ?? '';
  try {
    const fileText = await transcribe(filePcm);
    rows.push({ stage: 'file', wer: round(wordErrorRate(reference, fileText), 3), text: fileText });
    if (frontEnd) {
      const t = await transcribe(await throughFrontEnd(frontEnd, filePcm));
      rows.push({ stage: 'file-frontend', wer: round(wordErrorRate(reference, t), 3), text: t });
    }
    for (let r = 0; r < runs; r++) {
      for (const mode of MODES) {
        const raw = mode.raw;
        const browser = await launchChromium([
          '--use-fake-ui-for-media-stream',
          '--use-fake-device-for-media-stream',
          `--use-file-for-fake-audio-capture=${JFK_WAV}${mode.loop ? '' : '%noloop'}`,
        ]);
        try {
          const page = await browser.newPage();
          await page.addInitScript(pageScript(raw));
          await page.goto(url);
          await page
            .locator('[data-testid="talk-path"][data-path="on-device"]')
            .waitFor({ timeout: 120_000 });
          await page.locator('main').focus();
          await page.keyboard.down('Space');
          await page.waitForSelector('[data-testid="voice-state"][data-state="listening"]', {
            timeout: 20_000,
          });
          await page.waitForTimeout(12_000);
          await page.keyboard.up('Space');
          await page.getByTestId('confirm-transcript').waitFor({ timeout: 180_000 });
          const turnText = await page.getByTestId('confirm-text').inputValue();
          // Leave no confirmation pending in the engine for the next page.
          await page.getByTestId('confirm-text').press('Escape');
          await page
            .getByTestId('confirm-transcript')
            .waitFor({ state: 'detached', timeout: 10_000 })
            .catch(() => undefined);
          const token = await page.evaluate<string | null>(
            "sessionStorage.getItem('voiceassist.session')",
          );
          if (token) url = `${new URL(url).origin}/#token=${encodeURIComponent(token)}`;
          const sent = await page.evaluate<number[][]>('window.__sent.map((b) => Array.from(b))');
          const frames = sent
            .map((b) => decodeAudioFrame(new Uint8Array(b).buffer))
            .filter((f) => f.ok)
            .map((f) => f.frame);
          const seqGaps = frames.filter(
            (f, i) => i > 0 && f.seq !== (frames[i - 1]?.seq ?? 0) + 1,
          ).length;
          const pagePcm = new Int16Array(frames.reduce((n, f) => n + f.pcm.length, 0));
          let at = 0;
          for (const f of frames) {
            pagePcm.set(f.pcm, at);
            at += f.pcm.length;
          }
          const off = loopOffset(filePcm, pagePcm);
          const rotated = rotate(filePcm, off, pagePcm.length);
          const engineInput = frontEnd ? await throughFrontEnd(frontEnd, pagePcm) : pagePcm;
          const score = (t: string): number =>
            round(Math.min(...rotations(reference).map((x) => wordErrorRate(x, t))), 3);
          const rotatedText = await transcribe(rotated);
          const pageText = await transcribe(pagePcm);
          const engineText = await transcribe(engineInput);
          const rms = (a: Int16Array): number =>
            round(
              20 *
                Math.log10(
                  Math.sqrt(a.reduce((s, x) => s + x * x, 0) / Math.max(1, a.length)) / 32768,
                ),
              1,
            );
          rows.push({
            run: r,
            mode: mode.name,
            capture: raw ? 'processing off' : 'as shipped (EC/NS/AGC on)',
            seconds: round(pagePcm.length / 16_000, 2),
            frames: frames.length,
            seqGaps,
            loopOffsetS: round(off / 16_000, 2),
            levelDbfs: { file: rms(rotated), page: rms(pagePcm) },
            wer: {
              'file-rotated': score(rotatedText),
              page: score(pageText),
              'engine-input': score(engineText),
              turn: score(turnText),
            },
            text: {
              'file-rotated': rotatedText,
              page: pageText,
              'engine-input': engineText,
              turn: turnText,
            },
          });
          console.error(JSON.stringify(rows.at(-1)?.wer), mode.name);
          const dump = path.join(path.dirname(RESULTS), `chromium-wer-page-${r}-${mode.name}.pcm`);
          mkdirSync(path.dirname(dump), { recursive: true });
          writeFileSync(dump, int16ToBytes(pagePcm));
        } finally {
          await browser.close();
        }
      }
    }
  } finally {
    await frontEnd?.vad.close();
    frontEnd?.echoCanceller?.close();
    await sidecar.stop();
    await server.stop();
    await rm(tmp, { recursive: true, force: true });
  }
  return { reference, loadavg: os.loadavg().map((x) => round(x, 2)), rows };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--runs');
  const result = await benchChromiumWer(i > 0 ? Number(process.argv[i + 1]) : 2);
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ at: new Date().toISOString(), ...(result as object) }, null, 2)}\n`,
  );
  console.log(JSON.stringify(result, null, 2));
}
