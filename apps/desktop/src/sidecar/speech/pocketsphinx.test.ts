import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav, floatToInt16, toMono } from '../voice/wav.js';
import { SpeechError } from './errors.js';
import { int16ToBytes } from './pcm.js';
import { PocketsphinxRecogniser, pocketsphinxUnavailable } from './pocketsphinx.js';
import type { FinalTranscript } from './types.js';
import { wordErrorRate } from './wer.js';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../test-support/speech',
);
const jfk = decodeWav(readFileSync(path.join(FIXTURES, 'jfk.wav')));
const JFK_PCM = int16ToBytes(floatToInt16(toMono(jfk.channels)));
const JFK_TEXT = readFileSync(path.join(FIXTURES, 'jfk.txt'), 'utf8');
/** 100 ms of capture at 16 kHz, PCM16: what the renderer sends per message, roughly. */
const CHUNK_BYTES = 3_200;

async function transcribe(
  recogniser: PocketsphinxRecogniser,
  pcm: Uint8Array,
  interims: string[] = [],
): Promise<FinalTranscript> {
  const session = recogniser.open({ onTranscript: (t, final) => !final && interims.push(t) });
  // Odd chunk sizes on purpose: capture does not cut on sample boundaries.
  for (let i = 0; i < pcm.byteLength; i += CHUNK_BYTES + 1)
    session.send(pcm.subarray(i, Math.min(i + CHUNK_BYTES + 1, pcm.byteLength)));
  return session.finalize();
}

// Not skipped when pocketsphinx is missing: `npm test` installs it (scripts/lib/setup.mjs).
describe('pocketsphinx recogniser', { timeout: 300_000 }, () => {
  let recogniser: PocketsphinxRecogniser;
  beforeAll(async () => {
    // Generous limits: decoding is CPU-bound and CI shares two cores; nothing here asserts speed.
    recogniser = await PocketsphinxRecogniser.load({
      readyTimeoutMs: 120_000,
      finalizeTimeoutMs: 120_000,
    });
  }, 180_000);
  afterAll(async () => {
    await recogniser.close();
  });

  it('transcribes jfk.wav recognisably (WER ≤ 0.75, "your country" heard), streaming interims, and asks for confirmation', async () => {
    const interims: string[] = [];
    const result = await transcribe(recogniser, JFK_PCM, interims);
    expect(wordErrorRate(JFK_TEXT, result.text)).toBeLessThanOrEqual(0.75);
    expect(result.text).toContain('your country');
    expect(interims.length).toBeGreaterThan(3);
    expect(result.recogniser).toBe('pocketsphinx');
    expect(result.accuracy).toBe('basic');
    expect(result.needsConfirmation).toBe(true);
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(result.audioSeconds).toBeCloseTo(jfk.channels[0]!.length / 16_000, 2);
  });

  it('serves one session at a time, and a cancelled session leaves nothing behind for the next', async () => {
    const first = recogniser.open();
    expect(() => recogniser.open()).toThrow(SpeechError);
    first.send(JFK_PCM.subarray(0, 64_000));
    first.close();
    const silence = new Uint8Array(32_000); // 1 s of digital silence
    const result = await transcribe(recogniser, silence);
    expect(result.text).toBe('');
    expect(result.needsConfirmation).toBe(false);
  });

  it('fails the open session with a coded error when the helper dies, and recovers on the next', async () => {
    const errors: Error[] = [];
    const session = recogniser.open({ onError: (e) => errors.push(e) });
    session.send(JFK_PCM.subarray(0, 32_000));
    const pending = session.finalize();
    (recogniser as unknown as { helper: { child: { kill(s: string): void } } }).helper.child.kill(
      'SIGKILL',
    );
    await expect(pending).rejects.toMatchObject({ code: 'SPEECH_BACKEND_FAILED' });
    expect(errors).toHaveLength(1);
    const again = await transcribe(recogniser, new Uint8Array(16_000));
    expect(again.text).toBe('');
    expect(again.audioSeconds).toBeCloseTo(0.5, 3);
  });
});

describe('pocketsphinx availability', () => {
  it('names the missing Debian package', () => {
    expect(pocketsphinxUnavailable({ modelDir: '/nonexistent' })).toMatch(/pocketsphinx-en-us/);
    expect(pocketsphinxUnavailable({ python: '/nonexistent/python3' })).toMatch(/python3/);
  });
});
