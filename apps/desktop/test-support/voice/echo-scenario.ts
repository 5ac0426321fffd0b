import { FRAME_SAMPLES, SAMPLE_RATE } from '../../src/sidecar/voice/frames.js';

/**
 * A synthetic loudspeaker→microphone echo for measuring cancellers (tests and bench/voice): the
 * far end (what the app plays) goes through a delayed, attenuated room response and is added to
 * the near end (the user), who starts talking at `nearStartSeconds`.
 */
export interface EchoScenarioOptions {
  /** Acoustic + device delay of the direct path. */
  readonly delayMs: number;
  /** Level of the direct path relative to the far end. */
  readonly gainDb: number;
  /** When the user starts speaking (double talk while the far end still plays). */
  readonly nearStartSeconds: number;
  /** Length of the exponentially decaying reflections after the direct path (0 = none). */
  readonly reverbMs: number;
}

export interface EchoScenario {
  readonly far: Float32Array;
  readonly near: Float32Array;
  readonly echo: Float32Array;
  /** near + echo. */
  readonly mic: Float32Array;
  /** Sample ranges (whole frames) with echo and no near-end speech. */
  readonly echoOnly: [number, number][];
  /** Sample range after the far end (and its echo) stopped, while the user still speaks. */
  readonly nearOnly: readonly [number, number];
}

const DEFAULTS: EchoScenarioOptions = {
  delayMs: 40,
  gainDb: -10,
  nearStartSeconds: 7,
  reverbMs: 30,
};

/** Direct path plus reflections with a fixed pseudo-random sign pattern decaying by 60 dB over reverbMs. */
function roomResponse(options: EchoScenarioOptions): Float32Array {
  const delay = Math.round((options.delayMs / 1000) * SAMPLE_RATE);
  const tail = Math.round((options.reverbMs / 1000) * SAMPLE_RATE);
  const h = new Float32Array(delay + tail + 1);
  const gain = 10 ** (options.gainDb / 20);
  h[delay] = gain;
  let seed = 12_345;
  for (let i = 1; i <= tail; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const sign = seed / 2_147_483_648 < 0.5 ? -1 : 1;
    h[delay + i] = sign * gain * 0.3 * 10 ** ((-3 * i) / tail); // −60 dB at the end of the tail
  }
  return h;
}

function convolve(x: Float32Array, h: Float32Array, length: number): Float32Array {
  const y = new Float32Array(length);
  h.forEach((hk, k) => {
    if (hk === 0) return;
    for (let i = k; i < length; i++) y[i] = (y[i] ?? 0) + hk * (x[i - k] ?? 0);
  });
  return y;
}

export function buildEchoScenario(
  farSpeech: Float32Array,
  nearSpeech: Float32Array,
  options: Partial<EchoScenarioOptions> = {},
): EchoScenario {
  const o = { ...DEFAULTS, ...options };
  const h = roomResponse(o);
  const nearStart = Math.round(o.nearStartSeconds * SAMPLE_RATE);
  const total = Math.max(farSpeech.length + h.length, nearStart + nearSpeech.length);
  const length = Math.ceil(total / FRAME_SAMPLES) * FRAME_SAMPLES;
  const far = new Float32Array(length);
  far.set(farSpeech);
  const near = new Float32Array(length);
  near.set(nearSpeech, nearStart);
  const echo = convolve(far, h, length);
  const mic = new Float32Array(length);
  for (let i = 0; i < length; i++) mic[i] = (echo[i] ?? 0) + (near[i] ?? 0);

  const echoOnly: [number, number][] = [];
  const floor = 10 ** (-60 / 10); // frames whose echo is above −60 dBFS
  for (let f = 0; f + FRAME_SAMPLES <= Math.min(nearStart, length); f += FRAME_SAMPLES) {
    let energy = 0;
    for (let i = f; i < f + FRAME_SAMPLES; i++) energy += (echo[i] ?? 0) ** 2;
    if (energy / FRAME_SAMPLES > floor) echoOnly.push([f, f + FRAME_SAMPLES]);
  }
  const echoEnd = farSpeech.length + h.length;
  return {
    far,
    near,
    echo,
    mic,
    echoOnly,
    nearOnly: [Math.min(echoEnd + SAMPLE_RATE / 10, length), nearStart + nearSpeech.length],
  };
}
