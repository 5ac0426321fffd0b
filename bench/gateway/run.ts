/**
 * Gateway overhead on loopback: time to first token/byte through the gateway minus straight to
 * the same stand-in (the baseline, measured in the same run), for LLM (SSE), STT (WebSocket) and
 * TTS (chunked audio); then 200 concurrent streaming sessions. Writes bench/results/gateway.json.
 *   npx tsx bench/gateway/run.ts [--samples N] [--concurrency N]
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { pino } from 'pino';
import { buildApp } from '../../apps/sync-server/src/app.js';
import { loadConfig } from '../../apps/sync-server/src/config.js';
import { startEmbeddedPostgres } from '../../apps/sync-server/src/db/embedded.js';
import { addDevice } from '../../apps/sync-server/src/devices/devices.js';
import type {} from '../../apps/sync-server/src/plugins/external/db.js'; // app.db's type
import { startStandins, STANDIN_KEYS } from '../../apps/sync-server/test-support/standins/index.js';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '200' },
  },
});
const SAMPLES = Number(values.samples);
const CONCURRENCY = Number(values.concurrency);
const RESULTS = path.resolve(import.meta.dirname, '..', 'results', 'gateway.json');

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};
const r2 = (x: number) => Math.round(x * 100) / 100;
const stats = (xs: number[]) => ({ n: xs.length, p50: r2(q(xs, 0.5)), p95: r2(q(xs, 0.95)) });

/** ms until the first SSE chunk carrying content (or the first audio byte). */
async function firstByte(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  sse: boolean,
): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let buf = '';
  let t = NaN;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (Number.isNaN(t)) {
      if (!sse) t = performance.now() - t0;
      else {
        buf += dec.decode(value, { stream: true });
        if (/"content":"[^"]/.test(buf)) t = performance.now() - t0;
      }
    }
  }
  if (Number.isNaN(t)) throw new Error('no content');
  return t;
}

/** ms from the first audio frame to the first Results message. */
async function sttFirst(url: string, headers: Record<string, string>): Promise<number> {
  const ws = new WebSocket(url, { headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, r) => reject(new Error(`HTTP ${r.statusCode}`)));
  });
  const frame = Buffer.alloc(3200);
  const t0 = performance.now();
  const got = new Promise<number>((resolve, reject) => {
    ws.on('message', (d: Buffer) => {
      if (String(d).includes('"Results"')) resolve(performance.now() - t0);
      if (String(d).includes('"Error"')) reject(new Error(String(d)));
    });
    ws.once('close', () => reject(new Error('closed')));
  });
  for (let i = 0; i < 3; i++) ws.send(frame); // 300 ms of audio: the stand-in answers after 250
  const t = await got;
  ws.close();
  return t;
}

async function pairs(n: number, direct: () => Promise<number>, gateway: () => Promise<number>) {
  const d: number[] = [];
  const g: number[] = [];
  for (let i = 0; i < 5; i++) {
    await direct();
    await gateway();
  } // warm-up: connections, JIT, caches
  for (let i = 0; i < n; i++) {
    d.push(await direct());
    g.push(await gateway());
  }
  const diffs = g.map((x, i) => x - (d[i] ?? 0));
  return { direct: stats(d), gateway: stats(g), overheadMs: stats(diffs) };
}

async function concurrent(n: number, run: () => Promise<number>) {
  const times: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: n }, () =>
      run().then(
        (t) => void times.push(t),
        () => {
          errors++;
        },
      ),
    ),
  );
  return { sessions: n, errors, ...stats(times) };
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'vas-bench-'));
const log = pino({ level: 'silent' });
const pg = await startEmbeddedPostgres(dir, { info: () => undefined, debug: () => undefined });
const standins = await startStandins();
const app = await buildApp(
  {
    ...loadConfig({ ...standins.env, LOG_LEVEL: 'silent', VOICEASSIST_DATA_DIR: dir }),
    databaseUrl: pg.url,
  },
  { logger: log },
);
try {
  const gwUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const { key } = await addDevice(app.db, 'bench');
  const auth = { authorization: `Bearer ${key}` };
  const chat = {
    messages: [{ role: 'user', content: 'How is stage 1 hypertension treated?' }],
    stream: true,
  };
  const tts = { text: 'Take one tablet twice a day with food.' };

  const llmDirect = () =>
    firstByte(
      `${standins.openai.url}/chat/completions`,
      { authorization: `Bearer ${STANDIN_KEYS.openai}` },
      { ...chat, model: 'x' },
      true,
    );
  const llmGateway = () => firstByte(`${gwUrl}/v1/llm/chat`, auth, chat, true);
  const ttsDirect = () =>
    firstByte(
      `${standins.elevenlabs.url}/v1/text-to-speech/v/stream`,
      { 'xi-api-key': STANDIN_KEYS.elevenlabs },
      { ...tts, model_id: 'm' },
      false,
    );
  const ttsGateway = () => firstByte(`${gwUrl}/v1/tts/stream`, auth, tts, false);
  const sttDirect = () =>
    sttFirst(`${standins.deepgram.url}/v1/listen?encoding=linear16&sample_rate=16000`, {
      authorization: `Token ${STANDIN_KEYS.deepgram}`,
    });
  const sttGateway = () => sttFirst(`${gwUrl.replace('http', 'ws')}/v1/stt/live`, auth);

  console.log(`sequential first-byte, ${SAMPLES} pairs each…`);
  const llm = await pairs(SAMPLES, llmDirect, llmGateway);
  const ttsR = await pairs(SAMPLES, ttsDirect, ttsGateway);
  const stt = await pairs(SAMPLES, sttDirect, sttGateway);

  console.log(`${CONCURRENCY} concurrent streaming sessions (chunks every 10 ms)…`);
  standins.openai.faults.chunkDelayMs = 10;
  standins.elevenlabs.faults.chunkDelayMs = 10;
  const llmDirectC = await concurrent(CONCURRENCY, llmDirect);
  const llmGatewayC = await concurrent(CONCURRENCY, llmGateway);
  const sttDirectC = await concurrent(CONCURRENCY, sttDirect);
  const sttGatewayC = await concurrent(CONCURRENCY, sttGateway);

  const result = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    goalMsP95: 10,
    sequential: { llmTtft: llm, ttsFirstByte: ttsR, sttFirstResult: stt },
    concurrent: {
      llm: {
        direct: llmDirectC,
        gateway: llmGatewayC,
        p95OverheadMs: r2(llmGatewayC.p95 - llmDirectC.p95),
      },
      stt: {
        direct: sttDirectC,
        gateway: sttGatewayC,
        p95OverheadMs: r2(sttGatewayC.p95 - sttDirectC.p95),
      },
    },
  };
  await mkdir(path.dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, JSON.stringify(result, null, 2) + '\n');
  const line = (name: string, x: typeof llm) =>
    console.log(
      `${name.padEnd(16)} direct p50 ${x.direct.p50} ms  gateway p50 ${x.gateway.p50} ms  overhead p50 ${x.overheadMs.p50} ms p95 ${x.overheadMs.p95} ms  (ratio p50 ${r2(x.gateway.p50 / x.direct.p50)})`,
    );
  line('LLM TTFT', llm);
  line('TTS first byte', ttsR);
  line('STT first result', stt);
  for (const [k, v] of Object.entries(result.concurrent)) {
    console.log(
      `${CONCURRENCY} x ${k}: errors direct ${v.direct.errors} gateway ${v.gateway.errors}; p95 direct ${v.direct.p95} ms gateway ${v.gateway.p95} ms; p95 overhead ${v.p95OverheadMs} ms`,
    );
  }
  console.log(`→ ${path.relative(process.cwd(), RESULTS)}`);
} finally {
  await app.close();
  await standins.close();
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
}
