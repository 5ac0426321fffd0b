import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressGuard, MemoryAuditSink } from '../egress/index.js';
import { startGateway, type GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import { GatewayClient } from './client.js';
import { gatewayConfigFromEnv, gatewayProviders } from './config.js';
import { ProviderError } from './errors.js';

let gw: GatewayFixture;
let client: GatewayClient;
beforeAll(async () => {
  gw = await startGateway(); // the real sync server, PROVIDER_TIMEOUT_MS 1500
  const config = gatewayConfigFromEnv({
    VOICEASSIST_SERVER_URL: gw.url,
    VOICEASSIST_DEVICE_KEY: gw.deviceKey,
  });
  if (!config) throw new Error('gateway config');
  const guard = new EgressGuard({
    providers: gatewayProviders(config),
    audit: new MemoryAuditSink(),
  });
  client = new GatewayClient(guard, config);
}, 120_000);
afterAll(async () => {
  await gw.close();
});

const clearFaults = () => {
  for (const k of Object.keys(gw.elevenlabs.faults) as (keyof typeof gw.elevenlabs.faults)[])
    gw.elevenlabs.faults[k] = undefined;
};

/** Plays a whole TTS answer; resolves with the bytes, rejects with the coded error. */
async function play(text: string): Promise<{ bytes: number; error?: ProviderError }> {
  const stream = await client.tts({ conversationId: 'c1', text });
  let bytes = 0;
  try {
    for await (const chunk of stream.chunks) bytes += chunk.length;
  } catch (err) {
    return { bytes, error: err as ProviderError };
  }
  return { bytes };
}

describe('GatewayClient.tts against the real gateway', () => {
  it('a complete answer ends normally', async () => {
    const r = await play('Take one tablet twice a day with food.');
    expect(r.error).toBeUndefined();
    expect(r.bytes).toBeGreaterThan(0);
  });

  it('the provider dropping mid-stream becomes PROVIDER_STREAM_BROKEN after the audio that arrived', async () => {
    gw.elevenlabs.faults.disconnectAfter = 2;
    try {
      const r = await play('Take one tablet twice a day with food, and drink plenty of water.');
      expect(r.bytes).toBeGreaterThan(0);
      expect(r.error).toBeInstanceOf(ProviderError);
      expect(r.error?.code).toBe('PROVIDER_STREAM_BROKEN');
      expect(r.error?.message).toMatch(/spoken answers/);
    } finally {
      clearFaults();
    }
  });

  it("a provider stall becomes the gateway's PROVIDER_TIMEOUT, read from the call status", async () => {
    gw.elevenlabs.faults.chunkDelayMs = 5_000; // the server gives up at 1.5 s, before our 2 s
    try {
      const r = await play('Take one tablet twice a day with food, and drink plenty of water.');
      expect(r.error?.code).toBe('PROVIDER_TIMEOUT');
    } finally {
      clearFaults();
    }
  });
});
