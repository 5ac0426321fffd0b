import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { encodeAudioFrame, type AudioFrame } from '../../shared/audio-frame.js';
import { RpcClient } from '../../shared/client.js';
import { CodedError } from '../../shared/errors.js';
import { encodeRequest, MAX_MESSAGE_BYTES } from '../../shared/protocol.js';
import { HealthMonitor } from '../health.js';
import { createHandlers } from './handlers.js';
import { RpcServer, type Handlers } from './server.js';

const silent = pino({ level: 'silent' });

function harness(handlers?: Partial<Handlers>) {
  const health = new HealthMonitor({ version: '9.9.9', serverUrl: undefined });
  const server = new RpcServer({ ...createHandlers({ health }), ...handlers }, silent);
  const sent: unknown[] = [];
  const peer = server.attach({ id: 'test', send: (text) => sent.push(JSON.parse(text)) });
  return { server, peer, sent };
}

describe('RpcServer', () => {
  it('hands a valid binary audio frame to the audio handler and answers nothing', async () => {
    const frames: AudioFrame[] = [];
    const { peer, sent } = harness({ audio: (frame) => frames.push(frame) });
    const pcm = Int16Array.from([1, -2, 3]);
    await peer.receive(Buffer.from(encodeAudioFrame({ turnId: 'turn-1', seq: 3, pcm })));
    await peer.receive(encodeAudioFrame({ turnId: 'turn-1', seq: 4, pcm })); // an ArrayBuffer
    expect(frames).toEqual([
      { turnId: 'turn-1', seq: 3, pcm },
      { turnId: 'turn-1', seq: 4, pcm },
    ]);
    expect(sent).toEqual([]);
  });

  it('answers a valid call with the contract output', async () => {
    const { peer, sent } = harness();
    await peer.receive(encodeRequest(7, 'health', {}));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      t: 'res',
      seq: 7,
      result: {
        ok: true,
        value: {
          version: '9.9.9',
          store: { status: 'not-configured' },
          server: { status: 'not-configured', url: null },
        },
      },
    });
  });

  it.each([
    ['not JSON', '{"t":"req",', null, 'RPC_MALFORMED'],
    ['a binary frame', Buffer.from('x'), null, 'RPC_MALFORMED'],
    ['an array', '[1,2]', null, 'RPC_MALFORMED'],
    ['a missing method', '{"t":"req","seq":3,"input":{}}', 3, 'RPC_MALFORMED'],
    [
      'an extra field',
      '{"t":"req","seq":4,"method":"ping","input":{"text":"a"},"x":1}',
      4,
      'RPC_MALFORMED',
    ],
    ['an unknown method', encodeRequest(5, 'format-disk', {}), 5, 'RPC_UNKNOWN_METHOD'],
    ['a prototype key as method', encodeRequest(6, 'constructor', {}), 6, 'RPC_UNKNOWN_METHOD'],
    ['bad input', encodeRequest(8, 'ping', { text: 42 }), 8, 'RPC_INVALID_INPUT'],
    [
      'extra input',
      encodeRequest(9, 'health', { refresh: true, drop: 'tables' }),
      9,
      'RPC_INVALID_INPUT',
    ],
    [
      'an oversized message',
      encodeRequest(10, 'ping', { text: 'x'.repeat(MAX_MESSAGE_BYTES) }),
      null,
      'RPC_TOO_LARGE',
    ],
  ])('answers %s with a coded error and keeps serving', async (_name, frame, seq, code) => {
    const { peer, sent } = harness();
    await peer.receive(frame);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ t: 'res', seq, result: { ok: false, error: { code } } });
    expect((sent[0] as { result: { error: { message: unknown } } }).result.error.message).toMatch(
      /\w/,
    );
    await peer.receive(encodeRequest(11, 'ping', { text: 'still here' }));
    expect(sent[1]).toEqual({
      t: 'res',
      seq: 11,
      result: { ok: true, value: { text: 'still here' } },
    });
  });

  it('turns handler failures into coded errors without leaking their message', async () => {
    const { peer, sent } = harness({
      ping: ({ text }) => {
        if (text === 'coded') throw new CodedError('STORE_LOCKED', 'The store is locked.');
        throw new Error('patient John Smith broke it');
      },
    });
    await peer.receive(encodeRequest(1, 'ping', { text: 'coded' }));
    await peer.receive(encodeRequest(2, 'ping', { text: 'boom' }));
    expect(sent[0]).toMatchObject({
      seq: 1,
      result: { ok: false, error: { code: 'STORE_LOCKED' } },
    });
    expect(sent[1]).toMatchObject({
      seq: 2,
      result: { ok: false, error: { code: 'RPC_INTERNAL' } },
    });
    expect(JSON.stringify(sent[1])).not.toContain('John Smith');
  });

  it('refuses to send output that breaks the contract', async () => {
    const { peer, sent } = harness({ ping: () => ({ text: 1 }) as unknown as { text: string } });
    await peer.receive(encodeRequest(1, 'ping', { text: 'a' }));
    expect(sent[0]).toMatchObject({ result: { ok: false, error: { code: 'RPC_INVALID_OUTPUT' } } });
  });

  it('broadcasts events to every attached peer until it detaches', () => {
    const { server, peer, sent } = harness();
    const other: unknown[] = [];
    server.attach({ id: 'other', send: (t) => other.push(JSON.parse(t)) });
    const health = {
      version: '1',
      uptimeSeconds: 0,
      store: { status: 'not-configured', detail: '' },
      models: { status: 'not-configured', detail: '' },
      server: { url: null, status: 'not-configured', detail: '' },
    } as const;
    server.broadcast('health.changed', health);
    peer.detach();
    server.broadcast('health.changed', health);
    expect(sent).toEqual([{ t: 'evt', name: 'health.changed', payload: health }]);
    expect(other).toHaveLength(2);
  });
});

describe('RpcClient ↔ RpcServer', () => {
  function connected(timeoutMs?: number, drop = false) {
    const health = new HealthMonitor({ version: '1.2.3', serverUrl: undefined });
    const server = new RpcServer(createHandlers({ health }), silent);
    const holder: { client?: RpcClient } = {};
    const peer = server.attach({
      id: 'c',
      send: (text) => queueMicrotask(() => holder.client?.receive(text)),
    });
    const client = new RpcClient(
      { send: (text) => (drop ? undefined : void peer.receive(text)), close: () => peer.detach() },
      { timeoutMs },
    );
    holder.client = client;
    return client;
  }

  it('infers input and output types from the contract', async () => {
    const rpc = connected();
    const result = await rpc.call('ping', { text: 'hello' });
    expect(result).toEqual({ ok: true, value: { text: 'hello' } });
    const health = await rpc.call('health', {});
    expect(health.ok && health.value.version).toBe('1.2.3');
  });

  it('times out with RPC_TIMEOUT and reports a closed transport as TRANSPORT_CLOSED', async () => {
    const silentPeer = connected(50, true);
    expect(await silentPeer.call('ping', { text: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'RPC_TIMEOUT' },
    });
    const pending = silentPeer.call('ping', { text: 'y' }, { timeoutMs: 10_000 });
    silentPeer.closedBy('test');
    expect(await pending).toMatchObject({ ok: false, error: { code: 'TRANSPORT_CLOSED' } });
    expect(await silentPeer.call('ping', { text: 'z' })).toMatchObject({
      ok: false,
      error: { code: 'TRANSPORT_CLOSED' },
    });
  });
});
