import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TINY_PIPER_RATE,
  writeTinyPiperModel,
} from '../../../../test-support/speech/tiny-piper.js';
import type { SpeechChunk } from '../types.js';
import { resolveSpeechModel, speechModelsDir, SPEECH_MODELS } from './catalog.js';
import { SherpaTtsSynthesiser } from './tts.js';

async function collect(chunks: AsyncIterable<SpeechChunk>): Promise<SpeechChunk[]> {
  const out: SpeechChunk[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

/** Debian's espeak-ng-data (package espeak-ng-data, installed with espeak-ng). */
function debianEspeakData(): string {
  const lib = '/usr/lib';
  for (const d of readdirSync(lib)) {
    const candidate = path.join(lib, d, 'espeak-ng-data');
    if (existsSync(path.join(candidate, 'phontab'))) return candidate;
  }
  throw new Error('espeak-ng-data not found under /usr/lib/*/ (Debian package espeak-ng-data)');
}

describe('sherpa-onnx TTS on a tiny Piper-shaped voice built by the test', () => {
  let dir = '';
  let tts: SherpaTtsSynthesiser;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voiceassist-sherpa-tts-'));
    const files = await writeTinyPiperModel(dir);
    tts = await SherpaTtsSynthesiser.fromConfig(
      { vits: { model: files.model, tokens: files.tokens, dataDir: debianEspeakData() } },
      'tiny test voice',
      { threads: 1 },
    );
  });
  afterAll(async () => {
    await tts.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('phonemizes, runs the model and hands each sentence on as its own PCM chunk at the voice rate', async () => {
    const chunks = await collect(tts.synthesize('Take one tablet twice a day. Then rest.'));
    expect(chunks).toHaveLength(2);
    for (const c of chunks) {
      expect(c.sampleRate).toBe(TINY_PIPER_RATE);
      // Piper framing: bos first, a pad (id 0) between phonemes; this model outputs id / 1000.
      expect(c.pcm[0]).toBe(Math.round(0.001 * 32767));
      expect(c.pcm[1]).toBe(0);
      expect(c.pcm.length).toBeGreaterThan(10);
    }
    expect(chunks[0]!.pcm.length).toBeGreaterThan(chunks[1]!.pcm.length); // the longer sentence
  });

  it('stops at the next sentence when the turn is cancelled', async () => {
    const controller = new AbortController();
    const got: SpeechChunk[] = [];
    const text = Array.from({ length: 30 }, (_, i) => `Sentence number ${i + 1}.`).join(' ');
    const run = (async () => {
      for await (const c of tts.synthesize(text, { signal: controller.signal })) {
        got.push(c);
        controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ code: 'SPEECH_ABORTED' });
    expect(got.length).toBeLessThan(30);
  });
});

const piper = resolveSpeechModel('piper-en-us-lessac-medium');
describe('sherpa-onnx TTS with the pinned Piper voice', () => {
  it.skipIf(piper === undefined)(
    `speaks a sentence audibly at 22.05 kHz (skipped when ${SPEECH_MODELS['piper-en-us-lessac-medium'].dir} is not in ${speechModelsDir()}: models:fetch cannot reach the model hub from this machine)`,
    async () => {
      const voice = await SherpaTtsSynthesiser.load();
      const chunks = await collect(voice.synthesize('Take one tablet twice a day.'));
      const samples = chunks.flatMap((c) => Array.from(c.pcm));
      expect(chunks[0]?.sampleRate).toBe(22_050);
      expect(samples.length / 22_050).toBeGreaterThan(1);
      expect(Math.max(...samples.map(Math.abs))).toBeGreaterThan(1_000);
    },
  );
});
