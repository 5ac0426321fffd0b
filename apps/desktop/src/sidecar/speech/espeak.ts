import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SpeechError } from './errors.js';
import type { SpeechChunk, SpeechSynthesiser, SynthesisOptions } from './types.js';

/** Debian `espeak-ng` (GPL-3.0): used when the workstation has it, never bundled with the app. */
export const DEBIAN_ESPEAK = '/usr/bin/espeak-ng';
/** espeak-ng's default rate, words per minute (`-s`). */
const BASE_WPM = 175;
/** Chunks of about 50 ms at espeak's 22.05 kHz: small enough that playback starts early. */
const CHUNK_SAMPLES = 1_024;

export interface EspeakOptions {
  readonly binary?: string;
  /** espeak-ng voice, e.g. `en-us`. */
  readonly voice?: string;
}

export function espeakUnavailable(options: EspeakOptions = {}): string | undefined {
  const binary = options.binary ?? DEBIAN_ESPEAK;
  return existsSync(binary) ? undefined : `${binary} is missing (Debian package espeak-ng)`;
}

/** Control characters would reach espeak's command parser; the spoken text needs none of them. */
function speakable(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += code < 0x20 || code === 0x7f ? ' ' : ch;
  }
  return out.trim();
}

interface WavFormat {
  readonly sampleRate: number;
  /** Bytes of header before the first sample. */
  readonly dataOffset: number;
}

/** espeak-ng's streamed WAV header: PCM16 mono, sizes unknown (0x7ffff000), chunks before `data`. */
function parseStreamHeader(bytes: Buffer): WavFormat | undefined {
  if (bytes.length < 12) return undefined;
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE')
    throw new SpeechError('SPEECH_BACKEND_FAILED', 'espeak-ng did not write a WAV stream.');
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'data') {
      if (sampleRate === 0) break;
      return { sampleRate, dataOffset: offset + 8 };
    }
    if (offset + 8 + size > bytes.length) return undefined; // header not complete yet
    if (id === 'fmt ') {
      const channels = bytes.readUInt16LE(offset + 10);
      const bits = bytes.readUInt16LE(offset + 22);
      if (bytes.readUInt16LE(offset + 8) !== 1 || channels !== 1 || bits !== 16)
        throw new SpeechError('SPEECH_BACKEND_FAILED', 'espeak-ng wrote an unexpected WAV format.');
      sampleRate = bytes.readUInt32LE(offset + 12);
    }
    offset += 8 + size + (size % 2);
  }
  if (sampleRate === 0 && offset + 8 <= bytes.length)
    throw new SpeechError('SPEECH_BACKEND_FAILED', 'espeak-ng wrote a WAV without a format.');
  return undefined;
}

function toChunk(bytes: Buffer, sampleRate: number): SpeechChunk {
  const pcm = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < pcm.length; i++) pcm[i] = bytes.readInt16LE(i * 2);
  return { pcm, sampleRate };
}

/**
 * eSpeak NG as a separate process per sentence (GPL-3.0 stays at arm's length: nothing is linked
 * or shipped). The text goes in on stdin, never on the command line, where other users of the
 * machine could read it in the process list. Robotic, but it plays where the OS has no voices.
 */
export class EspeakSynthesiser implements SpeechSynthesiser {
  readonly id = 'espeak-ng' as const;
  readonly label = 'eSpeak NG (robotic, on-device)';
  private readonly binary: string;
  private readonly voice: string;

  constructor(options: EspeakOptions = {}) {
    const why = espeakUnavailable(options);
    if (why !== undefined) throw new SpeechError('SPEECH_BACKEND_MISSING', `${why}.`);
    this.binary = options.binary ?? DEBIAN_ESPEAK;
    this.voice = options.voice ?? 'en-us';
  }

  async *synthesize(text: string, options: SynthesisOptions = {}): AsyncIterable<SpeechChunk> {
    const words = speakable(text);
    if (words === '') return;
    if (options.signal?.aborted) throw new SpeechError('SPEECH_ABORTED');
    const wpm = Math.round(BASE_WPM * Math.min(2, Math.max(0.5, options.speed ?? 1)));
    const child = spawn(this.binary, ['--stdin', '--stdout', '-v', this.voice, '-s', String(wpm)], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', (e) =>
        reject(new SpeechError('SPEECH_BACKEND_FAILED', 'espeak-ng did not start.', { cause: e })),
      );
      child.once('close', (code) => resolve(code));
    });
    exited.catch(() => undefined); // awaited below
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdin.on('error', () => undefined); // a dead child is reported by its exit code
    child.stdin.end(`${words}\n`);

    let pending: Buffer = Buffer.alloc(0);
    let format: WavFormat | undefined;
    try {
      for await (const data of child.stdout as AsyncIterable<Buffer>) {
        pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
        if (!format) {
          format = parseStreamHeader(pending);
          if (!format) continue;
          pending = pending.subarray(format.dataOffset);
        }
        while (pending.length >= CHUNK_SAMPLES * 2) {
          yield toChunk(pending.subarray(0, CHUNK_SAMPLES * 2), format.sampleRate);
          pending = pending.subarray(CHUNK_SAMPLES * 2);
        }
      }
      const code = await exited;
      if (options.signal?.aborted) throw new SpeechError('SPEECH_ABORTED');
      if (code !== 0 || !format)
        throw new SpeechError('SPEECH_BACKEND_FAILED', `espeak-ng exited with code ${code}.`);
      const tail = pending.length - (pending.length % 2);
      if (tail > 0) yield toChunk(pending.subarray(0, tail), format.sampleRate);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null) child.kill('SIGKILL'); // the consumer stopped early
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
