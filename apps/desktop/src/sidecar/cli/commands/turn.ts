import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TurnRecordDto } from '../../../shared/voice-turn.js';
import { openVoiceEngine } from '../../assistant/create.js';
import { runRecordedTurn } from '../../assistant/recorded-turn.js';
import { wavToEngineAudio } from '../../voice/analyze.js';
import { floatToInt16 } from '../../voice/wav.js';
import {
  EXIT_FAILURE,
  EXIT_OK,
  parseCommandArgs,
  UsageError,
  writeLine,
  type Command,
} from '../io.js';

const USAGE = `usage: voiceassist turn FILE.wav [--store DIR] [--json]

Runs one whole voice turn from a recording against the configured sync server, as if the hotkey
were held for the length of the recording (its end is the key release): speech-to-text through the
gateway, PHI pseudonymization, a cited answer from the local store (the LLM through the gateway
when the server has one), spoken through the gateway's TTS. Prints transcript, answer, citations
and stage timings. The turn is stored in the profile's encrypted store like any other.

options:
  --store DIR   the profile folder (default: VOICEASSIST_PROFILE_DIR)
  --json        print the stored turn record as JSON

env: VOICEASSIST_SERVER_URL, VOICEASSIST_DEVICE_KEY (or DIR/device.key) — the sync server and this
     workstation's device key; VOICEASSIST_DB_KEY or DIR/knowledge.key — the store key.`;

const STAGES: readonly [keyof TurnRecordDto['timings'], string][] = [
  ['capture', 'capture'],
  ['sttFinalize', 'stt-finalize'],
  ['phi', 'phi'],
  ['retrieval', 'retrieval'],
  ['llmFirstToken', 'llm-first-token'],
  ['ttsFirstByte', 'tts-first-byte'],
  ['firstAudio', 'first-audio'],
  ['total', 'total'],
];

function printTurn(turn: TurnRecordDto, write: (line: string) => void): void {
  write(`transcript: ${turn.transcript || '(nothing recognised)'}`);
  write(`answer (${turn.generator || 'none'}, ${turn.status}): ${turn.answer}`);
  const cited = turn.sentences.flatMap((s) => s.citations);
  const unique = [...new Map(cited.map((c) => [`${c.chunkId}:${c.start}`, c])).values()];
  unique.forEach((c, i) => {
    write(`  [${i + 1}] ${c.title} — ${c.sourcePath} (chars ${c.start}–${c.end})`);
  });
  write(
    `timings (ms): ${STAGES.map(([k, label]) => `${label} ${turn.timings[k] ?? '-'}`).join(', ')}`,
  );
  write(`speech: ${turn.speech}`);
  for (const e of turn.errors) write(`error (${e.stage}) ${e.code}: ${e.message}`);
}

export const command: Command = {
  name: 'turn',
  summary: 'run a whole voice turn from a WAV recording against the configured server',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      store: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one WAV file');
    const storeArg =
      typeof values.store === 'string' ? values.store : io.env.VOICEASSIST_PROFILE_DIR;
    if (!storeArg) throw new UsageError('give --store DIR or set VOICEASSIST_PROFILE_DIR');
    const file = path.resolve(io.cwd, positionals[0] ?? '');
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new Error(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
        cause: err,
      });
    }
    const samples = floatToInt16(wavToEngineAudio(bytes));
    const engine = await openVoiceEngine({
      profileDir: path.resolve(io.cwd, storeArg),
      env: io.env,
      emit: () => undefined, // the CLI prints the stored record instead of streaming events
    });
    try {
      const turn = await runRecordedTurn(engine.service, samples);
      if (values.json === true) writeLine(io.stdout, JSON.stringify(turn));
      else printTurn(turn, (line) => writeLine(io.stdout, line));
      return turn.status === 'failed' ? EXIT_FAILURE : EXIT_OK;
    } finally {
      await engine.close();
    }
  },
};
