/**
 * A `fetch` for the hot HTTP hops (sidecar → gateway, gateway → providers), built on
 * `undici.request` instead of the WHATWG `fetch` that Node builds on the same library.
 *
 * Why: a loopback round trip after an idle pause costs ~3 ms through Node's `fetch` and ~1.4 ms
 * through `node:http` on our 2-core build machine, and a voice turn makes four HTTP hops to its
 * first audio (LLM and TTS, each sidecar → gateway → provider). Measured effect: the gateway
 * bench's LLM first-token p95 and its CPU under 200 streams went down, p50s moved within noise
 * (apps/sync-server/README.md). The SDKs we relay through (openai, @elevenlabs) and the sidecar's
 * egress guard all take a `fetch`, so this keeps their code and error handling as is.
 *
 * What differs from `fetch`, on purpose:
 * - redirects are not followed (provider and gateway APIs do not redirect; a 3xx is returned);
 * - `accept-encoding: identity` is sent and compressed responses are refused, since nothing
 *   here decompresses (SSE and PCM are not worth compressing on the way back anyway);
 * - idle connections are kept for `keepAliveMs` (60 s; the server's own Keep-Alive hint wins when
 *   shorter) instead of `fetch`'s 4 s, so a turn within a minute of the last one does not pay a
 *   new TCP and TLS handshake to the gateway.
 * Requests it cannot represent (a `Request` object, FormData, Blob or stream bodies) go to the
 * global `fetch` unchanged, so callers never need to know which path ran.
 * Errors follow `fetch`: an aborted signal rejects with its reason, anything else with
 * `TypeError('fetch failed', { cause })`.
 */
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';

export interface RequestFetchOptions {
  /** How long an idle connection is kept for reuse (default 60 s). */
  readonly keepAliveMs?: number;
  /** For tests: the dispatcher to use instead of a new keep-alive Agent. */
  readonly dispatcher?: Dispatcher;
  /** Where requests this adapter cannot represent go (default: the global fetch). */
  readonly fallback?: typeof fetch;
}

/** Statuses whose responses have no body (Fetch standard, "null body status"). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

function plainBody(body: RequestInit['body']): string | Uint8Array | null | undefined {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body))
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return undefined; // FormData, Blob, URLSearchParams, streams: the global fetch handles these
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

export function requestFetch(options: RequestFetchOptions = {}): typeof fetch {
  const dispatcher =
    options.dispatcher ??
    new Agent({ keepAliveTimeout: options.keepAliveMs ?? 60_000, keepAliveMaxTimeout: 600_000 });
  const fallback = options.fallback ?? globalThis.fetch.bind(globalThis);
  return async (input, init = {}) => {
    const body = plainBody(init.body);
    if (typeof input !== 'string' && !(input instanceof URL)) return fallback(input, init);
    if (body === undefined) return fallback(input, init);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw abortReason(signal);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    headers['accept-encoding'] = 'identity';
    const method = (init.method ?? 'GET').toUpperCase();
    let res: Dispatcher.ResponseData;
    try {
      res = await request(input, {
        method,
        headers,
        body,
        dispatcher,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      throw new TypeError('fetch failed', { cause: err });
    }
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
    }
    const encoding = responseHeaders.get('content-encoding');
    if (encoding !== null && encoding !== 'identity') {
      res.body.on('error', () => undefined).destroy();
      throw new TypeError(
        `fetch failed: the server sent a ${encoding}-encoded response to accept-encoding: identity.`,
      );
    }
    const meta = { status: res.statusCode, headers: responseHeaders };
    if (NULL_BODY_STATUS.has(res.statusCode) || method === 'HEAD') {
      res.body.resume();
      return new Response(null, meta);
    }
    return new Response(Readable.toWeb(res.body) as ReadableStream<Uint8Array>, meta);
  };
}

/**
 * Opens `count` kept-alive connections to `url`'s origin before the requests that will need them,
 * so those requests skip the TCP and TLS handshakes (one to two network round trips each). Node
 * and undici only connect for a request, so this sends `count` concurrent GET requests to `url`
 * and reads their (small) answers to the end, whatever the status: the connection is what is
 * wanted, and a connection is only returned to the pool once its response was read. Not HEAD:
 * undici closes the connection after a HEAD response. A connection already idle in the pool is
 * reused rather than a new one opened. Best effort: resolves with how many requests were
 * answered, never rejects.
 */
export async function preconnect(
  fetchFn: typeof fetch,
  url: string,
  count = 1,
  timeoutMs = 5_000,
): Promise<number> {
  const signal = AbortSignal.timeout(timeoutMs);
  const answered = await Promise.allSettled(
    Array.from({ length: count }, async () => {
      const res = await fetchFn(url, { signal });
      await res.arrayBuffer();
    }),
  );
  return answered.filter((r) => r.status === 'fulfilled').length;
}
