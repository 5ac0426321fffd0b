import { describe, expect, it } from 'vitest';
import { SpeechError } from './errors.js';
import { EspeakSynthesiser, espeakUnavailable } from './espeak.js';
import type { SpeechChunk } from './types.js';

async function collect(chunks: AsyncIterable<SpeechChunk>): Promise<SpeechChunk[]> {
  const out: SpeechChunk[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

function rms(chunks: readonly SpeechChunk[]): number {
  let sum = 0;
  let n = 0;
  for (const c of chunks)
    for (const s of c.pcm) {
      sum += (s / 32768) ** 2;
      n++;
    }
  return Math.sqrt(sum / Math.max(1, n));
}

// Not skipped when espeak-ng is missing: `npm test` installs it (scripts/lib/setup.mjs).
describe('eSpeak NG synthesiser (separate process)', () => {
  const tts = new EspeakSynthesiser();

  it('speaks a sentence as several PCM chunks at one sample rate, audible and about as long as the words', async () => {
    const chunks = await collect(tts.synthesize('Take one tablet twice a day with food.'));
    expect(chunks.length).toBeGreaterThan(5);
    const rate = chunks[0]!.sampleRate;
    expect(rate).toBe(22_050);
    expect(chunks.every((c) => c.sampleRate === rate)).toBe(true);
    const seconds = chunks.reduce((s, c) => s + c.pcm.length, 0) / rate;
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(5);
    expect(rms(chunks)).toBeGreaterThan(0.01);
  });

  it('speaks faster when asked', async () => {
    const text = 'The patient should return in two weeks.';
    const length = async (speed: number): Promise<number> =>
      (await collect(tts.synthesize(text, { speed }))).reduce((s, c) => s + c.pcm.length, 0);
    expect(await length(1.5)).toBeLessThan((await length(1)) * 0.85);
  });

  it('yields nothing for empty or control-only text', async () => {
    expect(await collect(tts.synthesize('  \n\t'))).toEqual([]);
  });

  it('stops with a coded error when the turn is cancelled mid-sentence', async () => {
    const controller = new AbortController();
    const long = 'This is a long answer that keeps going. '.repeat(20);
    const got: SpeechChunk[] = [];
    const run = (async () => {
      for await (const c of tts.synthesize(long, { signal: controller.signal })) {
        got.push(c);
        if (got.length === 2) controller.abort();
      }
    })();
    await expect(run).rejects.toBeInstanceOf(SpeechError);
    await expect(run).rejects.toMatchObject({ code: 'SPEECH_ABORTED' });
    expect(got.length).toBeLessThan(200);
  });

  it('names the Debian package when the binary is missing', () => {
    expect(espeakUnavailable({ binary: '/nonexistent/espeak-ng' })).toMatch(/espeak-ng/);
    expect(() => new EspeakSynthesiser({ binary: '/nonexistent/espeak-ng' })).toThrow(
      /not installed/,
    );
  });
});
