import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { preconnect, requestFetch } from './index.js';

/** A real HTTP server with one route per behaviour the adapter must reproduce. */
let server: http.Server;
let base: string;
const seen: { method?: string; headers?: http.IncomingHttpHeaders; body?: string }[] = [];
/** Lets the streaming route send its second chunk when the test says so. */
let release: (() => void) | undefined;
/** TCP connections the server accepted. */
let connections = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const route = new URL(req.url ?? '/', 'http://x').pathname;
      if (route === '/json') {
        res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
        res.end(JSON.stringify({ ok: true }));
      } else if (route === '/empty') {
        res.writeHead(204);
        res.end();
      } else if (route === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: one\n\n');
        release = () => res.end('data: two\n\n');
      } else if (route === '/broken') {
        res.writeHead(200, { 'content-type': 'audio/L16' });
        res.write(Buffer.alloc(64));
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (route === '/gzip') {
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end('not really gzip');
      } else if (route === '/hang') {
        // never answers
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no such route');
      }
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('requestFetch', () => {
  const f = requestFetch({ keepAliveMs: 1_000 });

  it('sends method, headers and body, and returns status, headers and body like fetch', async () => {
    const res = await f(`${base}/json`, {
      method: 'post',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: JSON.stringify({ q: 'x' }),
    });
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(await res.json()).toEqual({ ok: true });
    const req = seen.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.headers?.authorization).toBe('Bearer k');
    expect(req?.headers?.['accept-encoding']).toBe('identity');
    expect(req?.body).toBe('{"q":"x"}');
  });

  it('accepts URL inputs and binary bodies, and reports error statuses as responses', async () => {
    const res = await f(new URL(`${base}/nowhere`), {
      method: 'PUT',
      body: new Uint8Array([104, 105]),
    });
    expect(res.status).toBe(404);
    expect(res.ok).toBe(false);
    expect(await res.text()).toBe('no such route');
    expect(seen.at(-1)?.body).toBe('hi');
  });

  it('gives null-body statuses a null body', async () => {
    const res = await f(`${base}/empty`);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it('streams: the first chunk is readable before the response has ended', async () => {
    const res = await f(`${base}/stream`, { method: 'POST', body: '{}' });
    const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: one\n\n');
    release?.();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe('data: two\n\n');
  });

  it('rejects a read when the connection breaks mid-body (no silent truncation)', async () => {
    const res = await f(`${base}/broken`);
    const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })(),
    ).rejects.toBeDefined();
  });

  it('rejects with the signal reason when aborted before or while waiting for a response', async () => {
    const before = new AbortController();
    const reason = new Error('stop');
    before.abort(reason);
    await expect(f(`${base}/json`, { signal: before.signal })).rejects.toBe(reason);
    const during = new AbortController();
    const pending = f(`${base}/hang`, { signal: during.signal });
    setTimeout(() => during.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
  });

  it('cancelling the body stream releases the request', async () => {
    const res = await f(`${base}/stream`);
    const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    // the connection went back or was closed: a next request still works
    expect((await f(`${base}/empty`)).status).toBe(204);
  });

  it('fails like fetch when nothing listens, and refuses compressed responses', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(f(`http://127.0.0.1:${port}/`)).rejects.toThrow(TypeError);
    await expect(f(`${base}/gzip`)).rejects.toThrow(/gzip-encoded/);
  });

  it('hands what it cannot represent (Request objects, form data) to the fallback', async () => {
    const fallback = vi.fn<typeof fetch>(() => Promise.resolve(new Response('from fallback')));
    const g = requestFetch({ fallback });
    const form = new FormData();
    form.set('a', 'b');
    expect(await (await g(`${base}/json`, { method: 'POST', body: form })).text()).toBe(
      'from fallback',
    );
    expect(await (await g(new Request(`${base}/json`))).text()).toBe('from fallback');
    expect(fallback).toHaveBeenCalledTimes(2);
  });
});

describe('preconnect', () => {
  it('opens the connections later requests reuse: concurrent requests open none of their own', async () => {
    const f = requestFetch({ keepAliveMs: 5_000 });
    const before = connections;
    expect(await preconnect(f, `${base}/anything`, 2)).toBe(2); // a 404 answer is fine
    expect(seen.at(-1)?.method).toBe('GET');
    expect(connections - before).toBe(2);
    // Two requests in flight at once (a streamed answer and a second call): both find a connection.
    const streaming = await f(`${base}/stream`);
    const other = await f(`${base}/json`, { method: 'POST', body: '{}' });
    expect(await other.json()).toEqual({ ok: true });
    release?.();
    expect(await streaming.text()).toContain('two');
    expect(connections - before).toBe(2);
    // Warming again with idle connections in the pool reuses them (once the stream's connection is
    // back in the pool: undici returns it on the tick after the body's end).
    await new Promise((resolve) => setImmediate(resolve));
    await preconnect(f, `${base}/anything`, 2);
    expect(connections - before).toBe(2);
  });

  it('never rejects: a server that is not there counts as no answer', async () => {
    const f = requestFetch();
    expect(await preconnect(f, 'http://127.0.0.1:9/', 2)).toBe(0);
  });

  it('gives HEAD responses a null body, as fetch does', async () => {
    const res = await requestFetch()(`${base}/json`, { method: 'HEAD' });
    expect(res.status).toBe(201);
    expect(res.body).toBeNull();
  });
});
