import { describe, expect, expectTypeOf, it } from 'vitest';
import { RpcClient } from './client.js';
import type { Health } from './contract.js';
import { encodeEvent, encodeResponse } from './protocol.js';
import type { Result } from './result.js';

/** A channel whose replies the test writes by hand, to check the client's own validation. */
function scripted() {
  const sent: { seq: number; method: string }[] = [];
  const problems: string[] = [];
  const client = new RpcClient(
    {
      send: (text) => sent.push(JSON.parse(text) as { seq: number; method: string }),
      close: () => undefined,
    },
    { onProtocolError: (reason) => problems.push(reason) },
  );
  return { client, sent, problems };
}

describe('RpcClient', () => {
  it('infers inputs and outputs from the contract', () => {
    const { client } = scripted();
    // Checked by tsc only (never called, so no call is left pending): inferred types, and calls
    // outside the contract do not compile.
    const typeOnly = (): void => {
      expectTypeOf(client.call('health', {})).toEqualTypeOf<Promise<Result<Health>>>();
      expectTypeOf(client.call('ping', { text: 'a' })).toEqualTypeOf<
        Promise<Result<{ text: string }>>
      >();
      // @ts-expect-error: unknown method
      void client.call('no-such-call', {});
      // @ts-expect-error: wrong input type
      void client.call('ping', { text: 1 });
    };
    expect(typeof typeOnly).toBe('function');
  });

  it('pairs replies by seq and rejects a reply that breaks the contract', async () => {
    const { client, sent } = scripted();
    const a = client.call('ping', { text: 'a' });
    const b = client.call('ping', { text: 'b' });
    const [first, second] = sent;
    client.receive(encodeResponse(second!.seq, { ok: true, value: { text: 'b' } }));
    client.receive(encodeResponse(first!.seq, { ok: true, value: { text: 42 } }));
    expect(await b).toEqual({ ok: true, value: { text: 'b' } });
    expect(await a).toMatchObject({ ok: false, error: { code: 'RPC_INVALID_OUTPUT' } });
  });

  it('delivers valid events and reports invalid frames instead of throwing', () => {
    const { client, problems } = scripted();
    const seen: string[] = [];
    const off = client.on('health.changed', (health) => seen.push(health.server.status));
    const health: Health = {
      version: '1',
      uptimeSeconds: 1,
      store: { status: 'not-configured', detail: '' },
      models: { status: 'not-configured', detail: '' },
      server: { url: null, status: 'not-configured', detail: '' },
    };
    client.receive(encodeEvent('health.changed', health));
    client.receive(encodeEvent('health.changed', { ...health, server: { status: 'on fire' } }));
    client.receive(encodeEvent('no.such.event', {}));
    client.receive('{not json');
    client.receive(
      encodeResponse(null, { ok: false, error: { code: 'RPC_MALFORMED', message: 'x' } }),
    );
    off();
    client.receive(encodeEvent('health.changed', health));
    expect(seen).toEqual(['not-configured']);
    expect(problems).toHaveLength(4);
    expect(problems[3]).toBe('RPC_MALFORMED without seq');
  });
});
