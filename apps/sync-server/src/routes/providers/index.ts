import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { GATEWAY_PATHS, ProvidersResponse, type ProviderInfo } from '@voiceassist/contract';
import type { Candidate } from '../../gateway/resilience.js';

/**
 * `GET /v1/providers`: which kinds (llm, stt, tts) this server can relay to, with model/voice
 * names and circuit state — never keys or URLs. The workstation uses it to say "no STT provider
 * configured" before the user tries.
 */
const providers: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const gw = app.gateway;
  const list = <P>(cs: readonly Candidate<P>[], info: (p: P) => Omit<ProviderInfo, 'circuit'>) => ({
    configured: cs.length > 0,
    providers: cs.map((c) => ({ ...info(c.provider), circuit: c.breaker.state })),
  });
  app.get(
    GATEWAY_PATHS.providers,
    { schema: { response: { 200: ProvidersResponse } }, onRequest: app.authenticate },
    () => ({
      llm: list(gw.llm, (p) => ({
        name: p.name,
        role: p.name.endsWith('-fallback') ? ('fallback' as const) : ('primary' as const),
        model: p.model,
      })),
      stt: list(gw.stt, (p) => ({ name: p.name, role: 'primary' as const, model: p.model })),
      tts: list(gw.tts, (p) => ({
        name: p.name,
        role: 'primary' as const,
        model: p.defaults.modelId,
        voiceId: p.defaults.voiceId,
        outputFormat: p.defaults.outputFormat,
      })),
    }),
  );
  done();
};
export default providers;
