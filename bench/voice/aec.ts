/**
 * Echo cancellation cost and quality on the synthetic echo path the tests use (real far-end
 * speech through a 40 ms, −10 dB room response, real near-end speech from 7 s): real-time factor
 * (processing time / audio time) and ERLE on the echo-only frames. Baseline in the same run: the
 * same loop with a pass-through canceller, i.e. what the harness itself costs.
 */
import path from 'node:path';
import {
  Aec3EchoCanceller,
  erleDb,
  type EchoCanceller,
} from '../../apps/desktop/src/sidecar/voice/aec.js';
import {
  buildEchoScenario,
  type EchoScenario,
} from '../../apps/desktop/test-support/voice/echo-scenario.js';
import { loadEngineAudio } from '../../apps/desktop/test-support/voice/speech.js';
import { requireSharedSpeech } from './shared-data.js';
import {
  FRAME_SAMPLES,
  SAMPLE_RATE,
  splitFrames,
} from '../../apps/desktop/src/sidecar/voice/frames.js';
import { distribution, now, round, type Distribution } from './stats.js';

export interface AecBenchResult {
  readonly audioSeconds: number;
  readonly echoPath: {
    readonly delayMs: number;
    readonly gainDb: number;
    readonly reverbMs: number;
  };
  /** Processing time / audio time (lower is better; 1 = just real time). */
  readonly realTimeFactor: number;
  /** Audio time / processing time. */
  readonly realTimeMultiple: number;
  /** ms per 32 ms frame (pushFarEnd + processNearEnd). */
  readonly perFrame: Distribution;
  readonly baselinePassThroughPerFrame: Distribution;
  readonly erleDb: number;
  readonly erleGoalDb: number;
  readonly latencyMs: number;
  /** ERLE over other echo paths: all echo-only frames, and those after the first 2 s (converged). */
  readonly erleByPath: readonly {
    readonly delayMs: number;
    readonly gainDb: number;
    readonly reverbMs: number;
    readonly erleDb: number;
    readonly erleAfter2sDb: number;
  }[];
}

const PATHS = [
  { delayMs: 10, gainDb: -10, reverbMs: 30 },
  { delayMs: 40, gainDb: 0, reverbMs: 30 },
  { delayMs: 40, gainDb: -20, reverbMs: 30 },
  { delayMs: 120, gainDb: -10, reverbMs: 30 },
  { delayMs: 250, gainDb: -10, reverbMs: 30 },
  { delayMs: 40, gainDb: -10, reverbMs: 150 },
] as const;

class PassThrough implements EchoCanceller {
  readonly latencySamples = 0;
  pushFarEnd(): void {
    // nothing to learn from: the baseline only measures the loop
  }
  processNearEnd(frame: Float32Array): Float32Array {
    return frame.slice();
  }
  close(): void {
    // nothing to free
  }
}

function run(
  aec: EchoCanceller,
  far: Float32Array[],
  mic: Float32Array[],
): { out: Float32Array; times: number[] } {
  const out = new Float32Array(mic.length * FRAME_SAMPLES);
  const times: number[] = [];
  mic.forEach((frame, i) => {
    const t0 = now();
    const ref = far[i];
    if (ref) aec.pushFarEnd(ref);
    out.set(aec.processNearEnd(frame), i * FRAME_SAMPLES);
    times.push(now() - t0);
  });
  return { out, times };
}

/** One at a time: the canceller is synchronous wasm, running them "in parallel" only interleaves. */
async function sequentially<T, R>(items: readonly T[], f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await f(item));
  return out;
}

function scenarioFor(echoPath: {
  delayMs: number;
  gainDb: number;
  reverbMs: number;
}): EchoScenario {
  return buildEchoScenario(
    loadEngineAudio(path.join(requireSharedSpeech(), 'fleurs-en-001.wav')),
    loadEngineAudio(path.join(requireSharedSpeech(), 'jfk.wav')).subarray(
      0.3 * SAMPLE_RATE,
      3.8 * SAMPLE_RATE,
    ),
    { ...echoPath, nearStartSeconds: 7 },
  );
}

async function erleFor(
  echoPath: (typeof PATHS)[number],
): Promise<AecBenchResult['erleByPath'][number]> {
  const scenario = scenarioFor(echoPath);
  const aec = await Aec3EchoCanceller.create();
  const { out } = run(aec, splitFrames(scenario.far), splitFrames(scenario.mic));
  const cleaned = out.subarray(aec.latencySamples);
  aec.close();
  const converged = scenario.echoOnly.filter(([from]) => from >= 2 * SAMPLE_RATE);
  return {
    ...echoPath,
    erleDb: round(erleDb(scenario.mic, cleaned, scenario.echoOnly), 1),
    erleAfter2sDb: round(erleDb(scenario.mic, cleaned, converged), 1),
  };
}

export async function benchAec(): Promise<AecBenchResult> {
  const echoPath = { delayMs: 40, gainDb: -10, reverbMs: 30 };
  const scenario = scenarioFor(echoPath);
  const far = splitFrames(scenario.far);
  const mic = splitFrames(scenario.mic);
  const seconds = scenario.mic.length / SAMPLE_RATE;

  const baseline = run(new PassThrough(), far, mic);

  const aec = await Aec3EchoCanceller.create();
  const { out, times } = run(aec, far, mic);
  const latency = aec.latencySamples;
  aec.close();

  const totalMs = times.reduce((s, t) => s + t, 0);
  return {
    audioSeconds: round(seconds, 2),
    echoPath,
    realTimeFactor: round(totalMs / 1000 / seconds, 4),
    realTimeMultiple: round(seconds / (totalMs / 1000), 1),
    perFrame: distribution(times),
    baselinePassThroughPerFrame: distribution(baseline.times),
    erleDb: round(erleDb(scenario.mic, out.subarray(latency), scenario.echoOnly), 1),
    erleGoalDb: 30,
    latencyMs: round((latency / SAMPLE_RATE) * 1000, 1),
    erleByPath: await sequentially(PATHS, erleFor),
  };
}
