/**
 * Speech fixtures for tests and benches: espeak-ng speaks, sox trims and pads. Nothing here runs
 * in the product; it lives beside the code so tests and bench/voice share one way to make audio.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { wavToEngineAudio } from '../../src/sidecar/voice/analyze.js';

export const ESPEAK = '/usr/bin/espeak-ng';
export const SOX = '/usr/bin/sox';

export function hasSpeechTools(): boolean {
  return existsSync(ESPEAK) && existsSync(SOX);
}

/**
 * Speaks `text` into `<dir>/<name>.wav` as 16 kHz mono 16-bit, with espeak-ng's own leading and
 * trailing silence trimmed off, so the file starts and ends with speech. Returns the path.
 */
export function speak(dir: string, name: string, text: string, voice = 'en-us'): string {
  const raw = path.join(dir, `${name}.raw.wav`);
  const out = path.join(dir, `${name}.wav`);
  execFileSync(ESPEAK, ['-v', voice, '-w', raw, text]);
  execFileSync(SOX, [
    raw,
    '-r',
    '16000',
    '-c',
    '1',
    '-b',
    '16',
    out,
    'silence',
    '1',
    '0.01',
    '0.5%',
    'reverse',
    'silence',
    '1',
    '0.01',
    '0.5%',
    'reverse',
  ]);
  return out;
}

/** Concatenates WAVs with `sox`, `pad`-ding silence: `pad` lists seconds before each part and after the last. */
export function padAndJoin(
  output: string,
  parts: readonly string[],
  pads: readonly number[],
): void {
  if (pads.length !== parts.length + 1)
    throw new RangeError('pads needs one entry more than parts');
  const dir = path.dirname(output);
  const padded = parts.map((part, i) => {
    const file = path.join(dir, `${path.basename(output, '.wav')}.part${i}.wav`);
    const after = i === parts.length - 1 ? (pads[i + 1] ?? 0) : 0;
    execFileSync(SOX, [part, file, 'pad', String(pads[i] ?? 0), String(after)]);
    return file;
  });
  execFileSync(SOX, [...padded, output]);
}

/** Seconds of audio in a WAV (via sox's soxi). */
export function durationSeconds(file: string): number {
  return Number(execFileSync(SOX, ['--i', '-D', file], { encoding: 'utf8' }).trim());
}

/** A WAV as the engine's 16 kHz mono float samples. */
export function loadEngineAudio(file: string): Float32Array {
  return wavToEngineAudio(readFileSync(file));
}
