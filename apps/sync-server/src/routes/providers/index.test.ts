import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Value } from 'typebox/value';
import { ProvidersResponse } from '@voiceassist/contract';
import { TestPostgres } from '../../../test-support/helper.js';
import {
  bearer,
  postJson,
  startGateway,
  type GatewayFixture,
} from '../../../test-support/gateway.js';
import { STANDIN_KEYS } from '../../../test-support/standins/index.js';

let pgServer: TestPostgres;
let gw: GatewayFixture;
beforeAll(async () => {
  pgServer = await TestPostgres.start();
  gw = await startGateway(pgServer, { env: { CIRCUIT_FAILURE_THRESHOLD: '1' } });
});
afterAll(async () => {
  await gw.close();
  await pgServer.stop();
});

const getProviders = (url: string, key?: string) =>
  fetch(`${url}/v1/providers`, { headers: key ? bearer(key) : {} });

describe('GET /v1/providers', () => {
  it('lists each kind with model/voice names and circuit state, never keys or URLs', async () => {
    const { key } = await gw.device();
    const res = await getProviders(gw.url, key);
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as ProvidersResponse;
    expect(Value.Check(ProvidersResponse, body)).toBe(true);
    expect(body.llm).toEqual({
      configured: true,
      providers: [{ name: 'openai', role: 'primary', model: 'gpt-standin', circuit: 'closed' }],
    });
    expect(body.stt.providers[0]).toMatchObject({ name: 'deepgram', model: 'nova-3' });
    expect(body.tts.providers[0]).toMatchObject({
      name: 'elevenlabs',
      voiceId: 'standinVoice01',
      model: 'eleven_flash_v2_5',
      outputFormat: 'mp3_44100_128',
    });
    for (const secret of [...Object.values(STANDIN_KEYS), '127.0.0.1', 'http'])
      expect(text).not.toContain(secret);
  });

  it('needs a device key', async () => {
    const res = await getProviders(gw.url);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'AUTH_REQUIRED' } });
  });

  it('shows an open circuit after the provider failed', async () => {
    const { key } = await gw.device();
    gw.standins.openai.faults.status = 500;
    try {
      const failed = await postJson(`${gw.url}/v1/llm/chat`, key, {
        messages: [{ role: 'user', content: 'What is a normal resting heart rate?' }],
      });
      expect(failed.status).toBe(502);
    } finally {
      gw.standins.openai.faults.status = undefined;
    }
    const body = (await (await getProviders(gw.url, key)).json()) as ProvidersResponse;
    expect(body.llm.providers[0]?.circuit).toBe('open');
  });

  it('says when a kind has no provider configured', async () => {
    const g = await startGateway(pgServer, { env: { DEEPGRAM_URL: '', DEEPGRAM_API_KEY: '' } });
    try {
      const { key } = await g.device();
      const body = (await (await getProviders(g.url, key)).json()) as ProvidersResponse;
      expect(body.stt).toEqual({ configured: false, providers: [] });
      expect(body.llm.configured).toBe(true);
    } finally {
      await g.close();
    }
  });
});
