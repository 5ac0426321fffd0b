import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { TestPostgres } from '../../../test-support/helper.js';
import { resetFaults as clearFaults } from '../../../test-support/standins/index.js';
import {
  eventually,
  FRAME,
  openStt,
  startGateway,
  type GatewayFixture,
} from '../../../test-support/gateway.js';

let pgServer: TestPostgres;
let gw: GatewayFixture;
beforeAll(async () => {
  pgServer = await TestPostgres.start();
  gw = await startGateway(pgServer);
});
afterAll(async () => {
  await gw.close();
  await pgServer.stop();
});

const resetFaults = () => clearFaults(gw.standins.deepgram.faults);
const isFinal = (m: Record<string, unknown>) => m.type === 'Results' && m.is_final === true;

describe('GET /v1/stt/live', () => {
  it('relays audio to Deepgram and interim results, finalize, utterance end and close back', async () => {
    const { key, userId } = await gw.device();
    const before = gw.standins.deepgram.requests.length;
    const warmed = () => [gw.standins.openai.preconnects, gw.standins.elevenlabs.preconnects];
    expect(warmed()).toEqual([0, 0]);
    const c = await openStt(gw.url, key);
    // The stream opening is the turn starting: the gateway opens connections to the LLM and TTS
    // providers for the calls that follow (a GET each, no content; none reaches `requests`).
    await eventually(() => Promise.resolve(warmed().every((n) => n === 1)));
    expect(warmed()).toEqual([1, 1]);
    for (let i = 0; i < 10; i++) c.ws.send(FRAME); // 1 s of audio
    const interim = await c.waitFor((m) => m.type === 'Results' && m.is_final === false);
    expect(interim.channel).toBeDefined();
    c.ws.send(JSON.stringify({ type: 'finalize' }));
    const final = await c.waitFor(isFinal);
    expect(final.speech_final).toBe(true);
    expect(final.from_finalize).toBe(true);
    await c.waitFor((m) => m.type === 'UtteranceEnd');
    c.ws.send(JSON.stringify({ type: 'close' }));
    await c.waitFor((m) => m.type === 'Metadata');
    expect((await c.closed).code).toBe(1000);
    const rec = gw.standins.deepgram.requests[before];
    expect(rec?.query).toMatchObject({
      encoding: 'linear16',
      sample_rate: '16000',
      interim_results: 'true',
    });
    expect(rec?.headers.authorization).toBe('Token ***');
    expect(rec?.audioBytes).toBe(10 * FRAME.length);
    expect(rec?.messages).toEqual([{ type: 'Finalize' }, { type: 'CloseStream' }]);
    const rows = await eventually(() =>
      gw.sql<{ unit: string; quantity: string; outcome: string }>(
        'SELECT unit, quantity, outcome FROM usage_events WHERE user_id = $1 AND ended_at IS NOT NULL',
        [userId],
      ),
    );
    expect(rows).toEqual([{ unit: 'audio_second', quantity: '1.0000', outcome: 'ok' }]);
    // A second turn within seconds finds those connections open: no second warm-up.
    const again = await openStt(gw.url, key);
    again.ws.send(JSON.stringify({ type: 'close' }));
    await again.closed;
    expect(warmed()).toEqual([1, 1]);
  });

  it('refuses the upgrade without a valid key', async () => {
    await expect(openStt(gw.url, undefined)).rejects.toThrow('HTTP 401');
    await expect(openStt(gw.url, 'vak_nope')).rejects.toThrow('HTTP 401');
  });

  it('rejects unknown control messages with a coded error and keeps the session', async () => {
    const { key } = await gw.device();
    const c = await openStt(gw.url, key);
    c.ws.send('{"type":"explode"}');
    const err = await c.waitFor((m) => m.type === 'Error');
    expect(err.error).toMatchObject({ code: 'BAD_REQUEST' });
    c.ws.send(JSON.stringify({ type: 'close' }));
    expect((await c.closed).code).toBe(1000);
  });

  for (const [name, fault, code] of [
    ['handshake refused with 500', { status: 500 }, 'PROVIDER_ERROR'],
    ['handshake never completes', { hang: true }, 'PROVIDER_TIMEOUT'],
    ['mid-stream disconnect', { disconnectAfter: 2 }, 'PROVIDER_STREAM_BROKEN'],
    ['malformed message', { malformedAfter: 1 }, 'PROVIDER_STREAM_BROKEN'],
  ] as const) {
    it(`${name} → coded Error message and close, usage metered for audio sent`, async () => {
      const { key, userId } = await gw.device();
      Object.assign(gw.standins.deepgram.faults, fault);
      try {
        const c = await openStt(gw.url, key);
        for (let i = 0; i < 20; i++) c.ws.send(FRAME);
        const err = await c.waitFor((m) => m.type === 'Error');
        expect(err.error).toMatchObject({ code });
        expect((await c.closed).code).toBe(1011);
        const rows = await eventually(() =>
          gw.sql<{ outcome: string }>(
            'SELECT outcome FROM usage_events WHERE user_id = $1 AND ended_at IS NOT NULL',
            [userId],
          ),
        );
        expect(rows.map((r) => r.outcome)).toEqual([code]);
      } finally {
        resetFaults();
      }
    });
  }

  it('a client that drops the socket without "close" is metered as CLIENT_CANCELLED for the audio sent', async () => {
    const { key, userId } = await gw.device();
    const c = await openStt(gw.url, key);
    for (let i = 0; i < 6; i++) c.ws.send(FRAME);
    // The stand-in answers every 3 frames (>= 0.25 s): the second means all 0.6 s arrived.
    await c.waitFor(() => c.messages.filter((m) => m.type === 'Results').length >= 2);
    c.ws.terminate();
    const rows = await eventually(() =>
      gw.sql<{ unit: string; quantity: string; outcome: string }>(
        'SELECT unit, quantity, outcome FROM usage_events WHERE user_id = $1 AND ended_at IS NOT NULL',
        [userId],
      ),
    );
    expect(rows).toEqual([
      { unit: 'audio_second', quantity: '0.6000', outcome: 'CLIENT_CANCELLED' },
    ]);
  });
});
