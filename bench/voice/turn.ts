/**
 * Voice-turn latency: key release → first TTS audio chunk handed to the renderer boundary (the
 * RPC event, JSON-encoded as the transport sends it), over ≥ 50 turns through the REAL sync
 * server (embedded PostgreSQL) and the provider stand-ins, each in its own process, set to the
 * issue's latencies: STT finalize 150 ms, LLM first token 350 ms, TTS first byte 150 ms.
 * Baselines in the same run: the same three stand-ins called directly (no gateway, no pipeline),
 * and, alternating with the shipped turns, turns with nothing prepared ahead of the final
 * transcript and turns in which the gateway waits for the engine (no chat sent ahead of the final
 * transcript). Own overhead = total − provider latencies: nominal (650 ms), as each stand-in measured
 * its own share of this turn, and the direct baseline's median. Also: barge-in cancel → pipeline
 * stopped. With `--rtt-ms N` the engine reaches the server through a proxy that adds an N ms
 * network round trip (delay-proxy.mjs; the server → provider legs stay on loopback). Writes
 * bench/results/voice-turn.json (voice-turn-rtt-N.json with a round trip);
 * `npx tsx bench/voice/turn.ts [--turns N] [--rtt-ms N]`.
 */
import { fork } from 'node:child_process';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { encodeEvent } from '../../apps/desktop/src/shared/protocol.js';
import { runRecordedTurn } from '../../apps/desktop/src/sidecar/assistant/recorded-turn.js';
import { openEngineFixture } from '../../apps/desktop/test-support/voice/engine-fixture.js';
import { JFK_WAV, startGateway, type GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import { wavToEngineAudio } from '../../apps/desktop/src/sidecar/voice/analyze.js';
import { floatToInt16 } from '../../apps/desktop/src/sidecar/voice/wav.js';
import { distribution, now, round, type Distribution } from './stats.js';

process.env.ORT_DISABLE_TELEMETRY ??= '1';

const RESULTS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'results',
  'voice-turn.json',
);

export const PROVIDER_MS = { sttFinalize: 150, llmFirstToken: 350, ttsFirstByte: 150 } as const;
const NOMINAL_PROVIDERS_MS =
  PROVIDER_MS.sttFinalize + PROVIDER_MS.llmFirstToken + PROVIDER_MS.ttsFirstByte;
/** How many measured turns count as "first turns" in `ownOverheadByPhase`. */
const FIRST_TURNS = 10;
const GOALS = { ownOverheadP95Ms: 30, totalP50Ms: 680 } as const;
const REPLY =
  'High blood pressure is a common condition in which blood flows through the arteries at higher than normal pressures [1]. It often has no symptoms [2].';
/** Two words: the STT stand-in reveals one per 0.25 s of audio, so 0.55 s of speech is enough. */
const TRANSCRIPT = 'blood pressure';
const AUDIO_SECONDS = 0.55;
/** After the audio, before the key-up: the stand-in's interim results (150 ms apart) are out. */
const HOLD_MS = 450;

const diff = (a: number | undefined, b: number | undefined): number =>
  a === undefined || b === undefined ? NaN : b - a;

export interface TurnBenchResult {
  readonly turns: number;
  /** Round trip added between the engine and the server (0: plain loopback). */
  readonly rttMs: number;
  /** With a round trip: new connections from the engine to the server per turn, mean by variant. */
  readonly connectionsPerTurn?: Readonly<Record<string, number>>;
  readonly providerLatencyMs: typeof PROVIDER_MS;
  readonly keyUpToFirstAudio: Distribution;
  readonly stages: Readonly<Record<string, Distribution>>;
  /**
   * Key-up → first audio cut into consecutive pieces that add up to it: each provider stage minus
   * the stand-in's configured latency, and the time between stages.
   */
  readonly criticalPath: Readonly<Record<string, Distribution>>;
  readonly ownOverheadNominal: Distribution;
  /**
   * The same, split into the first FIRST_TURNS measured turns (after the warm-up turns; the
   * baseline turns alternate with them) and the rest: the first turns of a session are the
   * slowest (most likely V8 still compiling hot paths on the same two cores; not profiled).
   */
  readonly ownOverheadByPhase: { readonly firstTurns: Distribution; readonly later: Distribution };
  /** Share of turns whose answer was prepared before the final transcript arrived. */
  readonly preparedBeforeFinal: number;
  /** The same turns with nothing prepared ahead (final transcript → PHI, retrieval, prompt). */
  readonly sequential: {
    readonly keyUpToFirstAudio: Distribution;
    readonly sttFinalToLlmSent: Distribution;
  };
  /**
   * The same turns with the gateway waiting for the engine: the chat sent once the final
   * transcript is at the engine (not ahead). Key-up → first audio, and the overhead split at the engine's first LLM
   * token: key-up → first token − 500 ms (STT and LLM legs), first token → first TTS byte −
   * 150 ms (TTS leg); `shipped` is the same split of the shipped turns.
   */
  readonly gatewayWaits: {
    readonly keyUpToFirstAudio: Distribution;
    readonly sttLlmOverhead: Distribution;
    readonly ttsOverhead: Distribution;
    readonly shipped: { readonly sttLlmOverhead: Distribution; readonly ttsOverhead: Distribution };
  };
  readonly baselineDirect: {
    readonly sttFinalize: Distribution;
    readonly llmFirstToken: Distribution;
    readonly ttsFirstByte: Distribution;
    readonly sum: Distribution;
  };
  readonly ownOverheadVsDirect: Distribution;
  /**
   * What the stand-ins themselves took per call (request or Finalize in → first byte out, on the
   * monotonic clock the processes share), and key-up → first audio minus those three, turn by
   * turn: "total minus provider latencies" with each provider's latency as the provider saw it.
   */
  readonly providerSide: Readonly<Record<'stt' | 'llm' | 'tts', Distribution>>;
  readonly ownOverheadProviderSide: Distribution;
  /**
   * Garbage collection in the engine's process (this one) between key-up and first audio, turn by
   * turn: a pause there delays the turn when the engine had work in it (not while it only waited
   * for a provider). Own overhead of the turns with and without one, to show how much it matters.
   */
  readonly engineGc: {
    readonly turnsWithPause: number;
    readonly ownOverheadWithPause: Distribution;
    readonly ownOverheadWithout: Distribution;
  };
  /** Every measured turn, in order: own overhead vs nominal and engine GC pause time in it (ms). */
  readonly perTurn: readonly { readonly ownOverhead: number; readonly engineGcMs: number }[];
  readonly cancel: { readonly cancelToStopped: Distribution; readonly eventsAfterCancel: number };
  readonly goals: typeof GOALS & { readonly ownOverheadMet: boolean; readonly totalMet: boolean };
}

export async function direct(
  gw: GatewayFixture,
  n: number,
): Promise<TurnBenchResult['baselineDirect']> {
  const llm: number[] = [];
  const tts: number[] = [];
  const stt: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = now();
    const r = await fetch(`${gw.openai.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-standin', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'm',
        stream: true,
        messages: [{ role: 'user', content: 'q' }],
      }),
    });
    const reader = r.body?.getReader();
    await reader?.read();
    llm.push(now() - t);
    await reader?.cancel();
    t = now();
    const e = await fetch(
      `${gw.elevenlabs.url}/v1/text-to-speech/v/stream?output_format=pcm_24000`,
      {
        method: 'POST',
        headers: { 'xi-api-key': 'el-standin', 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'High blood pressure is common.' }),
      },
    );
    const er = e.body?.getReader();
    await er?.read();
    tts.push(now() - t);
    await er?.cancel();
    stt.push(await directFinalize(gw.deepgram.url));
  }
  const sum = llm.map((x, i) => x + (tts[i] ?? 0) + (stt[i] ?? 0));
  return {
    sttFinalize: distribution(stt),
    llmFirstToken: distribution(llm),
    ttsFirstByte: distribution(tts),
    sum: distribution(sum),
  };
}

/** Deepgram stand-in directly: audio, wait for the interims, Finalize → final result. */
async function directFinalize(url: string): Promise<number> {
  const ws = new WebSocket(`${url}/v1/listen?encoding=linear16&sample_rate=16000`, {
    headers: { authorization: 'Token dg-standin' },
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(Buffer.alloc(Math.round(AUDIO_SECONDS * 32_000)));
  await new Promise((r) => setTimeout(r, HOLD_MS));
  const t = now();
  const done = new Promise<number>((resolve) => {
    ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString('utf8')) as { from_finalize?: boolean };
      if (m.from_finalize) resolve(now() - t);
    });
  });
  ws.send(JSON.stringify({ type: 'Finalize' }));
  const ms = await done;
  ws.terminate();
  return ms;
}

/** delay-proxy.mjs in its own process, in front of `target`; resolves with its URL. */
export async function startDelayProxy(
  target: string,
  rttMs: number,
): Promise<{ url: string; connections: () => number; stop(): Promise<void> }> {
  const child = fork(
    path.join(import.meta.dirname, 'delay-proxy.mjs'),
    ['--target', target, '--rtt-ms', String(rttMs)],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  let connections = 0;
  child.on('message', (m: { connection?: boolean }) => {
    if (m.connection) connections++;
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /proxy listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`delay proxy exited (${String(code)})`)));
  });
  return {
    url,
    connections: () => connections,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function benchTurn(turns = 60, rttMs = 0): Promise<TurnBenchResult> {
  // The server and the provider stand-ins each in their own process, as in production: the
  // engine's work (e.g. preparing the answer while STT finalizes) must not delay a "provider".
  const gw = await startGateway({
    transcript: TRANSCRIPT,
    reply: REPLY,
    spawn: true,
    standinsProcess: true,
  });
  const proxy = rttMs > 0 ? await startDelayProxy(gw.url, rttMs) : undefined;
  const fx = await openEngineFixture(proxy ? { ...gw, url: proxy.url } : gw, { frontEnd: true });
  // The renderer boundary: every event is JSON-encoded exactly as the transport sends it.
  const wire: string[] = [];
  const service = fx.engine.service;
  try {
    gw.deepgram.faults.chunkDelayMs = PROVIDER_MS.sttFinalize; // the final result trails by 150 ms
    gw.openai.faults.latencyMs = PROVIDER_MS.llmFirstToken;
    gw.elevenlabs.faults.latencyMs = PROVIDER_MS.ttsFirstByte;
    // The answer follows its first token at once: what the simulated providers are given is
    // latency to the first token/byte, not a token rate (a real LLM's rate adds its generation
    // time up to the first cited sentence, the provider's own latency).
    gw.openai.faults.burst = true;
    gw.elevenlabs.faults.burst = true;
    await gw.syncFaults();
    const baselineDirect = await direct(gw, 20);
    const audio = floatToInt16(wavToEngineAudio(readFileSync(JFK_WAV))).subarray(
      0,
      Math.round(AUDIO_SECONDS * 16_000),
    );
    const samples: Record<string, number[]> = {};
    const push = (k: string, v: number | null | undefined): void => {
      if (v !== null && v !== undefined && !Number.isNaN(v)) (samples[k] ??= []).push(v);
    };
    const warmup = 4;
    /** Each measured turn's own overhead and its key-up → first audio on performance.now(). */
    const windows: { own: number; from: number; to: number }[] = [];
    const gcPauses: { start: number; end: number }[] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        gcPauses.push({ start: e.startTime, end: e.startTime + e.duration });
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    // The shipped pipeline (the answer prepared on the interim transcript while STT finalizes and
    // sent ahead) and two baselines in the same run, turn by turn: everything after the final
    // transcript, and the answer prepared ahead but the gateway waiting for the engine (chat sent
    // after the final transcript).
    for (let i = 0; i < 3 * turns + warmup; i++) {
      const variant = (['shipped', 'sequential', 'gatewayWaits'] as const)[i % 3];
      service.runner.prepareWhileFinalizing = variant !== 'sequential';
      service.runner.sendChatAhead = variant === 'shipped';
      const connectionsBefore = proxy?.connections() ?? 0;
      const turn = await runRecordedTurn(service, audio, { holdAfterMs: HOLD_MS });
      for (const e of fx.events.splice(0)) wire.push(encodeEvent(e.name, e.payload));
      wire.length = 0;
      // This turn's calls as the stand-ins saw them: STT finalize, the chat, the first sentence.
      const served = await gw.takeServed();
      if (turn.status !== 'complete' || turn.generator !== 'llm:gateway')
        throw new Error(
          `turn ${i} did not complete on the LLM path: ${JSON.stringify(turn.errors)}`,
        );
      if (i < warmup) continue;
      if (proxy) push(`connections:${variant}`, proxy.connections() - connectionsBefore);
      const m = service.currentTurn?.marks;
      const t = turn.timings;
      if (variant === 'sequential') {
        push('sequential:firstAudio', t.firstAudio);
        push('sequential:phi+retrieval+prompt', m && diff(m.sttFinal, m.llmSent));
        continue;
      }
      if (variant === 'gatewayWaits') {
        push('gatewayWaits:firstAudio', t.firstAudio);
        const providers = PROVIDER_MS.sttFinalize + PROVIDER_MS.llmFirstToken;
        push('gatewayWaits:stt+llm-overhead', m && diff(m.keyUp, m.llmFirst) - providers);
        push(
          'gatewayWaits:tts-overhead',
          m && diff(m.llmFirst, m.ttsFirst) - PROVIDER_MS.ttsFirstByte,
        );
        continue;
      }
      if (m) {
        // The critical path from key-up to first audio, end to end: these sum to firstAudio.
        push('path:stt-overhead', diff(m.keyUp, m.sttFinal) - PROVIDER_MS.sttFinalize);
        push('path:sttFinal→llmSent', diff(m.sttFinal, m.llmSent));
        push('path:llm-overhead', diff(m.llmSent, m.llmFirst) - PROVIDER_MS.llmFirstToken);
        push('path:llmFirst→ttsSent', diff(m.llmFirst, m.ttsSent));
        push('path:tts-overhead', diff(m.ttsSent, m.ttsFirst) - PROVIDER_MS.ttsFirstByte);
        push('path:ttsFirst→firstAudio', diff(m.ttsFirst, m.firstAudio));
        const providers = PROVIDER_MS.sttFinalize + PROVIDER_MS.llmFirstToken;
        push('shipped:stt+llm-overhead', diff(m.keyUp, m.llmFirst) - providers);
        push('shipped:tts-overhead', diff(m.llmFirst, m.ttsFirst) - PROVIDER_MS.ttsFirstByte);
        push('preparedBeforeFinal', (m.promptEnd ?? Infinity) <= (m.sttFinal ?? 0) ? 1 : 0);
      }
      for (const [k, v] of Object.entries(t)) push(k, v);
      if (t.firstAudio !== null) push('ownOverheadNominal', t.firstAudio - NOMINAL_PROVIDERS_MS);
      if (t.firstAudio !== null && m?.keyUp !== undefined && m.firstAudio !== undefined)
        windows.push({ own: t.firstAudio - NOMINAL_PROVIDERS_MS, from: m.keyUp, to: m.firstAudio });
      const took = (x: { startMs: number; firstByteMs: number } | undefined): number =>
        x ? x.firstByteMs - x.startMs : NaN;
      const providerSide = {
        stt: took(served.deepgram[0]),
        llm: took(served.openai[0]),
        tts: took(served.elevenlabs[0]),
      };
      for (const [k, v] of Object.entries(providerSide)) push(`providerSide:${k}`, v);
      if (t.firstAudio !== null)
        push(
          'ownOverheadProviderSide',
          t.firstAudio - providerSide.stt - providerSide.llm - providerSide.tts,
        );
    }
    // Barge-in: cancel while the answer streams; time until the pipeline has stopped.
    gw.openai.faults.burst = false;
    gw.elevenlabs.faults.burst = false;
    gw.openai.faults.chunkDelayMs = 40;
    gw.elevenlabs.faults.chunkDelayMs = 40;
    await gw.syncFaults();
    const cancelMs: number[] = [];
    let eventsAfterCancel = 0;
    for (let i = 0; i < 10; i++) {
      const ref = service['assistant.ask']({ text: 'What is high blood pressure?', speak: true });
      const turn = service.currentTurn;
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (fx.events.some((e) => e.name === 'voice.audio.chunk')) {
            clearInterval(timer);
            resolve();
          }
        }, 2);
      });
      const t = now();
      service['voice.cancel']({ turnId: ref.turnId, reason: 'user' });
      const mark = fx.mark();
      await turn?.done;
      cancelMs.push(now() - t);
      await new Promise((r) => setTimeout(r, 200));
      eventsAfterCancel += fx.events.filter(
        (e) =>
          e.order > mark && ['voice.answer', 'voice.audio.chunk', 'voice.speak'].includes(e.name),
      ).length;
      fx.events.length = 0;
    }
    // GC entries arrive asynchronously: matched to the turns once all of them are in.
    await new Promise((r) => setTimeout(r, 50));
    gcObserver.disconnect();
    const perTurn = windows.map(({ own, from, to }) => ({
      ownOverhead: round(own, 2),
      engineGcMs: round(
        gcPauses
          .filter((g) => g.end > from && g.start < to)
          .reduce((sum, g) => sum + Math.min(g.end, to) - Math.max(g.start, from), 0),
        2,
      ),
    }));
    const d = (k: string): Distribution => distribution(samples[k] ?? []);
    const firstAudio = d('firstAudio');
    const own = d('ownOverheadNominal');
    const ownSamples = samples.ownOverheadNominal ?? [];
    const ownVsDirect = distribution(
      (samples.firstAudio ?? []).map((x) => x - baselineDirect.sum.median),
    );
    return {
      turns,
      rttMs,
      ...(proxy
        ? {
            connectionsPerTurn: Object.fromEntries(
              ['shipped', 'sequential', 'gatewayWaits'].map((v) => [v, d(`connections:${v}`).mean]),
            ),
          }
        : {}),
      providerLatencyMs: PROVIDER_MS,
      keyUpToFirstAudio: firstAudio,
      stages: Object.fromEntries(
        [
          'sttFinalize',
          'phi',
          'retrieval',
          'llmFirstToken',
          'ttsFirstByte',
          'firstAudio',
          'total',
        ].map((k) => [k, d(k)]),
      ),
      criticalPath: Object.fromEntries(
        Object.keys(samples)
          .filter((k) => k.startsWith('path:'))
          .map((k) => [k.slice(5), d(k)]),
      ),
      ownOverheadNominal: own,
      ownOverheadByPhase: {
        firstTurns: distribution(ownSamples.slice(0, FIRST_TURNS)),
        later: distribution(ownSamples.slice(FIRST_TURNS)),
      },
      preparedBeforeFinal: d('preparedBeforeFinal').mean,
      sequential: {
        keyUpToFirstAudio: d('sequential:firstAudio'),
        sttFinalToLlmSent: d('sequential:phi+retrieval+prompt'),
      },
      gatewayWaits: {
        keyUpToFirstAudio: d('gatewayWaits:firstAudio'),
        sttLlmOverhead: d('gatewayWaits:stt+llm-overhead'),
        ttsOverhead: d('gatewayWaits:tts-overhead'),
        shipped: {
          sttLlmOverhead: d('shipped:stt+llm-overhead'),
          ttsOverhead: d('shipped:tts-overhead'),
        },
      },
      baselineDirect,
      ownOverheadVsDirect: ownVsDirect,
      providerSide: {
        stt: d('providerSide:stt'),
        llm: d('providerSide:llm'),
        tts: d('providerSide:tts'),
      },
      ownOverheadProviderSide: d('ownOverheadProviderSide'),
      engineGc: {
        turnsWithPause: perTurn.filter((x) => x.engineGcMs > 0).length,
        ownOverheadWithPause: distribution(
          perTurn.filter((x) => x.engineGcMs > 0).map((x) => x.ownOverhead),
        ),
        ownOverheadWithout: distribution(
          perTurn.filter((x) => x.engineGcMs === 0).map((x) => x.ownOverhead),
        ),
      },
      perTurn,
      cancel: { cancelToStopped: distribution(cancelMs), eventsAfterCancel },
      goals: {
        ...GOALS,
        ownOverheadMet: own.p95 <= GOALS.ownOverheadP95Ms,
        totalMet: firstAudio.median <= GOALS.totalP50Ms,
      },
    };
  } finally {
    await fx.close();
    await proxy?.stop();
    await gw.close();
  }
}

export function turnLine(r: TurnBenchResult): string {
  const s = (x: Distribution): string => `p50 ${round(x.median, 1)} / p95 ${round(x.p95, 1)} ms`;
  return [
    `voice turn (${r.turns} turns; ${r.rttMs > 0 ? `engine ↔ server round trip +${r.rttMs} ms; ` : ''}stand-ins STT finalize ${r.providerLatencyMs.sttFinalize}, LLM first token ${r.providerLatencyMs.llmFirstToken}, TTS first byte ${r.providerLatencyMs.ttsFirstByte} ms):`,
    `  key-up → first audio at the renderer boundary: ${s(r.keyUpToFirstAudio)} (goal p50 ≤ ${r.goals.totalP50Ms}: ${r.goals.totalMet ? 'met' : 'NOT met'})`,
    `  own overhead (total − 650 ms nominal): ${s(r.ownOverheadNominal)} (goal p95 ≤ ${r.goals.ownOverheadP95Ms}: ${r.goals.ownOverheadMet ? 'met' : 'NOT met'}); vs direct stand-in baseline (${round(r.baselineDirect.sum.median, 1)} ms): ${s(r.ownOverheadVsDirect)}`,
    `  own overhead vs nominal, first ${FIRST_TURNS} measured turns of the session: ${s(r.ownOverheadByPhase.firstTurns)}; the ${r.ownOverheadByPhase.later.n} after them: ${s(r.ownOverheadByPhase.later)}`,
    `  turns with a garbage collection in the engine between key-up and first audio: ${r.engineGc.turnsWithPause} of ${r.perTurn.length}; own overhead with one ${s(r.engineGc.ownOverheadWithPause)}, without ${s(r.engineGc.ownOverheadWithout)}`,
    `  own overhead (total − what the stand-ins took, measured at the stand-ins: STT ${s(r.providerSide.stt)}, LLM ${s(r.providerSide.llm)}, TTS ${s(r.providerSide.tts)}): ${s(r.ownOverheadProviderSide)}`,
    `  stages: ${Object.entries(r.stages)
      .map(([k, v]) => `${k} ${s(v)}`)
      .join('; ')}`,
    `  critical path (sums to the total): ${Object.entries(r.criticalPath)
      .map(([k, v]) => `${k} ${s(v)}`)
      .join('; ')}`,
    `  answer prepared on the interim transcript before the final one arrived: ${round(r.preparedBeforeFinal * 100, 0)} % of turns`,
    `  baseline in the same run, nothing prepared ahead: key-up → first audio ${s(r.sequential.keyUpToFirstAudio)}; final transcript → LLM request ${s(r.sequential.sttFinalToLlmSent)}`,
    `  baseline in the same run, the gateway waiting for the engine (chat not sent ahead): key-up → first audio ${s(r.gatewayWaits.keyUpToFirstAudio)}; STT+LLM legs' overhead ${s(r.gatewayWaits.sttLlmOverhead)} (shipped ${s(r.gatewayWaits.shipped.sttLlmOverhead)}); TTS leg's ${s(r.gatewayWaits.ttsOverhead)} (shipped ${s(r.gatewayWaits.shipped.ttsOverhead)})`,
    ...(r.connectionsPerTurn
      ? [
          `  new engine → server connections per turn (mean): ${Object.entries(r.connectionsPerTurn)
            .map(([k, v]) => `${k} ${round(v, 2)}`)
            .join(', ')}`,
        ]
      : []),
    `  barge-in cancel → pipeline stopped: ${s(r.cancel.cancelToStopped)}; content events after cancel: ${r.cancel.eventsAfterCancel}`,
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--turns');
  const turns = i > 0 ? Number(process.argv[i + 1]) : 60;
  const r = process.argv.indexOf('--rtt-ms');
  const rttMs = r > 0 ? Number(process.argv[r + 1]) : 0;
  const result = await benchTurn(turns, rttMs);
  console.log(turnLine(result));
  const file = rttMs > 0 ? RESULTS.replace(/\.json$/, `-rtt-${rttMs}.json`) : RESULTS;
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), ...result }, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
