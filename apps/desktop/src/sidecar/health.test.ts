import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkServer, HealthMonitor } from './health.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A real HTTP server standing in for the sync server's /ready. */
async function readyServer(status: () => number): Promise<string> {
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/ready' ? status() : 404).end('{}');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nobody listens on: bind, note the port, close. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

describe('checkServer', () => {
  it('reports ready, not-ready, unreachable and not-configured honestly', async () => {
    const url = await readyServer(() => 200);
    expect(await checkServer(url)).toMatchObject({ url, status: 'ready' });
    expect(await checkServer(`${url}/`)).toMatchObject({ status: 'ready' });
    const starting = await readyServer(() => 503);
    const notReady = await checkServer(starting);
    expect(notReady.status).toBe('not-ready');
    expect(notReady.detail).toContain('HTTP 503');
    expect(await checkServer(await deadUrl())).toMatchObject({ status: 'unreachable' });
    expect(await checkServer(undefined)).toMatchObject({ status: 'not-configured', url: null });
    expect(await checkServer('not a url')).toMatchObject({ status: 'not-configured' });
  });
});

describe('HealthMonitor', () => {
  it('reports a change of server status once, not every poll', async () => {
    let status = 503;
    const url = await readyServer(() => status);
    const monitor = new HealthMonitor({ version: '1', serverUrl: url });
    const seen: string[] = [];
    const changed = new Promise<void>((resolve) => {
      monitor.start((health) => {
        seen.push(health.server.status);
        if (health.server.status === 'ready') resolve();
        else status = 200;
      }, 20);
    });
    await changed;
    monitor.stop();
    expect(seen).toEqual(['not-ready', 'ready']);
    expect((await monitor.snapshot()).store.status).toBe('not-configured');
  });
});
