import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcClient } from '../../shared/client.js';
import { HealthMonitor } from '../health.js';
import { createHandlers } from '../rpc/handlers.js';
import { RpcServer } from '../rpc/server.js';
import { serveParentPort, type ParentPortLike } from './parent-port.js';

/**
 * Electron's utilityProcess API is not available outside Electron, so this stands in for it with
 * Node's real MessageChannel, shaped like Electron's (`{ data, ports }` events, `start()`).
 */
function electronShapedPort(port: MessagePort) {
  return {
    on(event: 'message' | 'close', listener: (e: { data: unknown }) => void) {
      if (event === 'message') port.on('message', (data: unknown) => listener({ data }));
      else port.on('close', () => listener({ data: undefined }));
    },
    postMessage: (message: unknown) => port.postMessage(message),
    start: () => port.start(),
    close: () => port.close(),
  };
}

const open: MessagePort[] = [];
afterEach(() => {
  for (const port of open.splice(0)) port.close();
});

describe('serveParentPort', () => {
  it('says ready to main, then serves RPC on each port main hands over', async () => {
    const toMain: unknown[] = [];
    let deliver:
      | ((event: { data: unknown; ports: ReturnType<typeof electronShapedPort>[] }) => void)
      | undefined;
    const parentPort: ParentPortLike = {
      on: (_event, listener) => (deliver = listener),
      postMessage: (message) => toMain.push(message),
    };
    const health = new HealthMonitor({ version: '4.5.6', serverUrl: undefined });
    serveParentPort(
      parentPort,
      new RpcServer(createHandlers({ health }), pino({ level: 'silent' })),
      pino({ level: 'silent' }),
      '4.5.6',
    );
    expect(toMain).toEqual([{ t: 'ready', version: '4.5.6', pid: process.pid }]);

    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    deliver?.({ data: { t: 'connect' }, ports: [electronShapedPort(port1)] });
    const protocolErrors: string[] = [];
    const client = new RpcClient(
      { send: (text) => port2.postMessage(text), close: () => port2.close() },
      { onProtocolError: (reason) => protocolErrors.push(reason) },
    );
    port2.on('message', (data: unknown) => client.receive(data));

    expect(await client.call('ping', { text: 'over the port' })).toEqual({
      ok: true,
      value: { text: 'over the port' },
    });
    const result = await client.call('health', {});
    expect(result.ok && result.value.version).toBe('4.5.6');
    port2.postMessage('{"t":"req"');
    port2.postMessage({ not: 'text' });
    expect(await client.call('ping', { text: 'still up' })).toEqual({
      ok: true,
      value: { text: 'still up' },
    });
    expect(protocolErrors).toEqual(['RPC_MALFORMED without seq', 'RPC_MALFORMED without seq']);
  });
});
