import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import { pino } from 'pino';
import { AFTER_TRANSCRIPT_HEADER } from '@voiceassist/contract';
import { TestPostgres } from '../../../test-support/helper.js';
import {
  bearer,
  openStt,
  postJson,
  startGateway,
  type GatewayFixture,
} from '../../../test-support/gateway.js';

let pgServer: TestPostgres;
let gw: GatewayFixture;
const logs: { level: number; msg: string; stack?: unknown; err?: unknown }[] = [];
beforeAll(async () => {
  pgServer = await TestPostgres.start();
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void logs.push(JSON.parse(line) as (typeof logs)[number]) },
  );
  gw = await startGateway(pgServer, { logger });
});
afterAll(async () => {
  await gw.close();
  await pgServer.stop();
});

const chat = { messages: [{ role: 'user', content: 'How is stage 1 hypertension treated?' }] };
type ErrorBody = { error: { code: string; message: string } };

/** A raw HTTP exchange, for what fetch will not send (huge headers, broken bodies). */
function raw(
  url: string,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method: opts.method,
        path: opts.path,
        headers: opts.headers,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('every refusal is coded, in one shape', () => {
  it('a wrong method → 405 METHOD_NOT_ALLOWED with the allow header; an unknown path → 404', async () => {
    const { key } = await gw.device();
    for (const [method, path, allow] of [
      ['GET', '/v1/llm/chat', 'POST'],
      ['DELETE', '/v1/calls/abc', 'GET'],
      ['POST', '/health', 'GET'],
      ['PUT', '/v1/tts/stream', 'POST'],
    ] as const) {
      const res = await fetch(`${gw.url}${path}`, { method, headers: bearer(key) });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toContain(allow);
      expect(((await res.json()) as ErrorBody).error.code).toBe('METHOD_NOT_ALLOWED');
    }
    const res = await fetch(`${gw.url}/v1/nothing-here`, { headers: bearer(key) });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe('NOT_FOUND');
  });

  it('a NUL in the path → 400 BAD_REQUEST (not a 500 from the database)', async () => {
    const { key } = await gw.device();
    for (const path of ['/v1/calls/%00', '/v1/calls/a%00b', '/v1/usage%00']) {
      const res = await fetch(`${gw.url}${path}`, { headers: bearer(key) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code).toBe('BAD_REQUEST');
    }
  });

  it('headers over the limit → 431 HEADERS_TOO_LARGE in our shape (not Node’s own body)', async () => {
    const res = await raw(gw.url, {
      method: 'GET',
      path: '/health',
      headers: { 'x-padding': 'a'.repeat(40_000) },
    });
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toContain('application/json');
    expect((JSON.parse(res.body) as ErrorBody).error.code).toBe('HEADERS_TOO_LARGE');
  });

  it('a body over 1 MiB → 413, a non-JSON body → 415, broken JSON → 400 that never echoes the body', async () => {
    const { key } = await gw.device();
    const big = await postJson(`${gw.url}/v1/llm/chat`, key, {
      messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }],
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as ErrorBody).error.code).toBe('PAYLOAD_TOO_LARGE');
    const text = await fetch(`${gw.url}/v1/llm/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', ...bearer(key) },
      body: '<messages/>',
    });
    expect(text.status).toBe(415);
    expect(((await text.json()) as ErrorBody).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const broken = await fetch(`${gw.url}/v1/llm/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(key) },
      body: '{"messages": Quimby 4471829',
    });
    expect(broken.status).toBe(400);
    const body = (await broken.json()) as ErrorBody;
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.message).not.toContain('4471829');
  });

  it('authentication comes before the body is read or validated (chat and TTS)', async () => {
    for (const path of ['/v1/llm/chat', '/v1/tts/stream']) {
      const res = await postJson(`${gw.url}${path}`, undefined, { not: 'valid' });
      expect(res.status).toBe(401);
      expect(((await res.json()) as ErrorBody).error.code).toBe('AUTH_REQUIRED');
      const bad = await postJson(`${gw.url}${path}`, 'vak_unknown', 'x'.repeat(1_100_000));
      expect(bad.status).toBe(401);
    }
  });

  it('a malformed after-transcript header → 400, nothing forwarded', async () => {
    const { key } = await gw.device();
    const before = gw.standins.openai.requests.length;
    const res = await fetch(`${gw.url}/v1/llm/chat`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...bearer(key),
        [AFTER_TRANSCRIPT_HEADER]: 'turn=not-a-turn',
      },
      body: JSON.stringify(chat),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toContain(AFTER_TRANSCRIPT_HEADER);
    expect(gw.standins.openai.requests.length).toBe(before);
  });

  it('client faults are logged at warn with their code and no stack; a WebSocket protocol error too', async () => {
    const { key } = await gw.device();
    const from = logs.length;
    await postJson(`${gw.url}/v1/llm/chat`, key, { messages: 'hi' });
    await fetch(`${gw.url}/v1/llm/chat`, { headers: bearer(key) });
    const c = await openStt(gw.url, key);
    c.ws.send(Buffer.from([0xff, 0xfe, 0xfd]), { binary: false }); // not UTF-8: a protocol error
    const closed = await c.closed;
    expect(closed.code).toBe(1007);
    await new Promise((r) => setTimeout(r, 100));
    const lines = logs.slice(from);
    const refused = lines.filter((l) => /refused|protocol/.test(l.msg));
    expect(refused.map((l) => l.msg)).toEqual([
      'request refused',
      'request refused',
      'websocket protocol error',
    ]);
    expect(refused.every((l) => l.level === 40)).toBe(true);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toMatch(/"stack"|at .*\.js:\d+/);
  });
});
