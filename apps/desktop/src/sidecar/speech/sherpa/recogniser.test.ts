import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toneSequence, writeTinyCtcModel } from '../../../../test-support/speech/tiny-ctc.js';
import { resolveSileroModelPath } from '../../voice/model-path.js';
import { decodeWav, floatToInt16, toMono } from '../../voice/wav.js';
import { int16ToBytes } from '../pcm.js';
import type { FinalTranscript, SpeechRecogniser } from '../types.js';
import { wordErrorRate } from '../wer.js';
import { resolveSpeechModel, speechModelsDir, SPEECH_MODELS } from './catalog.js';
import {
  meanProbability,
  SherpaOfflineRecogniser,
  SherpaStreamingRecogniser,
} from './recogniser.js';
import { loadSherpa, sherpaUnavailable } from './runtime.js';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../test-support/speech',
);

function pcmOf(samples: Float32Array): Uint8Array {
  return int16ToBytes(floatToInt16(samples));
}

async function transcribe(
  recogniser: SpeechRecogniser,
  pcm: Uint8Array,
  interims: string[] = [],
): Promise<FinalTranscript> {
  const session = recogniser.open({ onTranscript: (t, final) => !final && interims.push(t) });
  for (let i = 0; i < pcm.byteLength; i += 3_201) session.send(pcm.subarray(i, i + 3_201));
  return session.finalize();
}

describe('sherpa-onnx runtime', () => {
  it('loads its native addon on this platform', () => {
    expect(sherpaUnavailable()).toBeUndefined();
    expect(loadSherpa().version).toMatch(/^1\.13\./);
  });

  it('runs a real model in the same process as onnxruntime-node: Silero v5 finds the speech in jfk.wav', async () => {
    // The two ship different ONNX Runtime builds (different sonames); both must work side by side.
    await import('onnxruntime-node');
    const sherpa = loadSherpa();
    const vad = new sherpa.Vad(
      {
        sileroVad: {
          model: resolveSileroModelPath(),
          threshold: 0.5,
          minSilenceDuration: 0.3,
          minSpeechDuration: 0.25,
          windowSize: 512,
        },
        sampleRate: 16_000,
        numThreads: 1,
        debug: 0,
      },
      30,
    );
    const jfk = toMono(decodeWav(await readFile(path.join(FIXTURES, 'jfk.wav'))).channels);
    for (let i = 0; i + 512 <= jfk.length; i += 512) vad.acceptWaveform(jfk.subarray(i, i + 512));
    vad.flush();
    const segments: { start: number; seconds: number }[] = [];
    while (!vad.isEmpty()) {
      const s = vad.front(false);
      segments.push({ start: s.start / 16_000, seconds: s.samples.length / 16_000 });
      vad.pop();
    }
    expect(segments.length).toBeGreaterThanOrEqual(2);
    expect(segments[0]!.start).toBeGreaterThan(0.1); // JFK starts after a short silence
    const speech = segments.reduce((s, x) => s + x.seconds, 0);
    expect(speech).toBeGreaterThan(5);
    expect(speech).toBeLessThan(10.5);
  });
});

describe('sherpa-onnx offline recogniser on a tiny CTC model built by the test', () => {
  let dir = '';
  let recogniser: SherpaOfflineRecogniser;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voiceassist-sherpa-'));
    const files = await writeTinyCtcModel(dir);
    recogniser = await SherpaOfflineRecogniser.fromConfig(
      { nemoCtc: { model: files.model }, tokens: files.tokens },
      'tiny test CTC',
      { threads: 1 },
    );
  });
  afterAll(async () => {
    await recogniser.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('turns audio sent in odd-sized chunks into the transcript the model encodes, with a confidence', async () => {
    const audio = toneSequence(['gap', 'low', 'gap', 'high', 'gap', 'low', 'gap']);
    const result = await transcribe(recogniser, pcmOf(audio));
    expect(result.text).toBe('yes no yes');
    expect(result.recogniser).toBe('sherpa-offline');
    expect(result.accuracy).toBe('standard');
    expect(result.audioSeconds).toBeCloseTo(audio.length / 16_000, 3);
    if (result.confidence !== undefined) {
      expect(result.confidence).toBeGreaterThan(0.6);
      expect(result.needsConfirmation).toBe(false);
    }
  });

  it('says nothing for silence and refuses a second session while one is open', async () => {
    const first = recogniser.open();
    expect(() => recogniser.open()).toThrow(/still open/);
    first.close();
    const result = await transcribe(recogniser, pcmOf(new Float32Array(16_000)));
    expect(result.text).toBe('');
    expect(result.needsConfirmation).toBe(false);
  });

  it('fails a session aborted before key-up with a coded error', async () => {
    const controller = new AbortController();
    const session = recogniser.open({ signal: controller.signal });
    session.send(pcmOf(toneSequence(['low'])));
    controller.abort();
    await expect(session.finalize()).rejects.toMatchObject({ code: 'SPEECH_ABORTED' });
  });
});

describe('confidence from log-probabilities', () => {
  it('is the mean token probability, undefined without tokens', () => {
    expect(meanProbability([Math.log(0.5), Math.log(1)])).toBeCloseTo(0.75, 10);
    expect(meanProbability([])).toBeUndefined();
    expect(meanProbability(undefined)).toBeUndefined();
  });
});

const MODELS = speechModelsDir();
const streamingFiles = resolveSpeechModel('zipformer-en-20m');
const offlineFiles = resolveSpeechModel('moonshine-base-en');
const JFK_TEXT = existsSync(path.join(FIXTURES, 'jfk.txt'))
  ? await readFile(path.join(FIXTURES, 'jfk.txt'), 'utf8')
  : '';

describe('sherpa-onnx with the pinned models', () => {
  const jfkPcm = async (): Promise<Uint8Array> =>
    pcmOf(toMono(decodeWav(await readFile(path.join(FIXTURES, 'jfk.wav'))).channels));

  it.skipIf(streamingFiles === undefined)(
    `streaming Zipformer transcribes jfk.wav with WER ≤ 0.25 and interims (skipped when ${SPEECH_MODELS['zipformer-en-20m'].dir} is not in ${MODELS}: models:fetch cannot reach the model hub from this machine)`,
    async () => {
      const r = SherpaStreamingRecogniser.load();
      const interims: string[] = [];
      const result = await transcribe(r, await jfkPcm(), interims);
      expect(wordErrorRate(JFK_TEXT, result.text)).toBeLessThanOrEqual(0.25);
      expect(interims.length).toBeGreaterThan(3);
      await r.close();
    },
  );

  it.skipIf(offlineFiles === undefined)(
    `offline Moonshine transcribes jfk.wav with WER ≤ 0.15 (skipped when ${SPEECH_MODELS['moonshine-base-en'].dir} is not in ${MODELS}: models:fetch cannot reach the model hub from this machine)`,
    async () => {
      const r = await SherpaOfflineRecogniser.load();
      const result = await transcribe(r, await jfkPcm());
      expect(wordErrorRate(JFK_TEXT, result.text)).toBeLessThanOrEqual(0.15);
      await r.close();
    },
  );
});
