import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import { TestPostgres } from '../../../test-support/helper.js';
import { resetFaults as clearFaults } from '../../../test-support/standins/index.js';
import {
  eventually,
  postJson,
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

const text = 'Your next appointment is on the cardiology ward; bring your medication list.';
const resetFaults = () => clearFaults(gw.standins.elevenlabs.faults);

/** Node's http client, as curl sees it: did the chunked body end properly? */
function postRaw(
  url: string,
  key: string,
  body: unknown,
): Promise<{
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: number;
  complete: boolean;
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
        let complete = false;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => (complete = true));
        res.on('error', () => undefined); // "aborted": the body broke off
        res.on('close', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, complete }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** As the workstation reads it: fetch, then the call status when the body breaks off. */
async function fetchTts(
  key: string,
  body: unknown,
): Promise<{ status: number; bytes: number; broke: boolean; requestId: string | null }> {
  const res = await postJson(`${gw.url}/v1/tts/stream`, key, body);
  const requestId = res.headers.get('x-request-id');
  let bytes = 0;
  let broke = false;
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
  } catch {
    broke = true;
  }
  return { status: res.status, bytes, broke, requestId };
}

async function callStatus(key: string, requestId: string | null) {
  const res = await fetch(`${gw.url}/v1/calls/${requestId ?? 'none'}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('POST /v1/tts/stream', () => {
  it('streams the provider audio with the configured voice and the requested format', async () => {
    const { key, userId } = await gw.device();
    const before = gw.standins.elevenlabs.requests.length;
    const r = await postRaw(`${gw.url}/v1/tts/stream`, key, { text, outputFormat: 'pcm_16000' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('audio/L16;rate=16000');
    expect(r.bytes).toBeGreaterThan(0);
    expect(r.complete).toBe(true);
    expect(typeof r.headers['x-request-id']).toBe('string');
    const st = await callStatus(key, r.headers['x-request-id'] as string);
    expect(st.body).toMatchObject({ kind: 'tts', state: 'ok' });
    expect(st.body.error).toBeUndefined();
    const sent = gw.standins.elevenlabs.requests[before];
    expect(sent?.path).toBe('/v1/text-to-speech/standinVoice01/stream');
    expect(sent?.query.output_format).toBe('pcm_16000');
    expect(sent?.body).toMatchObject({ text, model_id: 'eleven_flash_v2_5' });
    const rows = await eventually(() =>
      gw.sql<{ unit: string; quantity: string }>(
        'SELECT unit, quantity FROM usage_events WHERE user_id = $1 AND ended_at IS NOT NULL',
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

  it('mid-stream disconnect → the connection breaks (fetch rejects, curl sees an incomplete body), the coded reason is at /v1/calls/:id, usage metered', async () => {
    const { key, userId } = await gw.device();
    gw.standins.elevenlabs.faults.disconnectAfter = 2;
    try {
      const r = await fetchTts(key, { text });
      expect(r.status).toBe(200);
      expect(r.broke).toBe(true);
      expect(r.bytes).toBeGreaterThan(0); // what arrived before the drop (at most 2 chunks)
      expect(r.bytes).toBeLessThanOrEqual(2 * 2048);
      const st = await callStatus(key, r.requestId);
      expect(st.status).toBe(200);
      expect(st.body).toMatchObject({
        requestId: r.requestId,
        kind: 'tts',
        provider: 'elevenlabs',
        state: 'failed',
        error: { code: 'PROVIDER_STREAM_BROKEN' },
      });
      const raw = await postRaw(`${gw.url}/v1/tts/stream`, key, { text });
      expect(raw.status).toBe(200);
      expect(raw.complete).toBe(false);
      const rows = await eventually(async () => {
        const x = await gw.sql<{ outcome: string }>(
          'SELECT outcome FROM usage_events WHERE user_id = $1 AND ended_at IS NOT NULL',
          [userId],
        );
        return x.length === 2 ? x : [];
      });
      expect(rows).toEqual([
        { outcome: 'PROVIDER_STREAM_BROKEN' },
        { outcome: 'PROVIDER_STREAM_BROKEN' },
      ]);
      // Another device cannot read this device's calls.
      const other = await gw.device();
      expect((await callStatus(other.key, r.requestId)).status).toBe(404);
    } finally {
      resetFaults();
    }
  });

  it('mid-stream stall → broken body, PROVIDER_TIMEOUT at /v1/calls/:id', async () => {
    const { key } = await gw.device();
    gw.standins.elevenlabs.faults.chunkDelayMs = 3000;
    try {
      const r = await fetchTts(key, { text });
      expect(r.status).toBe(200);
      expect(r.broke).toBe(true);
      const st = await callStatus(key, r.requestId);
      expect(st.body).toMatchObject({ state: 'failed', error: { code: 'PROVIDER_TIMEOUT' } });
    } finally {
      resetFaults();
    }
  });

  it('a client hang-up mid-stream is metered as CLIENT_CANCELLED with the characters billed', async () => {
    const { key, userId } = await gw.device();
    gw.standins.elevenlabs.faults.chunkDelayMs = 200;
    try {
      const ac = new AbortController();
      const res = await fetch(`${gw.url}/v1/tts/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ text }),
        signal: ac.signal,
      });
      const requestId = res.headers.get('x-request-id');
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      expect((await reader.read()).done).toBe(false); // audio started
      ac.abort(); // barge-in
      const rows = await eventually(() =>
        gw.sql<{ unit: string; quantity: string; outcome: string }>(
          'SELECT unit, quantity, outcome FROM usage_events WHERE user_id = $1 AND ended_at IS NOT NULL',
          [userId],
        ),
      );
      expect(rows).toEqual([
        { unit: 'character', quantity: `${text.length}.0000`, outcome: 'CLIENT_CANCELLED' },
      ]);
      expect((await callStatus(key, requestId)).body).toMatchObject({
        state: 'cancelled',
        error: { code: 'CLIENT_CANCELLED' },
      });
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
