/**
 * The cross-app harness: the REAL sync server (buildApp, embedded PostgreSQL in a temp folder)
 * with its gateway pointed at the provider stand-ins (apps/sync-server/test-support/standins),
 * and a device key for it, for the engine's tests and benches. It imports the server statically
 * with its real types; the desktop app itself never imports the server (lint enforces it) and
 * talks to it over HTTP only.
 */
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '@voiceassist/sync-server/src/app.js';
import { loadConfig } from '@voiceassist/sync-server/src/config.js';
import { startEmbeddedPostgres } from '@voiceassist/sync-server/src/db/embedded.js';
import { addDevice } from '@voiceassist/sync-server/src/devices/devices.js';
import type {} from '@voiceassist/sync-server/src/plugins/external/db.js'; // app.db's type
import type { DeepgramStandin } from '@voiceassist/sync-server/test-support/standins/deepgram.js';
import {
  STANDIN_KEYS,
  startDeepgramStandin,
  startElevenLabsStandin,
  startOpenAiStandin,
  type Faults,
  type Served,
} from '@voiceassist/sync-server/test-support/standins/index.js';
import type { OpenAiStandinOptions } from '@voiceassist/sync-server/test-support/standins/openai.js';
import { pino } from 'pino';

export type {
  Faults,
  Recorded,
  Served,
} from '@voiceassist/sync-server/test-support/standins/index.js';
export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const SERVER = path.join(REPO_ROOT, 'apps', 'sync-server');
/** The desktop's committed speech fixture (apps/desktop/test-support/data), read by path. */
const SPEECH = path.join(REPO_ROOT, 'apps', 'desktop', 'test-support', 'data', 'speech');
export const JFK_WAV = path.join(SPEECH, 'jfk.wav');
/** What the STT stand-in hears by default: the reference transcript of jfk.wav. */
export const JFK_TRANSCRIPT = readFileSync(
  path.join(SPEECH, 'parakeet-expected-jfk-output.txt'),
  'utf8',
).trim();

/**
 * What the harness guarantees of every stand-in: in this process they are the server's stand-in
 * objects themselves; in a process of their own (`standinsProcess`) faults are forwarded to them.
 */
export type Standin = Pick<DeepgramStandin, 'url' | 'faults' | 'requests' | 'served' | 'close'>;
export type OpenAiStandin = Standin & { options: Pick<OpenAiStandinOptions, 'reply'> };
/** Provider-side latencies recorded since the last `takeServed` call, per stand-in. */
export type ServedByStandin = Record<'openai' | 'deepgram' | 'elevenlabs', Served[]>;

async function startPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'va-turn-pg-'));
  const quiet = { info: () => undefined, debug: () => undefined };
  const handle = await startEmbeddedPostgres(dir, quiet);
  return {
    url: handle.url,
    stop: async () => {
      await handle.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface GatewayFixture {
  readonly url: string;
  readonly deviceKey: string;
  readonly openai: OpenAiStandin;
  readonly deepgram: Standin;
  readonly elevenlabs: Standin;
  /** Everything any stand-in received, as one string (canary checks). */
  allRecorded(): string;
  /** Resolves once every fault set so far is in effect (stand-ins in their own process). */
  syncFaults(): Promise<void>;
  /**
   * What each stand-in answered since the last call, as the provider saw it (see `Served`), and
   * forgets it: benchmarks subtract the providers' own latency turn by turn.
   */
  takeServed(): Promise<ServedByStandin>;
  sql<R>(text: string, values?: unknown[]): Promise<R[]>;
  /**
   * When the server accepted each TCP connection so far, on this process's `performance.now()`
   * (the engine's clock for turn marks). In-process server only.
   */
  connectionsOpenedAt(): readonly number[];
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** What the STT stand-in "hears" (one word revealed per 0.25 s of audio). */
  readonly transcript?: string;
  /** The LLM stand-in's reply. */
  readonly reply?: string;
  /** Extra server environment (e.g. drop a provider by setting its variables to ''). */
  readonly env?: Record<string, string>;
  /** Leave these providers unconfigured on the server. */
  readonly without?: readonly ('llm' | 'stt' | 'tts')[];
  /**
   * Run the server as its own process (`voiceassist-server start`, device key from `device add`)
   * instead of in this one: benchmarks then do not share the engine's event loop with the server.
   * `sql` is unavailable in this mode.
   */
  readonly spawn?: boolean;
  /**
   * Run the provider stand-ins in a process of their own, as real providers are: the engine's
   * work then cannot delay them. Faults are forwarded to it (call `syncFaults` before relying on
   * them); requests are not recorded in this mode.
   */
  readonly standinsProcess?: boolean;
}

const STANDINS_PROCESS = path.join(import.meta.dirname, 'standins-process.mjs');

interface RemoteStandins {
  keys: typeof STANDIN_KEYS;
  openai: OpenAiStandin;
  deepgram: Standin;
  elevenlabs: Standin;
  sync(): Promise<void>;
  takeServed(): Promise<ServedByStandin>;
}

/** The three stand-ins in a child process; `faults` assignments are forwarded over IPC. */
async function spawnStandins(options: GatewayOptions): Promise<RemoteStandins> {
  const child = fork(STANDINS_PROCESS, [], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      VOICEASSIST_STANDINS: JSON.stringify({
        transcript: options.transcript ?? JFK_TRANSCRIPT,
        reply: options.reply,
      }),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ keys: RemoteStandins['keys']; urls: Record<string, string> }>(
    (resolve, reject) => {
      child.once('message', (m) => resolve(m as never));
      child.once('exit', (code) => reject(new Error(`stand-ins exited (${String(code)})`)));
    },
  );
  let nextId = 0;
  const acks = new Map<number, (served?: ServedByStandin) => void>();
  child.on('message', (m: { ack?: number; served?: ServedByStandin }) => {
    if (m.ack !== undefined) acks.get(m.ack)?.(m.served);
  });
  const request = (message: object): Promise<ServedByStandin | undefined> => {
    const id = nextId++;
    return new Promise((resolve) => {
      acks.set(id, (served) => {
        acks.delete(id);
        resolve(served);
      });
      child.send({ id, ...message });
    });
  };
  const post = async (name: string, faults: Record<string, unknown> | null): Promise<void> => {
    await request({ name, faults });
  };
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.disconnect();
    }));
  const remote = (name: string): Standin => {
    const faults = new Proxy<Faults>(
      {},
      {
        set: (target, key, value: unknown) => {
          Reflect.set(target, key, value);
          void post(name, { [String(key)]: value ?? null });
          return true;
        },
      },
    );
    return { url: ready.urls[name] ?? '', faults, requests: [], served: [], close };
  };
  return {
    keys: ready.keys,
    openai: { ...remote('openai'), options: { reply: options.reply } },
    deepgram: remote('deepgram'),
    elevenlabs: remote('elevenlabs'),
    sync: () => post('', null),
    takeServed: async () =>
      (await request({ takeServed: true })) ?? { openai: [], deepgram: [], elevenlabs: [] },
  };
}

const BIN = path.join(SERVER, 'bin', 'voiceassist-server.mjs');

async function spawnServer(
  env: Record<string, string>,
): Promise<{ url: string; key: string; stop: () => Promise<void> }> {
  const childEnv = { ...process.env, ...env };
  const key = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, 'device', 'add', '--user', `clinician_${Date.now()}`],
      { env: childEnv },
      (err, stdout) => {
        if (err) reject(new Error(`device add failed: ${err.message}`));
        else resolve(stdout.trim().split('\n').at(-1) ?? '');
      },
    );
  });
  const child: ChildProcess = spawn(process.execPath, [BIN, 'start', '--port', '0'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${String(code)})`)));
  });
  return {
    url,
    key,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A listening gateway with its own embedded PostgreSQL and fresh stand-ins. */
export async function startGateway(options: GatewayOptions = {}): Promise<GatewayFixture> {
  let keys: typeof STANDIN_KEYS;
  let openai: OpenAiStandin;
  let deepgram: Standin;
  let elevenlabs: Standin;
  let syncFaults = (): Promise<void> => Promise.resolve();
  let takeServed = (): Promise<ServedByStandin> =>
    Promise.resolve({
      openai: openai.served.splice(0),
      deepgram: deepgram.served.splice(0),
      elevenlabs: elevenlabs.served.splice(0),
    });
  if (options.standinsProcess) {
    const remote = await spawnStandins(options);
    ({ keys, openai, deepgram, elevenlabs } = remote);
    syncFaults = () => remote.sync();
    takeServed = () => remote.takeServed();
  } else {
    keys = STANDIN_KEYS;
    [openai, deepgram, elevenlabs] = await Promise.all([
      startOpenAiStandin({
        apiKey: keys.openai,
        ...(options.reply ? { reply: options.reply } : {}),
      }),
      startDeepgramStandin({
        apiKey: keys.deepgram,
        transcript: options.transcript ?? JFK_TRANSCRIPT,
      }),
      startElevenLabsStandin({ apiKey: keys.elevenlabs }),
    ]);
  }
  const without = new Set(options.without ?? []);
  const env: Record<string, string> = {
    LOG_LEVEL: 'silent',
    VOICEASSIST_DATA_DIR: os.tmpdir(),
    PROVIDER_TIMEOUT_MS: '1500',
    CIRCUIT_FAILURE_THRESHOLD: '100',
    ...(without.has('llm')
      ? {}
      : {
          OPENAI_BASE_URL: openai.url,
          OPENAI_API_KEY: keys.openai,
          OPENAI_MODEL: 'gpt-standin',
        }),
    ...(without.has('stt') ? {} : { DEEPGRAM_URL: deepgram.url, DEEPGRAM_API_KEY: keys.deepgram }),
    ...(without.has('tts')
      ? {}
      : {
          ELEVENLABS_BASE_URL: elevenlabs.url,
          ELEVENLABS_API_KEY: keys.elevenlabs,
          ELEVENLABS_VOICE_ID: 'standinVoice01',
        }),
    ...options.env,
  };
  if (options.spawn) {
    const pg = await startPostgres();
    const server = await spawnServer({ ...env, DATABASE_URL: pg.url });
    return {
      url: server.url,
      deviceKey: server.key,
      openai,
      deepgram,
      elevenlabs,
      allRecorded: () => JSON.stringify([openai.requests, deepgram.requests, elevenlabs.requests]),
      syncFaults,
      takeServed,
      sql: () => Promise.reject(new Error('sql() needs the in-process server')),
      connectionsOpenedAt: () => {
        throw new Error('connectionsOpenedAt() needs the in-process server');
      },
      close: async () => {
        await server.stop();
        await Promise.all([openai.close(), deepgram.close(), elevenlabs.close()]);
        await pg.stop();
      },
    };
  }
  const pg = await startPostgres();
  const app = await buildApp(
    { ...loadConfig(env), databaseUrl: pg.url },
    { logger: pino({ level: 'silent' }) },
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const opened: number[] = [];
  app.server.on('connection', () => opened.push(performance.now()));
  const { key } = await addDevice(app.db, `clinician_${Date.now()}`);
  return {
    url,
    deviceKey: key,
    openai,
    deepgram,
    elevenlabs,
    allRecorded: () => JSON.stringify([openai.requests, deepgram.requests, elevenlabs.requests]),
    syncFaults,
    takeServed,
    sql: async <R>(text: string, values?: unknown[]) =>
      (await app.db.query(text, values)).rows as R[],
    connectionsOpenedAt: () => opened,
    close: async () => {
      await app.close();
      await Promise.all([openai.close(), deepgram.close(), elevenlabs.close()]);
      await pg.stop();
    },
  };
}
