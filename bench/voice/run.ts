/**
 * `npm run bench -- voice`: the engine's voice path. Each measurement lives in its own module
 * (vad.ts, aec.ts; the turn-latency bench adds turn.ts) and returns plain JSON; this file runs
 * them in order, prints the headline numbers and writes bench/results/voice.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAec } from './aec.js';
import { benchHeard, heardLine } from './heard.js';
import { benchTurn, turnLine } from './turn.js';
import { benchVad } from './vad.js';
import { benchVadEval, vadEvalLine } from './vad-eval.js';
import { benchWer, werLine } from './wer.js';

process.env.ORT_DISABLE_TELEMETRY ??= '1';

const RESULTS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'results',
  'voice.json',
);

interface Section {
  readonly name: string;
  /** Runs the measurement: its JSON result and one line for people. */
  readonly run: () => Promise<{ result: unknown; line: string }>;
}

function section<T>(name: string, measure: () => Promise<T>, line: (r: T) => string): Section {
  return {
    name,
    run: async () => {
      const result = await measure();
      return { result, line: line(result) };
    },
  };
}

/** Measurements in run order; a new one (e.g. the turn latency) is one more entry. */
const SECTIONS: readonly Section[] = [
  section(
    'vad',
    () => benchVad(),
    (r) =>
      `VAD per 32 ms frame (1 thread, ${r.frames} frames of real speech): median ${r.sileroWrapper.median} ms, p95 ${r.sileroWrapper.p95} ms ` +
      `(goal ≤ ${r.goalMedianMs} ms median: ${r.goalMet ? 'met' : 'NOT met'}); bare session.run median ${r.baselineOrtRun.median} ms ` +
      `(wrapper ×${r.wrapperOverheadRatio}); energy VAD median ${r.baselineEnergy.median} ms; ${r.realTimeMultiple}× real time`,
  ),
  section(
    'aec',
    () => benchAec(),
    (r) =>
      `AEC3 (16 kHz, ${r.audioSeconds} s): real-time factor ${r.realTimeFactor} (${r.realTimeMultiple}× real time), per frame median ${r.perFrame.median} ms, ` +
      `p95 ${r.perFrame.p95} ms (pass-through baseline ${r.baselinePassThroughPerFrame.median} ms); ERLE ${r.erleDb} dB on echo-only frames ` +
      `(goal ≥ ${r.erleGoalDb} dB); latency ${r.latencyMs} ms\n  ERLE by echo path (delay/gain/reverb → all, after 2 s): ` +
      r.erleByPath
        .map(
          (e) =>
            `${e.delayMs} ms/${e.gainDb} dB/${e.reverbMs} ms → ${e.erleDb}, ${e.erleAfter2sDb} dB`,
        )
        .join('; '),
  ),
  // Frame-level VAD quality: the tuned segmenter against plain Silero on held-out data.
  section('vad-eval', () => benchVadEval(), vadEvalLine),
  // On-device recognisers: WER on ../shared/data/speech, real-time factor, key-up → final.
  section('wer', () => benchWer(), werLine),
  // Key-up → first audio through the real sync server and stand-ins; also bench/results/voice-turn.json.
  section(
    'turn',
    async () => {
      const r = await benchTurn();
      mkdirSync(path.dirname(RESULTS), { recursive: true });
      writeFileSync(
        path.join(path.dirname(RESULTS), 'voice-turn.json'),
        `${JSON.stringify({ at: new Date().toISOString(), ...r }, null, 2)}\n`,
      );
      return r;
    },
    turnLine,
  ),
  // Key-up → first audio as heard in Chromium, send-ahead on and off, on loopback and +100 ms
  // round trip; also bench/results/voice-heard.json.
  section(
    'heard',
    async () => {
      const r = await benchHeard({ turns: 20, rttMs: [0, 100], docs: 2000, block: 5 });
      mkdirSync(path.dirname(RESULTS), { recursive: true });
      writeFileSync(
        path.join(path.dirname(RESULTS), 'voice-heard.json'),
        `${JSON.stringify({ at: new Date().toISOString(), ...r }, null, 2)}\n`,
      );
      return r;
    },
    heardLine,
  ),
];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const results: Record<string, unknown> = {
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
  },
  at: new Date().toISOString(),
};
for (const section of SECTIONS) {
  if (wanted.length > 0 && !wanted.includes(section.name)) continue;
  const { result, line } = await section.run();
  results[section.name] = result;
  console.log(line);
}
mkdirSync(path.dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), RESULTS)}`);
