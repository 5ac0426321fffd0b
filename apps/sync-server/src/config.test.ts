import { describe, it, expect } from 'vitest';
import { loadConfig } from './config.js';
import { AppError } from './errors.js';

function configError(env: Record<string, string>, flags = {}): string {
  try {
    loadConfig(env, flags);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('CONFIG_INVALID');
    return (e as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
  it('applies defaults: loopback host, port 8787, no providers', () => {
    const c = loadConfig({ VOICEASSIST_DATA_DIR: '/tmp/x' });
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8787);
    expect(c.dataDir).toBe('/tmp/x');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.providers.openai).toBeUndefined();
  });

  it('lets flags override the environment', () => {
    const c = loadConfig({ PORT: '1234', HOST: 'a' }, { PORT: '0' });
    expect(c.port).toBe(0);
    expect(c.host).toBe('a');
  });

  it('names the variable, the flag and what is expected', () => {
    const msg = configError({}, { PORT: 'eighty' });
    expect(msg).toContain('PORT (--port)');
    expect(msg).toContain('0-65535');
    expect(configError({ PORT: '70000' })).toContain('PORT (--port)');
  });

  it('lists every problem at once', () => {
    const msg = configError({
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
      OPENAI_BASE_URL: 'not a url',
    });
    expect(msg).toContain('DATABASE_URL');
    expect(msg).toContain('LOG_LEVEL');
    expect(msg).toContain('one of fatal, error');
    expect(msg).toContain('OPENAI_BASE_URL');
  });

  it('refuses a half-configured provider, saying what is missing', () => {
    const msg = configError({ OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' });
    expect(msg).toContain('OPENAI_API_KEY, OPENAI_MODEL missing');
  });

  it('configures providers from their environment variables', () => {
    const c = loadConfig({
      OPENAI_BASE_URL: 'https://api.openai.com/v1',
      OPENAI_API_KEY: 'k',
      OPENAI_MODEL: 'gpt-4o-mini',
      DEEPGRAM_URL: 'wss://api.deepgram.com',
      DEEPGRAM_API_KEY: 'd',
    });
    expect(c.providers.openai).toEqual({
      baseURL: 'https://api.openai.com/v1',
      apiKey: 'k',
      model: 'gpt-4o-mini',
    });
    expect(c.providers.deepgram?.model).toBe('nova-3');
  });
});
