import type pg from 'pg';
import { WebSocket } from 'ws';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { addDevice } from '../src/devices/devices.js';
import { startStandins, type Standins } from './standins/index.js';
import { quietLogger, testConfig, type TestPostgres } from './helper.js';

export type GatewayFixture = {
  app: FastifyInstance;
  url: string;
  standins: Standins;
  databaseUrl: string;
  /** A fresh device key for a new user (in `clinic`, default 'default'). */
  device: (clinic?: string) => Promise<{ id: string; userId: string; key: string }>;
  sql: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;
  close: () => Promise<void>;
};

let users = 0;

/**
 * A listening gateway on a fresh database (or `databaseUrl`'s: a second server process of the
 * same deployment), its providers pointed at fresh stand-ins (or `standins`).
 */
export async function startGateway(
  pgServer: TestPostgres,
  opts: {
    env?: Record<string, string>;
    standins?: Standins;
    databaseUrl?: string;
    logger?: FastifyBaseLogger;
  } = {},
): Promise<GatewayFixture> {
  const standins = opts.standins ?? (await startStandins());
  const databaseUrl = opts.databaseUrl ?? (await pgServer.createDatabase());
  const app = await buildApp(
    testConfig(databaseUrl, {
      ...standins.env,
      PROVIDER_TIMEOUT_MS: '1000',
      CIRCUIT_FAILURE_THRESHOLD: '100',
      ...opts.env,
    }),
    { logger: opts.logger ?? quietLogger() },
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    standins,
    databaseUrl,
    device: (clinic) => addDevice(app.db, `user${++users}_${Date.now()}`, clinic),
    sql: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
      (await app.db.query<R>(text, values)).rows,
    close: async () => {
      await app.close();
      if (!opts.standins) await standins.close();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export async function postJson(
  url: string,
  key: string | undefined,
  body: unknown,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? bearer(key) : {}) },
    body: JSON.stringify(body),
  });
}

/** Parses an SSE body into its `data:` payloads. */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .map((e) => e.trim())
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice('data: '.length));
}

export type WsClient = {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  waitFor: (pred: (m: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>;
};

/**
 * Opens the STT WebSocket (for `turn`, when given); rejects with the HTTP status if the upgrade is
 * refused.
 */
export async function openStt(
  url: string,
  key: string | undefined,
  turn?: string,
): Promise<WsClient> {
  const query = turn === undefined ? '' : `?turn=${turn}`;
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/stt/live${query}`, {
    headers: key ? bearer(key) : {},
  });
  const messages: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  ws.on('message', (d: Buffer) => {
    messages.push(JSON.parse(d.toString('utf8')) as Record<string, unknown>);
    for (const l of listeners) l();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const waitFor = (pred: (m: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const m = messages.find(pred);
        if (m) {
          listeners.delete(check);
          resolve(m);
        }
      };
      listeners.add(check);
      void closed.then(() => {
        check();
        if (listeners.has(check))
          reject(new Error(`closed before the message arrived: ${JSON.stringify(messages)}`));
      });
      check();
    });
  return { ws, messages, closed, waitFor };
}

/** 100 ms of 16 kHz 16-bit silence. */
export const FRAME = Buffer.alloc(3200);

/** Polls until `fn` returns a truthy value (metering is written just after the response ends). */
export async function eventually<T>(fn: () => Promise<T>, tries = 100): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    last = await fn();
    if (last && (!Array.isArray(last) || last.length > 0)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  return last as T;
}
