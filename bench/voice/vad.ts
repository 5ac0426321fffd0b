/**
 * VAD cost per 32 ms frame, one thread: our SileroVad wrapper (state + context carried, tensors
 * built per call) against two baselines measured in the same run on the same frames: the bare
 * ONNX Runtime `session.run` on the same model (the floor the wrapper can reach) and an energy
 * VAD (RMS level of the frame: what the cheapest detector costs).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadEngineAudio } from '../../apps/desktop/test-support/voice/speech.js';
import { requireSharedSpeech } from './shared-data.js';
import {
  FRAME_SAMPLES,
  FRAME_SECONDS,
  rmsDbfs,
  splitFrames,
} from '../../apps/desktop/src/sidecar/voice/frames.js';
import { resolveSileroModelPath } from '../../apps/desktop/src/sidecar/voice/model-path.js';
import { SILERO_CONTEXT, SileroVad } from '../../apps/desktop/src/sidecar/voice/silero.js';
import { distribution, now, round, type Distribution } from './stats.js';

export const VAD_GOAL_MEDIAN_MS = 0.3;

export interface VadBenchResult {
  readonly audioSeconds: number;
  readonly frames: number;
  readonly threads: 1;
  /** ms per frame. */
  readonly sileroWrapper: Distribution;
  readonly baselineOrtRun: Distribution;
  readonly baselineEnergy: Distribution;
  /** Wrapper median / bare session.run median. */
  readonly wrapperOverheadRatio: number;
  /** Frame duration / wrapper median: how many times faster than real time. */
  readonly realTimeMultiple: number;
  readonly goalMedianMs: number;
  readonly goalMet: boolean;
}

function speechFrames(): { frames: Float32Array[]; seconds: number } {
  const speechDir = requireSharedSpeech();
  const files = readdirSync(speechDir)
    .filter((f) => f.endsWith('.wav'))
    .sort();
  const frames: Float32Array[] = [];
  for (const f of files) frames.push(...splitFrames(loadEngineAudio(path.join(speechDir, f))));
  return { frames, seconds: frames.length * FRAME_SECONDS };
}

export async function benchVad(passes = 3, warmup = 50): Promise<VadBenchResult> {
  const { frames, seconds } = speechFrames();

  const vad = await SileroVad.load();
  const wrapper: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    vad.reset();
    for (const [i, frame] of frames.entries()) {
      const t0 = now();
      await vad.process(frame);
      if (pass > 0 || i >= warmup) wrapper.push(now() - t0);
    }
  }
  await vad.close();

  // Bare session.run on the same model with the same options, zero state and input each call.
  const session = await ort.InferenceSession.create(resolveSileroModelPath(), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = {
    input: new ort.Tensor('float32', new Float32Array(SILERO_CONTEXT + FRAME_SAMPLES), [
      1,
      SILERO_CONTEXT + FRAME_SAMPLES,
    ]),
    state: new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]),
    sr: new ort.Tensor('int64', BigInt64Array.from([16_000n]), []),
  };
  const raw: number[] = [];
  for (let i = 0; i < frames.length * passes; i++) {
    const t0 = now();
    await session.run(feeds);
    if (i >= warmup) raw.push(now() - t0);
  }
  await session.release();

  const energy: number[] = [];
  let sink = 0;
  for (let pass = 0; pass < passes; pass++)
    for (const frame of frames) {
      const t0 = now();
      sink += rmsDbfs(frame) > -45 ? 1 : 0;
      energy.push(now() - t0);
    }
  if (sink < 0) console.log(sink); // keeps the loop from being optimised away

  const sileroWrapper = distribution(wrapper);
  const baselineOrtRun = distribution(raw);
  return {
    audioSeconds: round(seconds, 2),
    frames: frames.length,
    threads: 1,
    sileroWrapper,
    baselineOrtRun,
    baselineEnergy: distribution(energy),
    wrapperOverheadRatio: round(sileroWrapper.median / baselineOrtRun.median, 3),
    realTimeMultiple: round((FRAME_SECONDS * 1000) / sileroWrapper.median, 1),
    goalMedianMs: VAD_GOAL_MEDIAN_MS,
    goalMet: sileroWrapper.median <= VAD_GOAL_MEDIAN_MS,
  };
}
