/**
 * Word error rate and real-time factor of every on-device recogniser available here, on the real
 * recorded speech in ../shared/data/speech (JFK, public domain; four FLEURS clips, CC BY 4.0).
 *
 * Each clip goes through the recogniser's streaming session exactly as a turn would send it
 * (100 ms PCM chunks, then `finalize()`), but as fast as the recogniser takes it: the wall time
 * from the first chunk to the final transcript over the clip's duration is the real-time factor
 * (RTF < 1: faster than real time). Then each clip again, fed in real time, for the wait a turn
 * sees: key-up (last chunk sent) → final transcript. CPU seconds are counted too (the helper process for
 * pocketsphinx, this process for sherpa-onnx), since the wall time on a shared 2-core machine
 * depends on who else runs. Each clip gets a freshly loaded recogniser (start-up timed apart), so
 * what pocketsphinx's live normalisation adapted to in one recording does not leak into the next.
 * `npx tsx bench/voice/wer.ts` or `npm run bench -- voice` (section "wer").
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARED_SPEECH_DIR } from './shared-data.js';
import { decodeWav, floatToInt16, toMono } from '../../apps/desktop/src/sidecar/voice/wav.js';
import { int16ToBytes } from '../../apps/desktop/src/sidecar/speech/pcm.js';
import {
  POCKETSPHINX_FAST,
  PocketsphinxRecogniser,
  pocketsphinxUnavailable,
} from '../../apps/desktop/src/sidecar/speech/pocketsphinx.js';
import {
  resolveSpeechModel,
  speechModelsDir,
} from '../../apps/desktop/src/sidecar/speech/sherpa/catalog.js';
import {
  SherpaOfflineRecogniser,
  SherpaStreamingRecogniser,
} from '../../apps/desktop/src/sidecar/speech/sherpa/recogniser.js';
import { sherpaUnavailable } from '../../apps/desktop/src/sidecar/speech/sherpa/runtime.js';
import type { SpeechRecogniser } from '../../apps/desktop/src/sidecar/speech/types.js';
import { corpusWer, wordErrorRate } from '../../apps/desktop/src/sidecar/speech/wer.js';
import { distribution, now, round, type Distribution } from './stats.js';

const CHUNK_BYTES = 3_200; // 100 ms at 16 kHz PCM16

interface Clip {
  readonly name: string;
  readonly pcm: Uint8Array;
  readonly seconds: number;
  readonly reference: string;
}

export interface ClipResult {
  readonly clip: string;
  readonly seconds: number;
  readonly wer: number;
  readonly rtf: number;
  readonly cpuSeconds: number;
  readonly confidence: number | null;
  readonly hypothesis: string;
}

export interface BackendResult {
  readonly backend: string;
  readonly label: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly available: boolean;
  /** Why it did not run, when it did not. */
  readonly reason?: string;
  /** Start-up (model load) per clip, seconds. */
  readonly loadSeconds?: Distribution;
  /** Errors over reference words, all clips pooled. */
  readonly wer?: number;
  /** Wall time / audio time per clip. */
  readonly rtf?: Distribution;
  /** All clips' CPU seconds / all clips' audio seconds. */
  readonly cpuRtf?: number;
  /** Audio fed in real time (100 ms chunks every 100 ms): key-up (last chunk sent) → final, ms. */
  readonly keyUpToFinalMs?: Distribution;
  readonly clips?: readonly ClipResult[];
}

export interface WerBenchResult {
  readonly data: string;
  readonly conditions: {
    readonly cores: number;
    readonly cpu: string;
    readonly loadAverageBefore: readonly number[];
    readonly loadAverageAfter: readonly number[];
    readonly feed: string;
    readonly normalisation: string;
  };
  readonly backends: readonly BackendResult[];
}

function loadClips(): Clip[] {
  if (!existsSync(SHARED_SPEECH_DIR)) return [];
  return readdirSync(SHARED_SPEECH_DIR)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((file) => {
      const name = file.replace(/\.wav$/, '');
      const txt = name === 'jfk' ? 'parakeet-expected-jfk-output.txt' : `${name}.txt`;
      const wav = decodeWav(readFileSync(path.join(SHARED_SPEECH_DIR, file)));
      if (wav.sampleRate !== 16_000) throw new Error(`${file}: expected 16 kHz`);
      const mono = toMono(wav.channels);
      return {
        name,
        pcm: int16ToBytes(floatToInt16(mono)),
        seconds: mono.length / 16_000,
        reference: readFileSync(path.join(SHARED_SPEECH_DIR, txt), 'utf8').trim(),
      };
    });
}

/** CPU seconds (user + system) of this process's child processes, from /proc. */
function childCpuSeconds(): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  const tasks = `/proc/${process.pid}/task`;
  if (!existsSync(tasks)) return Number.NaN;
  for (const tid of readdirSync(tasks)) {
    const children = readFileSync(`${tasks}/${tid}/children`, 'utf8').trim();
    for (const pid of children === '' ? [] : children.split(/\s+/)) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / tick; // utime, stime
    }
  }
  return total;
}

function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function runBackend(
  backend: string,
  settings: Readonly<Record<string, unknown>>,
  load: () => Promise<SpeechRecogniser>,
  cpu: () => number,
  clips: readonly Clip[],
): Promise<BackendResult> {
  const results: ClipResult[] = [];
  const loads: number[] = [];
  let label = backend;
  for (const clip of clips) {
    // A fresh recogniser per clip: clips are independent recordings (other speakers, levels),
    // so nothing one adapted to should carry into the next. This is a turn after start-up.
    const t0 = now();
    const recogniser = await load();
    loads.push((now() - t0) / 1000);
    label = recogniser.label;
    try {
      const cpu0 = cpu();
      const start = now();
      const session = recogniser.open();
      for (let i = 0; i < clip.pcm.byteLength; i += CHUNK_BYTES)
        session.send(clip.pcm.subarray(i, i + CHUNK_BYTES));
      const final = await session.finalize();
      const wall = (now() - start) / 1000;
      results.push({
        clip: clip.name,
        seconds: round(clip.seconds, 2),
        wer: round(wordErrorRate(clip.reference, final.text), 3),
        rtf: round(wall / clip.seconds, 3),
        cpuSeconds: round(cpu() - cpu0, 2),
        confidence: final.confidence === undefined ? null : round(final.confidence, 3),
        hypothesis: final.text,
      });
    } finally {
      await recogniser.close();
    }
  }
  // Then as a turn sees it: audio arriving in real time, and the wait from key-up to the final.
  const finalizeMs: number[] = [];
  for (const clip of clips) {
    const recogniser = await load();
    try {
      const session = recogniser.open();
      const start = now();
      for (let i = 0, k = 0; i < clip.pcm.byteLength; i += CHUNK_BYTES, k++) {
        const due = start + k * 100;
        if (now() < due) await new Promise((r) => setTimeout(r, due - now()));
        session.send(clip.pcm.subarray(i, i + CHUNK_BYTES));
      }
      const keyUp = now();
      await session.finalize();
      finalizeMs.push(now() - keyUp);
    } finally {
      await recogniser.close();
    }
  }
  const audio = clips.reduce((s, c) => s + c.seconds, 0);
  return {
    backend,
    label,
    keyUpToFinalMs: distribution(finalizeMs),
    settings,
    available: true,
    loadSeconds: distribution(loads),
    wer: round(
      corpusWer(
        clips.map((c, i) => ({ reference: c.reference, hypothesis: results[i]?.hypothesis ?? '' })),
      ),
      3,
    ),
    rtf: distribution(results.map((r) => r.rtf)),
    cpuRtf: round(results.reduce((s, r) => s + r.cpuSeconds, 0) / audio, 3),
    clips: results,
  };
}

export async function benchWer(): Promise<WerBenchResult> {
  const clips = loadClips();
  const loadBefore = os.loadavg().map((x) => round(x, 2));
  const backends: BackendResult[] = [];
  const missing = (backend: string, reason: string): BackendResult => ({
    backend,
    label: backend,
    settings: {},
    available: false,
    reason,
  });
  if (clips.length === 0) {
    return {
      data: `${SHARED_SPEECH_DIR} is absent: nothing measured`,
      conditions: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadBefore,
        feed: '',
        normalisation: '',
      },
      backends: [],
    };
  }

  const ps = pocketsphinxUnavailable();
  if (ps === undefined) {
    // Both decoder settings in the same run: the speed/accuracy trade-off, measured together.
    backends.push(
      await runBackend(
        'pocketsphinx',
        { decoder: POCKETSPHINX_FAST, shipped: true },
        () => PocketsphinxRecogniser.load({ finalizeTimeoutMs: 300_000, readyTimeoutMs: 120_000 }),
        childCpuSeconds,
        clips,
      ),
      await runBackend(
        'pocketsphinx-model-defaults',
        { decoder: "the model's own settings" },
        () =>
          PocketsphinxRecogniser.load({
            decoderArgs: {},
            finalizeTimeoutMs: 300_000,
            readyTimeoutMs: 120_000,
          }),
        childCpuSeconds,
        clips,
      ),
    );
  } else backends.push(missing('pocketsphinx', ps));

  const sherpa = sherpaUnavailable();
  const threads = Math.max(1, Math.min(4, os.availableParallelism() - 1));
  for (const [backend, id, load] of [
    [
      'sherpa-streaming',
      'zipformer-en-20m',
      () => Promise.resolve(SherpaStreamingRecogniser.load({ threads })),
    ],
    ['sherpa-offline', 'moonshine-base-en', () => SherpaOfflineRecogniser.load({ threads })],
  ] as const) {
    if (sherpa !== undefined) backends.push(missing(backend, sherpa));
    else if (resolveSpeechModel(id) === undefined)
      backends.push(
        missing(
          backend,
          `model ${id} is not in ${speechModelsDir()} (npm run models:fetch -- ${id}; the model hub is unreachable from the build machines)`,
        ),
      );
    else
      backends.push(await runBackend(backend, { model: id, threads }, load, selfCpuSeconds, clips));
  }

  return {
    data: `${clips.length} clips, ${round(
      clips.reduce((s, c) => s + c.seconds, 0),
      1,
    )} s: ${clips.map((c) => c.name).join(', ')} (${SHARED_SPEECH_DIR})`,
    conditions: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg().map((x) => round(x, 2)),
      feed: `${CHUNK_BYTES} B (100 ms) PCM16 chunks as fast as the recogniser takes them, then finalize() (WER, RTF, CPU); again at real time, one chunk per 100 ms (key-up → final); each clip through a freshly loaded recogniser`,
      normalisation:
        'lower case, punctuation removed, the numbers FLEURS writes as digits spelled out (speech/wer.ts)',
    },
    backends,
  };
}

export function werLine(r: WerBenchResult): string {
  const rows = r.backends.map((b) =>
    b.available
      ? `${b.backend}: WER ${b.wer} (${r.data.split(':')[0]}), RTF median ${b.rtf?.median} p95 ${b.rtf?.p95}, CPU ${b.cpuRtf} s per audio s, key-up → final p50 ${b.keyUpToFinalMs?.median} ms p95 ${b.keyUpToFinalMs?.p95} ms (real-time feed), start-up median ${b.loadSeconds?.median} s`
      : `${b.backend}: not run (${b.reason})`,
  );
  return `On-device STT (${r.conditions.cores} cores, load ${r.conditions.loadAverageBefore.join('/')}):\n  ${rows.join('\n  ')}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const r = await benchWer();
  console.log(werLine(r));
  const out = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '..',
    'results',
    'voice-wer.json',
  );
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), ...r }, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}
