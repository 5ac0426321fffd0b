/**
 * The heard bench's microphone: each question spoken by Debian's espeak-ng, laid out in one WAV
 * that Chromium's fake microphone plays from the moment the page opens it. Slot i holds a lead of
 * silence, question i and a tail of silence long enough for its answer; the bench holds the key
 * from the slot's start to the end of the question (+ `tailS`), so every turn speaks new words.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeWav, encodeWav, toMono } from '../../apps/desktop/src/sidecar/voice/wav.js';

const run = promisify(execFile);

export interface Spoken {
  readonly text: string;
  readonly samples: Float32Array;
  readonly sampleRate: number;
}

/** espeak-ng, US English, 160 words a minute. */
export async function speak(text: string, dir: string, name: string): Promise<Spoken> {
  const file = path.join(dir, `${name}.wav`);
  await run('espeak-ng', ['-v', 'en-us', '-s', '160', '-w', file, text]);
  const wav = decodeWav(await readFile(file));
  return { text, samples: toMono(wav.channels), sampleRate: wav.sampleRate };
}

export interface Slot {
  /** Where the slot starts in the file, seconds: the key goes down here. */
  readonly startS: number;
  /** When the key comes up, seconds into the file: after the question and the tail. */
  readonly releaseS: number;
  /** Where the next slot starts. */
  readonly endS: number;
  readonly text: string;
}

export interface Layout {
  readonly file: string;
  readonly slots: readonly Slot[];
  readonly seconds: number;
}

export async function layOut(
  spoken: readonly Spoken[],
  file: string,
  { leadS, tailS, answerS }: { leadS: number; tailS: number; answerS: number },
): Promise<Layout> {
  const rate = spoken[0]?.sampleRate ?? 22_050;
  const slots: Slot[] = [];
  let t = 0;
  for (const s of spoken) {
    if (s.sampleRate !== rate) throw new Error('all questions must share one sample rate');
    const speechS = s.samples.length / rate;
    slots.push({
      startS: t,
      releaseS: t + leadS + speechS + tailS,
      endS: t + leadS + speechS + tailS + answerS,
      text: s.text,
    });
    t += leadS + speechS + tailS + answerS;
  }
  const out = new Float32Array(Math.ceil(t * rate) + rate);
  for (const [i, s] of spoken.entries()) {
    const at = Math.round(((slots[i]?.startS ?? 0) + leadS) * rate);
    out.set(s.samples, at);
  }
  await writeFile(file, encodeWav(out, rate));
  return { file, slots, seconds: out.length / rate };
}
