import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_MESSAGE_BYTES, encodeRequest } from '../shared/protocol.js';
import { READY_LINE_PATTERN, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '../shared/web-mode.js';
import { isAlive, startSidecarWeb, type Started } from '../../test-support/processes.js';

/** The real web-mode process, as `npm start` runs it: ready line, static files, tokens, RPC. */
let dir: string;
let sidecar: Started;
let base: string;
let token: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'va-sidecar-'));
  await mkdir(path.join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(path.join(dir, 'renderer', 'assets', 'a.js'), 'export {}');
  await writeFile(path.join(dir, 'secret.txt'), 'secret');
  sidecar = await startSidecarWeb(path.join(dir, 'renderer'));
  const url = new URL(sidecar.match[1]!);
  base = url.origin;
  token = new URLSearchParams(url.hash.slice(1)).get('token')!;
});

afterAll(async () => {
  await sidecar.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Socket {
  ws: WebSocket;
  next(): Promise<unknown>;
}

function connect(withToken: string, origin = base): Promise<Socket> {
  const ws = new WebSocket(
    `${base.replace('http', 'ws')}/rpc`,
    [WS_PROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${withToken}`],
    {
      origin,
    },
  );
  const queue: unknown[] = [];
  const waiters: ((v: unknown) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const value: unknown = JSON.parse(data.toString('utf8'));
    const waiter = waiters.shift();
    if (waiter) waiter(value);
    else queue.push(value);
  });
  const next = (): Promise<unknown> =>
    queue.length > 0
      ? Promise.resolve(queue.shift())
      : new Promise((resolve) => waiters.push(resolve));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, next }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('sidecar web mode (real process)', () => {
  it('prints exactly the documented ready line', () => {
    expect(sidecar.match[0]).toMatch(READY_LINE_PATTERN);
  });

  it('serves the renderer with the strict CSP and refuses traversal', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect((await fetch(`${base}/assets/a.js`)).headers.get('content-type')).toContain(
      'javascript',
    );
    for (const p of [
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/nope.js',
    ])
      expect((await fetch(`${base}${p}`)).status, p).toBe(404);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a wrong token, a foreign origin, and a reused launch token', async () => {
    await expect(connect('wrong-token')).rejects.toThrow('HTTP 401');
    await expect(connect(token, 'http://evil.example')).rejects.toThrow('HTTP 403');
    const first = await connect(token);
    const session = (await first.next()) as { t: string; token: string };
    expect(session.t).toBe('session');
    await expect(connect(token)).rejects.toThrow('HTTP 401');
    first.ws.close();
    // The session token reconnects (a page reload), exactly once.
    const again = await connect(session.token);
    expect(await again.next()).toMatchObject({ t: 'session' });
    again.ws.close();
    await expect(connect(session.token)).rejects.toThrow('HTTP 401');
  });

  it('answers malformed and oversized messages with coded errors and stays up', async () => {
    // Its own engine and launch token, so this test does not depend on the others' order.
    const fresh = await startSidecarWeb(path.join(dir, 'renderer'));
    try {
      const url = new URL(fresh.match[1]!);
      const ws = new WebSocket(`ws://${url.host}/rpc`, [
        WS_PROTOCOL,
        `${WS_TOKEN_PROTOCOL_PREFIX}${new URLSearchParams(url.hash.slice(1)).get('token')!}`,
      ]);
      const replies: unknown[] = [];
      ws.on('message', (d: Buffer) => replies.push(JSON.parse(d.toString('utf8'))));
      await new Promise((r) => ws.once('open', r));
      ws.send('this is not json');
      ws.send(encodeRequest(1, 'ping', { text: 'y'.repeat(MAX_MESSAGE_BYTES + 10) }));
      ws.send(encodeRequest(2, 'no-such-method', {}));
      ws.send(encodeRequest(3, 'health', { refresh: 'yes' }));
      ws.send(encodeRequest(4, 'health', {}));
      await expect.poll(() => replies.length, { timeout: 10_000 }).toBe(6);
      const [, malformed, tooLarge, unknown, invalid, health] = replies;
      expect(malformed).toMatchObject({
        seq: null,
        result: { ok: false, error: { code: 'RPC_MALFORMED' } },
      });
      expect(tooLarge).toMatchObject({
        seq: null,
        result: { ok: false, error: { code: 'RPC_TOO_LARGE' } },
      });
      expect(unknown).toMatchObject({
        seq: 2,
        result: { ok: false, error: { code: 'RPC_UNKNOWN_METHOD' } },
      });
      expect(invalid).toMatchObject({
        seq: 3,
        result: { ok: false, error: { code: 'RPC_INVALID_INPUT' } },
      });
      expect(health).toMatchObject({
        seq: 4,
        result: { ok: true, value: { store: { status: 'not-configured' } } },
      });
      ws.close();
      expect(isAlive(fresh.child.pid!)).toBe(true);
    } finally {
      await fresh.stop();
    }
    expect(fresh.child.exitCode).toBe(0); // SIGTERM is a clean shutdown
  });
});
