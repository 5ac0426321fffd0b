import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { CircuitBreaker } from '../../gateway/circuit-breaker.js';
import { LimitsService } from '../../gateway/limits.js';
import { Meter } from '../../gateway/metering.js';
import { PhiGuard } from '../../gateway/phi-guard.js';
import type { Candidate } from '../../gateway/resilience.js';
import { deepgramProvider, type SttProvider } from '../../integrations/deepgram.js';
import { elevenLabsProvider, type TtsProvider } from '../../integrations/elevenlabs.js';
import { openAiProvider, type LlmProvider } from '../../integrations/openai.js';

export type Gateway = Readonly<{
  timeoutMs: number;
  limits: LimitsService;
  meter: Meter;
  guard: PhiGuard;
  llm: readonly Candidate<LlmProvider>[];
  stt: readonly Candidate<SttProvider>[];
  tts: readonly Candidate<TtsProvider>[];
  breakers: ReadonlyMap<string, CircuitBreaker>;
}>;

declare module 'fastify' {
  interface FastifyInstance {
    gateway: Gateway;
  }
}

/** Providers (primary and optional fallback per kind) with one circuit breaker each. */
export default fp<{ config: Config }>(
  (app, { config }, done) => {
    const { providers: p, gateway: g } = config;
    const breakers = new Map<string, CircuitBreaker>();
    const candidate = <P extends { name: string }>(provider: P): Candidate<P> => {
      const breaker = new CircuitBreaker(provider.name, {
        failureThreshold: g.circuitFailureThreshold,
        resetMs: g.circuitResetMs,
      });
      breakers.set(provider.name, breaker);
      return { provider, name: provider.name, breaker };
    };
    const llm: Candidate<LlmProvider>[] = [];
    if (p.openai) llm.push(candidate(openAiProvider('openai', p.openai, g.timeoutMs)));
    if (p.openaiFallback) {
      llm.push(candidate(openAiProvider('openai-fallback', p.openaiFallback, g.timeoutMs)));
    }
    const stt = p.deepgram ? [candidate(deepgramProvider(p.deepgram))] : [];
    const tts = p.elevenlabs ? [candidate(elevenLabsProvider(p.elevenlabs, g.timeoutMs))] : [];
    app.decorate('gateway', {
      timeoutMs: g.timeoutMs,
      limits: new LimitsService(app.db),
      // Our own SQL's errors carry no request content, so the message may be logged.
      meter: new Meter(app.db, (e) =>
        app.log.error(
          { code: (e as { code?: string }).code, err: (e as Error).message },
          'metering failed',
        ),
      ),
      guard: new PhiGuard(app.db),
      llm,
      stt,
      tts,
      breakers,
    });
    done();
  },
  { name: 'gateway', dependencies: ['db'] },
);
