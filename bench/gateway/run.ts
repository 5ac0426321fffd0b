/**
 * Gateway overhead on loopback: time to first token/byte through the gateway minus straight to
 * the same stand-in (the baseline, measured in the same run), for LLM (SSE), STT (WebSocket) and
 * TTS (chunked audio); then 200 concurrent streaming sessions. Writes bench/results/gateway.json.
 * The gateway (the real `voiceassist-server start`) and the stand-ins run in their own processes,
 * so the measuring client does not share an event loop with what it measures.
 *   npx tsx bench/gateway/run.ts [--samples N] [--concurrency N] [--cpu-prof-dir DIR]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../apps/sync-server/src/db/embedded.js';
import { addDevice } from '../../apps/sync-server/src/devices/devices.js';
import { STANDIN_KEYS } from '../../apps/sync-server/test-support/standins/index.js';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '200' },
    /** Write a V8 CPU profile of each gateway process into this folder (node --cpu-prof). */
    'cpu-prof-dir': { type: 'string' },
  },
});
const SAMPLES = Number(values.samples);
const CONCURRENCY = Number(values.concurrency);
const PROF_DIR = values['cpu-prof-dir'] ? path.resolve(values['cpu-prof-dir']) : undefined;
const RESULTS = path.resolve(import.meta.dirname, '..', 'results', 'gateway.json');
const SERVER_DIR = path.resolve(import.meta.dirname, '..', '..', 'apps', 'sync-server');
const children: ChildProcess[] = [];
let lastPid: number | undefined;

/** Spawns a process and resolves with its stdout once `ready` matches it. */
function spawnUntil(cmd: string[], env: Record<string, string>, ready: RegExp): Promise<string> {
  const [bin = '', ...args] = cmd;
  const child = spawn(bin, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  lastPid = child.pid;
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`${cmd.join(' ')} exited ${code}`)));
  });
}

async function startStandinProcess(chunkDelayMs: number): Promise<Record<string, string>> {
  const out = await spawnUntil(
    [process.execPath, '--import', 'tsx', path.join(SERVER_DIR, 'test-support/standins/cli.ts')],
    { STANDIN_PORT_BASE: '0', STANDIN_CHUNK_DELAY_MS: String(chunkDelayMs) },
    /Ctrl-C/,
  );
  return Object.fromEntries(
    [...out.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
  );
}

async function startGatewayProcess(env: Record<string, string>, dataDir: string): Promise<string> {
  const out = await spawnUntil(
    [
      process.execPath,
      ...(PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`] : []),
      path.join(SERVER_DIR, 'bin/voiceassist-server.mjs'),
      'start',
      '--port',
      '0',
      '--data-dir',
      dataDir,
    ],
    { ...env, LOG_LEVEL: 'warn' },
    /listening on http:\/\/\S+/,
  );
  return /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? '';
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};
const r2 = (x: number) => Math.round(x * 100) / 100;
const stats = (xs: number[]) => ({ n: xs.length, p50: r2(q(xs, 0.5)), p95: r2(q(xs, 0.95)) });

/**
 * CPU seconds (user + system) a set of processes has used so far, from /proc: everything shares
 * two cores, so each concurrent phase reports who burnt the CPU (gateway, stand-ins, PostgreSQL,
 * this client) next to the latencies.
 */
function cpuTicks(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, Number(f[11] ?? 0) + Number(f[12] ?? 0)); // utime, stime (fields 14, 15)
    } catch {
      /* exited */
    }
  }
  return out;
}

/** CPU seconds used between two readings by the processes alive at both (USER_HZ = 100). */
function cpuDelta(a: Map<number, number>, b: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, t] of b) ticks += Math.max(0, t - (a.get(pid) ?? t));
  return ticks / 100;
}

/** A process and all its descendants (PostgreSQL's backends are children of the postmaster). */
function withDescendants(root: number | undefined): number[] {
  if (root === undefined) return [];
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited */
    }
  }
  const out = [root];
  for (const parent of out)
    // visits what is pushed while iterating
    for (const [pid, ppid] of parentOf) if (ppid === parent) out.push(pid);
  return out;
}

type Roles = { gateway: number[]; standins: number[]; postgres: () => number[] };

function cpuSnapshot(roles: Roles) {
  return {
    at: performance.now(),
    gateway: cpuTicks(roles.gateway),
    standins: cpuTicks(roles.standins),
    postgres: cpuTicks(roles.postgres()),
    client: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  };
}

function cpuSince(a: ReturnType<typeof cpuSnapshot>, roles: Roles) {
  const b = cpuSnapshot(roles);
  return {
    wallS: r2((b.at - a.at) / 1000),
    cpuS: {
      gateway: r2(cpuDelta(a.gateway, b.gateway)),
      standins: r2(cpuDelta(a.standins, b.standins)),
      postgres: r2(cpuDelta(a.postgres, b.postgres)),
      benchClient: r2(b.client - a.client),
    },
  };
}

/** The gateway's own `Server-Timing` (pre, limits, guard, provider) per path, for the breakdown. */
const serverTimings = new Map<string, Map<string, number[]>>();
const GATEWAY_LLM_PATH = '/v1/llm/chat';
function recordServerTiming(pathname: string, header: string | null): void {
  if (!header) return;
  let byPart = serverTimings.get(pathname);
  if (!byPart) serverTimings.set(pathname, (byPart = new Map<string, number[]>()));
  for (const m of header.matchAll(/(\w+);dur=([\d.]+)/g)) {
    const list = byPart.get(m[1] ?? '') ?? [];
    list.push(Number(m[2]));
    byPart.set(m[1] ?? '', list);
  }
}

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
  recordServerTiming(new URL(url).pathname, res.headers.get('server-timing'));
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
  if (Number.isNaN(t)) throw new Error(/"code":"(\w+)"/.exec(buf)?.[1] ?? 'no content');
  return t;
}

/** ms from opening the session (connect) to the first Results message. */
async function sttFirst(url: string, headers: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const ws = new WebSocket(url, { headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, r) => reject(new Error(`HTTP ${r.statusCode}`)));
  });
  const frame = Buffer.alloc(3200);
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

async function concurrent(n: number, run: () => Promise<number>, roles: Roles) {
  const cpu0 = cpuSnapshot(roles);
  const times: number[] = [];
  const reasons: Record<string, number> = {};
  let errors = 0;
  await Promise.all(
    Array.from({ length: n }, () =>
      run().then(
        (t) => void times.push(t),
        (e: unknown) => {
          errors++;
          const why = e instanceof Error ? e.message : String(e);
          reasons[why] = (reasons[why] ?? 0) + 1;
        },
      ),
    ),
  );
  return { sessions: n, errors, errorReasons: reasons, ...stats(times), ...cpuSince(cpu0, roles) };
}

const loadAtStart = r2(os.loadavg()[0] ?? 0);
const dir = await mkdtemp(path.join(os.tmpdir(), 'vas-bench-'));
const db = await startEmbeddedPostgres(dir, { info: () => undefined, debug: () => undefined });
try {
  const fast = await startStandinProcess(0);
  const slow = await startStandinProcess(10);
  const slowPid = lastPid;
  const run = async (standinEnv: Record<string, string>) => {
    const gwUrl = await startGatewayProcess({ ...standinEnv, DATABASE_URL: db.url }, dir);
    const gatewayPid = lastPid;
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const { key } = await addDevice(pool, `bench${children.length}`);
    await pool.end();
    const auth = { authorization: `Bearer ${key}` };
    const chat = {
      messages: [{ role: 'user', content: 'How is stage 1 hypertension treated?' }],
      stream: true,
    };
    const tts = { text: 'Take one tablet twice a day with food.' };
    const e = (k: string) => standinEnv[k] ?? '';
    return {
      gatewayPid,
      llmDirect: () =>
        firstByte(
          `${e('OPENAI_BASE_URL')}/chat/completions`,
          { authorization: `Bearer ${STANDIN_KEYS.openai}` },
          { ...chat, model: 'x' },
          true,
        ),
      llmGateway: () => firstByte(`${gwUrl}/v1/llm/chat`, auth, chat, true),
      ttsDirect: () =>
        firstByte(
          `${e('ELEVENLABS_BASE_URL')}/v1/text-to-speech/v/stream`,
          { 'xi-api-key': STANDIN_KEYS.elevenlabs },
          { ...tts, model_id: 'm' },
          false,
        ),
      ttsGateway: () => firstByte(`${gwUrl}/v1/tts/stream`, auth, tts, false),
      sttDirect: () =>
        sttFirst(`${e('DEEPGRAM_URL')}/v1/listen?encoding=linear16&sample_rate=16000`, {
          authorization: `Token ${STANDIN_KEYS.deepgram}`,
        }),
      sttGateway: () => sttFirst(`${gwUrl.replace('http', 'ws')}/v1/stt/live`, auth),
    };
  };

  const f = await run(fast);
  console.log(`sequential first-byte, ${SAMPLES} pairs each…`);
  const llm = await pairs(SAMPLES, f.llmDirect, f.llmGateway);
  const ttsR = await pairs(SAMPLES, f.ttsDirect, f.ttsGateway);
  const timingSummary = () => {
    const out = Object.fromEntries(
      [...serverTimings].map(([pathname, parts]) => [
        pathname,
        Object.fromEntries([...parts].map(([part, xs]) => [part, stats(xs)])),
      ]),
    );
    serverTimings.clear();
    return out;
  };
  const gatewayTimings = timingSummary();
  const stt = await pairs(SAMPLES, f.sttDirect, f.sttGateway);

  console.log(`${CONCURRENCY} concurrent streaming sessions (chunks every 10 ms)…`);
  const c = await run(slow);
  const roles: Roles = {
    gateway: c.gatewayPid === undefined ? [] : [c.gatewayPid],
    standins: slowPid === undefined ? [] : [slowPid],
    postgres: () => withDescendants(db.pid),
  };
  const llmDirectC = await concurrent(CONCURRENCY, c.llmDirect, roles);
  const llmGatewayC = await concurrent(CONCURRENCY, c.llmGateway, roles);
  const concurrentLlmTimings = timingSummary()[GATEWAY_LLM_PATH];
  const sttDirectC = await concurrent(CONCURRENCY, c.sttDirect, roles);
  const sttGatewayC = await concurrent(CONCURRENCY, c.sttGateway, roles);
  const result = {
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      loadavg1mAtStart: loadAtStart,
      loadavg1mAtEnd: r2(os.loadavg()[0] ?? 0),
    },
    goalMsP95: 10,
    sequential: { llmTtft: llm, ttsFirstByte: ttsR, sttFirstResult: stt },
    /** Inside the gateway before its first byte (Server-Timing), sequential runs. */
    gatewayTimings,
    concurrent: {
      llm: {
        direct: llmDirectC,
        gateway: llmGatewayC,
        /** Server-Timing of the gateway sessions: where their time to first byte went. */
        gatewayTimings: concurrentLlmTimings,
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
  for (const [pathname, parts] of Object.entries(gatewayTimings)) {
    const desc = Object.entries(parts)
      .map(([part, x]) => `${part} ${x.p50}/${x.p95}`)
      .join(', ');
    console.log(`  inside the gateway, ${pathname} (ms p50/p95): ${desc}`);
  }
  for (const [k, v] of Object.entries(result.concurrent)) {
    console.log(
      `${CONCURRENCY} x ${k}: errors direct ${v.direct.errors} gateway ${v.gateway.errors}; p95 direct ${v.direct.p95} ms gateway ${v.gateway.p95} ms; p95 overhead ${v.p95OverheadMs} ms`,
    );
    const cpu = (x: typeof v.direct) =>
      `${x.wallS} s wall, CPU s: gateway ${x.cpuS.gateway}, stand-ins ${x.cpuS.standins}, postgres ${x.cpuS.postgres}, bench client ${x.cpuS.benchClient}`;
    console.log(`    direct:  ${cpu(v.direct)}\n    gateway: ${cpu(v.gateway)}`);
    const inside = ('gatewayTimings' in v ? v.gatewayTimings : undefined) as
      Record<string, { p50: number; p95: number }> | undefined;
    if (inside) {
      const desc = Object.entries(inside)
        .map(([part, x]) => `${part} ${x.p50}/${x.p95}`)
        .join(', ');
      console.log(`    inside the gateway (ms p50/p95): ${desc}`);
    }
  }
  console.log(
    `load average (1 min): ${loadAtStart} at the start, ${r2(os.loadavg()[0] ?? 0)} at the end`,
  );
  console.log(`→ ${path.relative(process.cwd(), RESULTS)}`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((ch) =>
      ch.exitCode === null ? new Promise((r) => ch.once('exit', r)) : Promise.resolve(),
    ),
  );
  await db.stop();
  await rm(dir, { recursive: true, force: true });
}
