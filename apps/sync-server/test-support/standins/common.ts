import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Failure modes every stand-in can be told to show, changed at any time through `faults`. */
export type Faults = {
  /** Delay before the response starts (HTTP headers / WebSocket accept). */
  latencyMs?: number;
  /** Delay between streamed chunks or messages. */
  chunkDelayMs?: number;
  /**
   * HTTP streams (OpenAI, ElevenLabs): write the chunks back to back, no timer between them — a
   * provider that has its whole answer at the first byte. Without it even a zero delay costs a
   * timer tick (about 1 ms) per chunk.
   */
  burst?: boolean;
  /** Answer with this HTTP status and the provider's error body instead of a result. */
  status?: number;
  /** Apply `status` to only this many requests, then answer normally (retry/fallback tests). */
  statusTimes?: number;
  /** Accept the request and never answer. */
  hang?: boolean;
  /** Send a chunk/message that is not valid for the protocol after `malformedAfter` good ones. */
  malformedAfter?: number;
  /** Drop the connection after this many chunks/messages. */
  disconnectAfter?: number;
  /**
   * Deepgram: what the speaker says in sessions opened from now on (instead of the stand-in's
   * `transcript`), so one stand-in can hear a conversation of several turns.
   */
  transcript?: string;
};

export type Recorded = {
  path: string;
  query: Record<string, string>;
  /** Request headers, the credential reduced to its scheme (tests check it was sent). */
  headers: Record<string, string>;
  body: unknown;
  /** WebSocket stand-ins: JSON text messages received, and the count of audio bytes. */
  messages?: unknown[];
  audioBytes?: number;
};

/**
 * One answered request as the provider saw it, for benchmarks that subtract the provider's own
 * latency: when the stand-in started on it (HTTP: the request arrived; STT: `Finalize` arrived)
 * and when the first byte of the answer left, in ms on `process.hrtime`, a monotonic clock that
 * every process on the machine shares.
 */
export type Served = { startMs: number; firstByteMs: number };

export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Keeps the most recent `Served` records (a long benchmark must not grow without bound). */
export function recordServed(list: Served[], startMs: number): void {
  list.push({ startMs, firstByteMs: monotonicMs() });
  if (list.length > 1000) list.splice(0, list.length - 1000);
}

export const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export function recordHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    const s = Array.isArray(v) ? v.join(', ') : v;
    if (k === 'authorization') out[k] = s.replace(/\s.*$/, ' ***');
    else if (k === 'xi-api-key') out[k] = '***';
    else out[k] = s;
  }
  return out;
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads an HTTP request's body and records it (JSON parsed when it is JSON, else the text), as
 * every HTTP stand-in keeps a log of exactly what reached the provider.
 */
export async function recordRequest(
  req: http.IncomingMessage,
  requests: Recorded[],
): Promise<{ url: URL; body: unknown }> {
  const url = new URL(req.url ?? '/', 'http://x');
  const raw = await readBody(req);
  let body: unknown = raw;
  try {
    body = JSON.parse(raw);
  } catch {
    /* recorded as text */
  }
  requests.push({
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: recordHeaders(req.headers),
    body,
  });
  return { url, body };
}

/**
 * These stand-ins' APIs take POSTs only. A GET is what a client sends to open a connection ahead
 * of its calls (http-client's `preconnect`): answered as the providers do (404, a small JSON body,
 * the connection kept open) and counted by the caller rather than recorded in `requests`, so the
 * log stays the calls that carried content. Returns true when it answered.
 */
export function answerPreconnect(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method !== 'GET') return false;
  req.resume();
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":"not found"}');
  return true;
}

/** Consumes one use of `status` when set; returns the status to fail with, if any. */
export function takeStatus(f: Faults): number | undefined {
  if (f.status === undefined) return undefined;
  if (f.statusTimes !== undefined) {
    if (f.statusTimes <= 0) return undefined;
    f.statusTimes--;
  }
  return f.status;
}

export async function listen(server: http.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Back to normal behaviour. */
export function resetFaults(f: Faults): void {
  for (const k of Object.keys(f) as (keyof Faults)[]) f[k] = undefined;
}
