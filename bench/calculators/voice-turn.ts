/**
 * A calculator turn by voice against a knowledge turn by voice, in the same run, through the same
 * shipped voice turn: key release → first TTS audio chunk (`Turn.timings().firstAudio`, the
 * engine's marks), with the real sync server (embedded PostgreSQL) and the provider stand-ins each
 * in their own process, set to the voice bench's latencies (STT finalize 150 ms, LLM first token
 * 350 ms, TTS first byte 150 ms). Default engine configuration: VAD/AEC front end loaded, the
 * local intent router (no LLM routing), the answer planned and its chat sent ahead while STT
 * finalizes. Each round says a new calculator request (other numbers) and a new question; the two
 * kinds alternate. Also recorded per kind: what the front did (result, question asked back,
 * answer), and the transcript the engine got, so a turn that was not what it was meant to be is
 * counted, not hidden.
 * `npx tsx bench/calculators/voice-turn.ts [--rounds N]` → bench/results/calculators-voice-turn.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JFK_WAV, startGateway } from '@voiceassist/tests/harness/gateway.js';
import { runRecordedTurn } from '../../apps/desktop/src/sidecar/assistant/recorded-turn.js';
import { wavToEngineAudio } from '../../apps/desktop/src/sidecar/voice/analyze.js';
import { floatToInt16 } from '../../apps/desktop/src/sidecar/voice/wav.js';
import { openEngineFixture } from '../../apps/desktop/test-support/voice/engine-fixture.js';
import { distribution, type Distribution } from '../voice/stats.js';

process.env.ORT_DISABLE_TELEMETRY ??= '1';

const RESULTS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'results',
  'calculators-voice-turn.json',
);
/** The same provider latencies as bench/voice/turn.ts. */
const PROVIDER_MS = { sttFinalize: 150, llmFirstToken: 350, ttsFirstByte: 150 } as const;
const REPLY =
  'High blood pressure is a common condition in which blood flows through the arteries at higher than normal pressures [1]. It often has no symptoms [2].';
/** The STT stand-in reveals one word per 0.25 s of audio; two words' worth more than needed. */
const SAMPLES_PER_WORD = 4_000;
/**
 * After the audio, before the key-up: long enough for all the stand-in's interim results (one per
 * word, sent `sttFinalize` ms apart) to be out, as when someone speaks in real time; otherwise a
 * longer sentence's final result would queue behind its interims and the STT leg would depend on
 * the sentence's length, not on the engine.
 */
const holdMs = (words: number): number => PROVIDER_MS.sttFinalize * (words + 2) + 100;
const WARMUP_ROUNDS = 3;

/** Round i's calculator request: five calculators in turn, every number new each round. */
function calculatorTurn(i: number): string {
  switch (i % 5) {
    case 0:
      return `CKD-EPI for creatinine ${(0.9 + i / 50).toFixed(2)}, ${40 + i}-year-old woman`;
    case 1:
      return `BMI for ${60 + i} kg and ${150 + i} cm`;
    case 2:
      return `Anion gap sodium ${130 + i} chloride ${95 + (i % 9)} bicarbonate ${18 + (i % 8)}`;
    case 3:
      return `QTc Bazett for QT ${360 + 2 * i} and heart rate ${55 + i}`;
    default:
      return `GCS eyes ${1 + (i % 4)} verbal ${1 + (i % 5)} motor ${1 + (i % 6)}`;
  }
}

/** Round i's question: a new one each round, about what the fixture's sources cover. */
const SUBJECTS = [
  'high blood pressure',
  'hypertension',
  'blood pressure medicines',
  'high blood pressure and kidney disease',
];
const ASKS = [
  'What is',
  'What causes',
  'What are the symptoms of',
  'How is',
  'Who gets',
  'How common is',
  'Why does',
];
function knowledgeTurn(i: number): string {
  const ask = ASKS[i % ASKS.length] ?? 'What is';
  const subject = SUBJECTS[Math.floor(i / ASKS.length) % SUBJECTS.length] ?? 'hypertension';
  return ask === 'How is' || ask === 'Why does'
    ? `${ask} ${subject} ${ask === 'How is' ? 'diagnosed' : 'happen'}`
    : `${ask} ${subject}`;
}

type Path = Record<string, number[]>;

interface KindResult {
  readonly keyUpToFirstAudio: Distribution;
  /** Key-up → first audio in consecutive legs (engine marks) that add up to it. */
  readonly path: Readonly<Record<string, Distribution>>;
  readonly sttFinalize: Distribution;
  /** What the turns turned out to be (generator of the stored turn), counted. */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Turns whose transcript was not the words said (the stand-in's words) — should be 0. */
  readonly transcriptMismatches: number;
}

export async function benchVoiceCalculator(rounds = 25): Promise<Record<string, unknown>> {
  const gw = await startGateway({ reply: REPLY, spawn: true, standinsProcess: true });
  const fx = await openEngineFixture(gw, { frontEnd: true });
  const service = fx.engine.service;
  const jfk = floatToInt16(wavToEngineAudio(readFileSync(JFK_WAV)));
  const samples = {
    calculator: { firstAudio: [] as number[], stt: [] as number[], path: {} as Path },
    knowledge: { firstAudio: [] as number[], stt: [] as number[], path: {} as Path },
  };
  const outcomes = {
    calculator: {} as Record<string, number>,
    knowledge: {} as Record<string, number>,
  };
  const mismatches = { calculator: 0, knowledge: 0 };
  try {
    gw.deepgram.faults.chunkDelayMs = PROVIDER_MS.sttFinalize;
    gw.openai.faults.latencyMs = PROVIDER_MS.llmFirstToken;
    gw.elevenlabs.faults.latencyMs = PROVIDER_MS.ttsFirstByte;
    gw.openai.faults.burst = true;
    gw.elevenlabs.faults.burst = true;
    await gw.syncFaults();
    for (let i = 0; i < WARMUP_ROUNDS + rounds; i++) {
      // Alternate which kind goes first, so neither always follows the other.
      const order =
        i % 2 === 0
          ? (['calculator', 'knowledge'] as const)
          : (['knowledge', 'calculator'] as const);
      for (const kind of order) {
        const words = kind === 'calculator' ? calculatorTurn(i) : knowledgeTurn(i);
        gw.deepgram.faults.transcript = words;
        await gw.syncFaults();
        const n = words.split(' ').length + 2;
        // A new conversation each turn: no turn is a reply to an earlier question.
        const turn = await runRecordedTurn(service, jfk.subarray(0, n * SAMPLES_PER_WORD), {
          holdAfterMs: holdMs(n),
        });
        fx.events.length = 0;
        if (i < WARMUP_ROUNDS) continue;
        if (turn.transcript !== words) mismatches[kind]++;
        outcomes[kind][turn.generator || turn.status] =
          (outcomes[kind][turn.generator || turn.status] ?? 0) + 1;
        if (turn.timings.firstAudio !== null)
          samples[kind].firstAudio.push(turn.timings.firstAudio);
        if (turn.timings.sttFinalize !== null) samples[kind].stt.push(turn.timings.sttFinalize);
        const m = service.currentTurn?.marks;
        const leg = (name: string, a: number | undefined, b: number | undefined): void => {
          if (a !== undefined && b !== undefined) (samples[kind].path[name] ??= []).push(b - a);
        };
        leg('keyUp→sttFinal', m?.keyUp, m?.sttFinal);
        leg('sttFinal→firstSentence', m?.sttFinal, m?.firstSentence);
        leg('firstSentence→ttsFirst', m?.firstSentence, m?.ttsFirst);
        leg('ttsFirst→firstAudio', m?.ttsFirst, m?.firstAudio);
      }
    }
  } finally {
    await fx.close();
    await gw.close();
  }
  const kind = (k: 'calculator' | 'knowledge'): KindResult => ({
    keyUpToFirstAudio: distribution(samples[k].firstAudio),
    path: Object.fromEntries(
      Object.entries(samples[k].path).map(([name, v]) => [name, distribution(v)]),
    ),
    sttFinalize: distribution(samples[k].stt),
    outcomes: outcomes[k],
    transcriptMismatches: mismatches[k],
  });
  const calculator = kind('calculator');
  const knowledge = kind('knowledge');
  return {
    at: new Date().toISOString(),
    conditions: {
      rounds,
      warmupRounds: WARMUP_ROUNDS,
      providerLatencyMs: PROVIDER_MS,
      server: 'sync server in its own process, embedded PostgreSQL; stand-ins in their own process',
      engine:
        'default: VAD/AEC front end, local intent router (VOICEASSIST_LLM_ROUTING unset), answer planned and chat sent ahead while STT finalizes; hashing-bow embedder, the six-document MedQuAD fixture',
      timed: 'key-up (voice.turnEnd) → first TTS audio chunk emitted (Turn marks)',
      keyUp:
        'after the audio and every interim result of the STT stand-in (150 ms × (words + 2) + 100 ms)',
      cpus: os.cpus().length,
      loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
      node: process.version,
    },
    calculator,
    knowledge,
    /** The issue's goal: a calculator turn no slower than a knowledge turn (medians, p95s). */
    calculatorNoSlower:
      calculator.keyUpToFirstAudio.median <= knowledge.keyUpToFirstAudio.median &&
      calculator.keyUpToFirstAudio.p95 <= knowledge.keyUpToFirstAudio.p95,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = process.argv.indexOf('--rounds');
  const rounds = r > 0 ? Number(process.argv[r + 1]) : 25;
  const result = await benchVoiceCalculator(rounds);
  const line = (name: string, k: KindResult) =>
    `${name}: key-up → first audio median ${k.keyUpToFirstAudio.median} ms, p95 ${k.keyUpToFirstAudio.p95} ms (n=${k.keyUpToFirstAudio.n}); outcomes ${JSON.stringify(k.outcomes)}; transcript mismatches ${k.transcriptMismatches}`;
  for (const name of ['calculator', 'knowledge'] as const)
    console.log(
      `  ${name} legs (median): ${Object.entries((result[name] as KindResult).path)
        .map(([leg, d]) => `${leg} ${d.median}`)
        .join(', ')}`,
    );
  console.log(line('calculator', result.calculator as KindResult));
  console.log(line('knowledge ', result.knowledge as KindResult));
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), RESULTS)}`);
}
