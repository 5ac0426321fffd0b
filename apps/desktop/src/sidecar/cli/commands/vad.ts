import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { analyzeSpeech, wavToEngineAudio } from '../../voice/analyze.js';
import { SAMPLE_RATE } from '../../voice/frames.js';
import { SileroVad } from '../../voice/silero.js';
import { EXIT_OK, parseCommandArgs, UsageError, writeLine, type Command } from '../io.js';

const USAGE = `usage: voiceassist vad FILE.wav [--json]

Runs Silero VAD v5 on every 32 ms frame of a WAV file (any rate or channel count; it is mixed to
mono and resampled to 16 kHz first) and prints the speech segments.

options:
  --json   print {"sampleRate":16000,"segments":[{"start":s,"end":s}],"frames":[{"t":s,"p":prob}]}
           (frame t is the frame's start time in seconds, p its speech probability)`;

async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`No such file: ${file}`, { cause: err });
    if (code === 'EISDIR') throw new Error(`${file} is a folder; give a WAV file.`, { cause: err });
    throw new Error(`Cannot read ${file}: ${code ?? String(err)}`, { cause: err });
  }
}

export const command: Command = {
  name: 'vad',
  summary: 'speech segments and per-frame speech probabilities of a WAV file',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('give exactly one WAV file');
    const file = path.resolve(io.cwd, positionals[0] ?? '');
    const samples = wavToEngineAudio(await readInput(file));
    const vad = await SileroVad.load({
      env: io.env,
      log: (message) => writeLine(io.stderr, `voiceassist vad: ${message}`),
    });
    try {
      const report = await analyzeSpeech(samples, vad);
      if (values.json === true) {
        writeLine(io.stdout, JSON.stringify(report));
        return EXIT_OK;
      }
      const total = report.segments.reduce((s, seg) => s + seg.end - seg.start, 0);
      const n = report.segments.length;
      writeLine(
        io.stdout,
        `${positionals[0] ?? ''}: ${(samples.length / SAMPLE_RATE).toFixed(2)} s, ${n} speech segment${n === 1 ? '' : 's'} (${total.toFixed(2)} s of speech)`,
      );
      report.segments.forEach((seg, i) => {
        writeLine(
          io.stdout,
          `  ${String(i + 1).padStart(3)}  ${seg.start.toFixed(3)} – ${seg.end.toFixed(3)} s  (${(seg.end - seg.start).toFixed(3)} s)`,
        );
      });
      return EXIT_OK;
    } finally {
      await vad.close();
    }
  },
};
