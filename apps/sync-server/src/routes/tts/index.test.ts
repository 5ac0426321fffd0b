import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import { TestPostgres } from '../../../test/helper.js';
import { resetFaults as clearFaults } from '../../../test-support/standins/index.js';
import { eventually, postJson, startGateway, type GatewayFixture } from '../../../test/gateway.js';

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

const text = 'Your next appointment is on the cardiology ward; bring your medication list.';
const resetFaults = () => clearFaults(gw.standins.elevenlabs.faults);

/** Node's http client, which exposes trailers (fetch does not). */
function postRaw(
  url: string,
  key: string,
  body: unknown,
): Promise<{
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: number;
  trailers: Record<string, string | undefined>;
}> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes,
            trailers: res.trailers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('POST /v1/tts/stream', () => {
  it('streams the provider audio with the configured voice and the requested format', async () => {
    const { key, userId } = await gw.device();
    const before = gw.standins.elevenlabs.requests.length;
    const r = await postRaw(`${gw.url}/v1/tts/stream`, key, { text, outputFormat: 'pcm_16000' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('audio/L16;rate=16000');
    expect(r.bytes).toBeGreaterThan(0);
    expect(r.trailers['x-voiceassist-error']).toBeUndefined();
    const sent = gw.standins.elevenlabs.requests[before];
    expect(sent?.path).toBe('/v1/text-to-speech/standinVoice01/stream');
    expect(sent?.query.output_format).toBe('pcm_16000');
    expect(sent?.body).toMatchObject({ text, model_id: 'eleven_flash_v2_5' });
    const rows = await eventually(() =>
      gw.sql<{ unit: string; quantity: string }>(
        'SELECT unit, quantity FROM usage_events WHERE user_id = $1',
        [userId],
      ),
    );
    expect(rows).toEqual([{ unit: 'character', quantity: `${text.length}.0000` }]);
  });

  it('provider 500 → 502 PROVIDER_ERROR as JSON, nothing metered', async () => {
    const { key, userId } = await gw.device();
    gw.standins.elevenlabs.faults.status = 500;
    try {
      const res = await postJson(`${gw.url}/v1/tts/stream`, key, { text });
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ error: { code: 'PROVIDER_ERROR' } });
      expect(await gw.sql('SELECT 1 FROM usage_events WHERE user_id = $1', [userId])).toEqual([]);
    } finally {
      resetFaults();
    }
  });

  it('a provider that never answers → 504 PROVIDER_TIMEOUT', async () => {
    const { key } = await gw.device();
    gw.standins.elevenlabs.faults.hang = true;
    try {
      const res = await postJson(`${gw.url}/v1/tts/stream`, key, { text });
      expect(res.status).toBe(504);
      expect(await res.json()).toMatchObject({ error: { code: 'PROVIDER_TIMEOUT' } });
    } finally {
      resetFaults();
    }
  });

  it('mid-stream disconnect → the body ends with the x-voiceassist-error trailer, usage metered', async () => {
    const { key, userId } = await gw.device();
    gw.standins.elevenlabs.faults.disconnectAfter = 2;
    try {
      const r = await postRaw(`${gw.url}/v1/tts/stream`, key, { text });
      expect(r.status).toBe(200);
      expect(r.bytes).toBeGreaterThan(0); // what arrived before the drop (at most 2 chunks)
      expect(r.bytes).toBeLessThanOrEqual(2 * 2048);
      expect(r.trailers['x-voiceassist-error']).toBe('PROVIDER_STREAM_BROKEN');
      const rows = await eventually(() =>
        gw.sql<{ outcome: string }>('SELECT outcome FROM usage_events WHERE user_id = $1', [
          userId,
        ]),
      );
      expect(rows).toEqual([{ outcome: 'PROVIDER_STREAM_BROKEN' }]);
    } finally {
      resetFaults();
    }
  });

  it('mid-stream stall → PROVIDER_TIMEOUT trailer', async () => {
    const { key } = await gw.device();
    gw.standins.elevenlabs.faults.chunkDelayMs = 3000;
    try {
      const r = await postRaw(`${gw.url}/v1/tts/stream`, key, { text });
      expect(r.status).toBe(200);
      expect(r.trailers['x-voiceassist-error']).toBe('PROVIDER_TIMEOUT');
    } finally {
      resetFaults();
    }
  });

  it('refuses an unknown output format with 400', async () => {
    const { key } = await gw.device();
    const res = await postJson(`${gw.url}/v1/tts/stream`, key, { text, outputFormat: 'wav' });
    expect(res.status).toBe(400);
  });
});
