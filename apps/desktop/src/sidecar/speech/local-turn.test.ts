import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Value } from 'typebox/value';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENTS } from '../../shared/contract.js';
import { decodeWav, floatToInt16, toMono } from '../voice/wav.js';
import { TranscriptConfirmations } from './confirmation.js';
import { EspeakSynthesiser } from './espeak.js';
import { LocalSttSession, confirmedTranscript, speakLocally } from './local-turn.js';
import { int16ToBytes } from './pcm.js';
import { PocketsphinxRecogniser } from './pocketsphinx.js';
import { wordErrorRate } from './wer.js';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../test-support/speech',
);
const jfk = decodeWav(readFileSync(path.join(FIXTURES, 'jfk.wav')));
const JFK_PCM = int16ToBytes(floatToInt16(toMono(jfk.channels)));
const JFK_TEXT = readFileSync(path.join(FIXTURES, 'jfk.txt'), 'utf8');

// Real pocketsphinx and eSpeak NG (`npm test` installs them); nothing here asserts speed.
describe('a voice turn on this workstation alone', { timeout: 300_000 }, () => {
  const loading = PocketsphinxRecogniser.load({
    readyTimeoutMs: 120_000,
    finalizeTimeoutMs: 120_000,
  });
  afterAll(async () => {
    await (await loading).close();
  });

  it('audio sent at key-down, before the recogniser has loaded, is transcribed (jfk.wav, WER ≤ 0.75) and held for confirmation; the corrected text is what is answered', async () => {
    const interims: string[] = [];
    const session = new LocalSttSession(loading, {
      onTranscript: (t, final) => !final && interims.push(t),
    });
    for (let i = 0; i < JFK_PCM.byteLength; i += 3_201)
      session.send(JFK_PCM.subarray(i, Math.min(i + 3_201, JFK_PCM.byteLength)));
    const sent = session.finalizeSent();
    const text = await session.finalize();
    await sent;
    session.close();
    expect(wordErrorRate(JFK_TEXT, text)).toBeLessThanOrEqual(0.75);
    expect(session.final?.needsConfirmation).toBe(true);
    expect(interims.length).toBeGreaterThan(0);

    const confirmations = new TranscriptConfirmations();
    const events: unknown[] = [];
    const abort = new AbortController();
    const answered = confirmedTranscript(
      'turn-1',
      session.final!,
      confirmations,
      (_name, payload) => {
        events.push(payload);
        confirmations.confirm('turn-1', 'ask not what your country can do for you');
      },
      abort.signal,
    );
    await expect(answered).resolves.toBe('ask not what your country can do for you');
    expect(events).toHaveLength(1);
    expect(Value.Check(EVENTS['voice.confirm'], events[0])).toBe(true);
    expect(events[0]).toMatchObject({ turnId: 'turn-1', text, accuracy: 'basic' });
  });

  it('a recogniser that cannot load fails the session once, with its reason', async () => {
    const errors: Error[] = [];
    const session = new LocalSttSession(
      PocketsphinxRecogniser.load({ python: '/nonexistent/python3' }),
      { onError: (e) => errors.push(e) },
    );
    session.send(JFK_PCM.subarray(0, 3_200));
    await expect(session.finalize()).rejects.toMatchObject({ code: 'SPEECH_BACKEND_MISSING' });
    await session.finalizeSent();
    expect(errors).toHaveLength(1);
    expect(session.failure).toBe(errors[0]);
  });

  it('the answer is spoken with eSpeak NG as pcm_s16le pieces within the event limit', async () => {
    const pieces = [];
    for await (const p of speakLocally(
      new EspeakSynthesiser(),
      'Glaucoma often has no symptoms at first.',
      new AbortController().signal,
    ))
      pieces.push(p);
    expect(pieces.length).toBeGreaterThan(0);
    const bytes = pieces.reduce((n, p) => n + p.pcm.byteLength, 0);
    expect(bytes / 2 / pieces[0]!.sampleRate).toBeGreaterThan(1); // over a second of speech
    const samples = new Int16Array(pieces[0]!.pcm.buffer.slice(0));
    expect(samples.some((s) => Math.abs(s) > 1000)).toBe(true); // not silence
  });
});
