/**
 * Key-up → first audio AS HEARD: from the Space key's release in the page to the first non-silent
 * sample of the answer at the page's speaker (heard-tap.ts: AudioWorklet tap in front of the
 * destination, mapped to the page clock through getOutputTimestamp, output latency included).
 * Everything real and in its own process: Debian's Chromium (fake microphone fed from questions
 * spoken by espeak-ng, a new question every turn), the renderer built by Vite, the engine in web
 * mode with the product's default configuration (default embedder over a store of MedQuAD
 * documents), the sync server (embedded PostgreSQL) and the provider stand-ins set to the issue's
 * latencies (heard-conditions.ts). Two engines run side by side: as shipped (send-ahead on) and
 * with `VOICEASSIST_SEND_AHEAD=off`, alternating in blocks (ABBA), each at every round trip asked
 * for (`delay-proxy.mjs` between engine and server). Same-run baseline: the stand-ins called
 * directly. Writes bench/results/voice-heard.json;
 * `npx tsx bench/voice/heard.ts [--turns N] [--rtt-ms 0,100] [--docs 2000] [--block 5]`.
 */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { startGateway, type GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import {
  REPO_ROOT,
  startSidecarWeb,
  type Started,
} from '../../apps/desktop/test-support/processes.js';
import {
  CONDITIONS,
  applyTurnFaults,
  pickQuestions,
  prepareStore,
  type Question,
} from './heard-conditions.js';
import { runBlock, type TurnSample } from './heard-block.js';
import { distribution, round, type Distribution } from './stats.js';
import { direct, startDelayProxy } from './turn.js';

process.env.ORT_DISABLE_TELEMETRY ??= '1';

const RESULTS = path.resolve(import.meta.dirname, '..', 'results', 'voice-heard.json');

export const VARIANTS = ['sendAhead', 'noSendAhead'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface HeardOptions {
  /** Measured turns per variant and round trip. */
  readonly turns: number;
  readonly rttMs: readonly number[];
  readonly docs: number;
  /** Measured turns per browser launch (each launch also has one unmeasured warm-up turn). */
  readonly block: number;
}

export interface VariantResult {
  readonly keyUpToHeard: Distribution;
  readonly keyUpToRendered: Distribution;
  /** Heard minus the turn's nominal provider time (STT finalize + LLM to first sentence + TTS). */
  readonly overNominal: Distribution;
  readonly pieces: Readonly<Record<string, Distribution>>;
  readonly engineStages: Readonly<Record<string, Distribution>>;
  readonly turnsRevisedFinal: number;
  readonly failed: number;
}

export interface HeardResult {
  readonly conditions: typeof CONDITIONS & {
    readonly docs: number;
    readonly embedder: string;
    readonly turnsPerVariant: number;
    readonly blockTurns: number;
    readonly stopMark: string;
    readonly chromium: string;
  };
  readonly loadavg: { readonly start: number[]; readonly end: number[] };
  readonly baselineDirect: Awaited<ReturnType<typeof direct>>;
  readonly byRtt: readonly {
    readonly rttMs: number;
    readonly variants: Readonly<Record<Variant, VariantResult>>;
    /** sendAhead − noSendAhead, medians and p95s of key-up → heard. */
    readonly sendAheadSavesMs: { readonly median: number; readonly p95: number };
    readonly loadavg: number[];
  }[];
}

const ms = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined ? null : b - a;

function summarise(samples: readonly TurnSample[]): VariantResult {
  const ok = samples.filter((s) => s.heardAt !== null);
  const d = (f: (s: TurnSample) => number | null): Distribution =>
    distribution(ok.map(f).filter((x): x is number => x !== null && Number.isFinite(x)));
  const stage = (k: string): Distribution => d((s) => s.timings?.[k] ?? null);
  return {
    keyUpToHeard: d((s) => ms(s.keyUpAt, s.heardAt)),
    keyUpToRendered: d((s) => ms(s.keyUpAt, s.renderedAt)),
    overNominal: d((s) => {
      const heard = ms(s.keyUpAt, s.heardAt);
      return heard === null ? null : heard - s.nominalMs;
    }),
    // Consecutive pieces of key-up → heard, as the page saw them.
    pieces: {
      'keyUp→finalTranscriptAtPage': d((s) => ms(s.keyUpAt, s.finalAt)),
      'finalTranscript→firstChunkAtPage': d((s) => ms(s.finalAt, s.firstChunkAt)),
      'firstChunkAtPage→rendered': d((s) => ms(s.firstChunkAt, s.renderedAt)),
      'rendered→heard (output latency)': d((s) => ms(s.renderedAt, s.heardAt)),
    },
    engineStages: Object.fromEntries(
      ['sttFinalize', 'phi', 'retrieval', 'llmFirstToken', 'ttsFirstByte', 'firstAudio'].map(
        (k) => [k, stage(k)],
      ),
    ),
    turnsRevisedFinal: ok.filter((s) => s.revisedFinal).length,
    failed: samples.length - ok.length,
  };
}

async function startEngines(
  rendererDir: string,
  serverUrl: string,
  gw: GatewayFixture,
  store: { dir: string; key: string },
  tmp: string,
): Promise<Record<Variant, Started>> {
  const out: Partial<Record<Variant, Started>> = {};
  for (const v of VARIANTS) {
    const profileDir = path.join(tmp, `profile-${v}-${Date.now()}`);
    await cp(store.dir, profileDir, { recursive: true });
    out[v] = await startSidecarWeb(rendererDir, {
      VOICEASSIST_DB_KEY: store.key,
      VOICEASSIST_SERVER_URL: serverUrl,
      VOICEASSIST_DEVICE_KEY: gw.deviceKey,
      VOICEASSIST_PROFILE_DIR: profileDir,
      VOICEASSIST_LOG_LEVEL: 'warn',
      ORT_DISABLE_TELEMETRY: '1',
      ...(v === 'noSendAhead' ? { VOICEASSIST_SEND_AHEAD: 'off' } : {}),
    });
  }
  return out as Record<Variant, Started>;
}

export async function benchHeard(options: HeardOptions): Promise<HeardResult> {
  const loadStart = os.loadavg().map((x) => round(x, 2));
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'va-heard-'));
  await import('node:fs/promises').then((fs) => fs.chmod(tmp, 0o755));
  const rendererDir = path.join(tmp, 'renderer');
  await build({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: rendererDir, emptyOutDir: true, sourcemap: false },
  });
  const store = await prepareStore(options.docs, (m) => console.error(m));
  const questions = pickQuestions();
  let nextQuestion = 0;
  const take = (n: number): Question[] => {
    const out: Question[] = [];
    for (let i = 0; i < n; i++) {
      const q = questions[nextQuestion++ % questions.length];
      if (q) out.push(q);
    }
    return out;
  };
  const gw = await startGateway({ spawn: true, standinsProcess: true });
  const speechDir = path.join(tmp, 'speech');
  await mkdir(speechDir, { recursive: true });
  try {
    await applyTurnFaults(gw, undefined);
    const baselineDirect = await direct(gw, 20);
    const byRtt: HeardResult['byRtt'][number][] = [];
    for (const rttMs of options.rttMs) {
      const proxy = rttMs > 0 ? await startDelayProxy(gw.url, rttMs) : undefined;
      const engines = await startEngines(rendererDir, proxy?.url ?? gw.url, gw, store, tmp);
      const samples: Record<Variant, TurnSample[]> = { sendAhead: [], noSendAhead: [] };
      const urls: Record<Variant, string> = {
        sendAhead: engines.sendAhead.match[1] ?? '',
        noSendAhead: engines.noSendAhead.match[1] ?? '',
      };
      try {
        const blocks = Math.ceil(options.turns / options.block);
        // ABBA: drift in machine load over the run falls on both variants alike.
        for (let b = 0; b < blocks; b++) {
          const order: readonly Variant[] = b % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
          for (const v of order) {
            const n = Math.min(options.block, options.turns - samples[v].length);
            if (n <= 0) continue;
            const { samples: got, nextUrl } = await runBlock({
              launchUrl: urls[v],
              questions: take(n + 1),
              dir: speechDir,
              name: `rtt${rttMs}-b${b}-${v}`,
              gw,
            });
            urls[v] = nextUrl;
            samples[v].push(...got);
            console.error(
              `heard: rtt ${rttMs} ms, ${v}: ${samples[v].length}/${options.turns} turns (load ${os.loadavg()[0]?.toFixed(2)})`,
            );
          }
        }
      } finally {
        await Promise.all(VARIANTS.map((v) => engines[v].stop()));
        await proxy?.stop();
      }
      const variants = {
        sendAhead: summarise(samples.sendAhead),
        noSendAhead: summarise(samples.noSendAhead),
      };
      byRtt.push({
        rttMs,
        variants,
        sendAheadSavesMs: {
          median: round(
            variants.noSendAhead.keyUpToHeard.median - variants.sendAhead.keyUpToHeard.median,
            1,
          ),
          p95: round(
            variants.noSendAhead.keyUpToHeard.p95 - variants.sendAhead.keyUpToHeard.p95,
            1,
          ),
        },
        loadavg: os.loadavg().map((x) => round(x, 2)),
      });
    }
    return {
      conditions: {
        ...CONDITIONS,
        docs: options.docs,
        embedder: store.embedder,
        turnsPerVariant: options.turns,
        blockTurns: options.block,
        stopMark:
          'first sample above −60 dBFS at an AudioWorklet tap in front of the AudioContext destination, mapped to performance.now() through getOutputTimestamp (includes the output latency Chromium reports); start mark: the Space keyup event in the page (capture phase)',
        chromium: '/usr/bin/chromium --headless, fake microphone from a WAV of espeak-ng speech',
      },
      loadavg: { start: loadStart, end: os.loadavg().map((x) => round(x, 2)) },
      baselineDirect,
      byRtt,
    };
  } finally {
    await gw.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

export function heardLine(r: HeardResult): string {
  const s = (x: Distribution): string =>
    `p50 ${round(x.median, 1)} / p95 ${round(x.p95, 1)} ms (n ${x.n})`;
  const lines = [
    `voice heard (Chromium → engine → server → stand-ins; ${r.conditions.docs} docs, ${r.conditions.embedder}; load ${r.loadavg.start.join('/')} → ${r.loadavg.end.join('/')}):`,
    `  baseline, stand-ins called directly: STT finalize ${s(r.baselineDirect.sttFinalize)}, LLM first token ${s(r.baselineDirect.llmFirstToken)}, TTS first byte ${s(r.baselineDirect.ttsFirstByte)}`,
  ];
  for (const x of r.byRtt) {
    for (const v of VARIANTS) {
      const y = x.variants[v];
      lines.push(
        `  rtt ${x.rttMs} ms, ${v}: key-up → heard ${s(y.keyUpToHeard)}; over nominal ${s(y.overNominal)}; failed ${y.failed}`,
        `    pieces: ${Object.entries(y.pieces)
          .map(([k, d]) => `${k} ${s(d)}`)
          .join('; ')}`,
      );
    }
    lines.push(
      `  rtt ${x.rttMs} ms: send-ahead saves p50 ${x.sendAheadSavesMs.median} ms, p95 ${x.sendAheadSavesMs.p95} ms (load ${x.loadavg.join('/')})`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string, fallback: string): string => {
    const i = process.argv.indexOf(name);
    return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
  };
  const result = await benchHeard({
    turns: Number(arg('--turns', '20')),
    rttMs: arg('--rtt-ms', '0,100').split(',').map(Number),
    docs: Number(arg('--docs', '2000')),
    block: Number(arg('--block', '5')),
  });
  console.log(heardLine(result));
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ at: new Date().toISOString(), ...result }, null, 2)}\n`,
  );
  console.log(`wrote ${path.relative(process.cwd(), RESULTS)}`);
}
