import { describe, expect, it } from 'vitest';
import { availabilityOf, ProviderCapabilities } from './capabilities.js';
import { fromGatewayCode, ProviderError } from './errors.js';
import { gatewayConfigFromEnv, gatewayProviders } from './config.js';
import { SseParser } from './sse.js';

describe('SseParser', () => {
  it('returns data payloads of complete events across arbitrary chunk boundaries', () => {
    const p = new SseParser();
    const enc = new TextEncoder();
    const text = 'data: {"a":1}\n\n: comment\n\ndata: [DONE]\r\n\r\n';
    const out: string[] = [];
    for (let i = 0; i < text.length; i += 3) out.push(...p.push(enc.encode(text.slice(i, i + 3))));
    expect(out).toEqual(['{"a":1}', '[DONE]']);
  });
});

describe('provider errors', () => {
  it('maps gateway codes and bare statuses to coded errors with messages for the clinician', () => {
    const phi = fromGatewayCode('PHI_BLOCKED', 'llm', 422);
    expect(phi).toBeInstanceOf(ProviderError);
    expect(phi.code).toBe('PHI_BLOCKED');
    expect(phi.message).toMatch(/AI answers.*nothing reached the provider/);
    expect(fromGatewayCode(undefined, 'tts', 401).code).toBe('AUTH_INVALID');
    expect(fromGatewayCode(undefined, 'stt', 429).code).toBe('RATE_LIMITED');
    expect(fromGatewayCode('QUOTA_EXCEEDED', 'stt').message).toMatch(/speech recognition/);
    expect(fromGatewayCode('SOMETHING_NEW', 'llm', 503).code).toBe('PROVIDER_ERROR');
    expect(fromGatewayCode('PROVIDER_NOT_CONFIGURED', 'stt').message).toMatch(
      /no provider for speech recognition/,
    );
  });
});

describe('provider capabilities', () => {
  const provider = (circuit: 'closed' | 'open' | 'half_open') => ({
    name: 'p',
    role: 'primary' as const,
    model: 'm',
    circuit,
  });
  it('reads each kind from GET /v1/providers: not configured, every circuit open, or ready', () => {
    expect(availabilityOf({ configured: false, providers: [] })).toBe('not-configured');
    expect(availabilityOf({ configured: true, providers: [provider('open')] })).toBe('unavailable');
    expect(
      availabilityOf({ configured: true, providers: [provider('open'), provider('half_open')] }),
    ).toBe('ready');
  });

  it('without a server nothing is usable and nothing is asked', async () => {
    const caps = new ProviderCapabilities(undefined);
    await caps.refresh();
    expect(caps.get('stt')).toBe('not-configured');
    expect(caps.usable('llm')).toBe(false);
  });
});

describe('configuration', () => {
  it('needs a server URL and a device key; never reads provider keys', () => {
    expect(gatewayConfigFromEnv({ OPENAI_API_KEY: 'sk-x' })).toBeUndefined();
    expect(gatewayConfigFromEnv({ VOICEASSIST_SERVER_URL: 'https://s.example/' })).toBeUndefined();
    const c = gatewayConfigFromEnv({
      VOICEASSIST_SERVER_URL: 'https://s.example/',
      VOICEASSIST_DEVICE_KEY: 'vak_x',
    });
    expect(c).toMatchObject({ serverUrl: 'https://s.example', deviceKey: 'vak_x', sttAudio: true });
    expect(c?.timeouts.llmFirstTokenMs).toBe(2000);
  });

  it('allows audio only to the STT relay, and only while the clinic setting allows it', () => {
    const [llm, stt, tts] = gatewayProviders({ serverUrl: 'https://s.example', sttAudio: false });
    expect(llm?.policy.audio).toBe('block');
    expect(tts?.policy.audio).toBe('block');
    expect(stt).toMatchObject({ baa: false, policy: { audio: 'allow-with-baa' } });
    expect(stt?.origins).toEqual(['https://s.example', 'wss://s.example']);
  });
});
