import { preconnect, requestFetch } from '@voiceassist/http-client';
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { audit } from '../../gateway/audit.js';
import { CallRegistry } from '../../gateway/calls.js';
import { ChatRelay } from '../../gateway/chat-relay.js';
import { CircuitBreaker } from '../../gateway/circuit-breaker.js';
import { DeviceFailureLimit } from '../../gateway/device-failures.js';
import { ServerInstance } from '../../gateway/instance.js';
import { LimitsService } from '../../gateway/limits.js';
import { Meter } from '../../gateway/metering.js';
import { FinalTranscripts } from '../../gateway/final-transcripts.js';
import { TranscriptRelay } from '../../gateway/transcript-relay.js';
import { PhiGuard } from '../../gateway/phi-guard.js';
import type { Candidate } from '../../gateway/resilience.js';
import { deepgramProvider, type SttProvider } from '../../integrations/deepgram.js';
import { elevenLabsProvider, type TtsProvider } from '../../integrations/elevenlabs.js';
import { openAiProvider, type LlmProvider } from '../../integrations/openai.js';

export type Gateway = Readonly<{
  timeoutMs: number;
  limits: LimitsService;
  calls: CallRegistry;
  meter: Meter;
  guard: PhiGuard;
  llm: readonly Candidate<LlmProvider>[];
  stt: readonly Candidate<SttProvider>[];
  tts: readonly Candidate<TtsProvider>[];
  breakers: ReadonlyMap<string, CircuitBreaker>;
  /** The chat relay behind `POST /v1/llm/chat`. */
  chat: ChatRelay;
  /** Devices whose requests keep failing are refused for a while (DEVICE_THROTTLED). */
  deviceFailures: DeviceFailureLimit;
  /** This server process, as its metered calls name it. */
  instance: ServerInstance | undefined;
  /**
   * Final transcripts (hashes) of live STT streams of every server process on this database, for
   * chats sent before them (AFTER_TRANSCRIPT_HEADER).
   */
  transcripts: FinalTranscripts;
  /**
   * A turn has begun (its STT stream opened): open connections to the LLM and TTS providers now,
   * so the calls that follow in a few hundred ms skip the TCP and TLS handshakes. Fire and forget.
   */
  preconnect: () => void;
}>;

/**
 * A provider is warmed at most this often: the connection is kept 60 s (or as long as the
 * provider allows), so key-downs in between find it open.
 */
const PRECONNECT_EVERY_MS = 20_000;
/** A final transcript is kept this long after its stream ended, for a chat that refers to it. */
const TRANSCRIPT_KEPT_MS = 10_000;

declare module 'fastify' {
  interface FastifyInstance {
    gateway: Gateway;
  }
}

/** Providers (primary and optional fallback per kind) with one circuit breaker each. */
export default fp<{ config: Config }>(
  async (app, { config }) => {
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
    // The SDKs make their calls through undici.request on kept-alive connections instead of the
    // global fetch (packages/http-client): lower first-token tails and CPU (README, benchmark).
    const fetch = requestFetch();
    const llm: Candidate<LlmProvider>[] = [];
    if (p.openai) llm.push(candidate(openAiProvider('openai', p.openai, g.timeoutMs, fetch)));
    if (p.openaiFallback) {
      llm.push(candidate(openAiProvider('openai-fallback', p.openaiFallback, g.timeoutMs, fetch)));
    }
    const stt = p.deepgram ? [candidate(deepgramProvider(p.deepgram))] : [];
    const tts = p.elevenlabs
      ? [candidate(elevenLabsProvider(p.elevenlabs, g.timeoutMs, fetch))]
      : [];
    // Our own SQL's errors carry no request content, so the message may be logged.
    const dbError = (what: string) => (e: unknown) =>
      app.log.error({ code: (e as { code?: string }).code, err: (e as Error).message }, what);
    const limits = new LimitsService(app.db, Date.now, dbError('quota refresh failed'));
    // Registered (and what killed servers left behind reconciled) before the server is ready.
    const instance = await ServerInstance.start(config.databaseUrl ?? '', app.db, app.log);
    const meter = new Meter(
      app.db,
      dbError('metering failed'),
      (principal, usd) => limits.addSpend(principal, usd),
      () => instance?.id ?? null,
    );
    const deviceFailures = new DeviceFailureLimit(
      g.deviceFailuresPerMinute,
      (principal, counts) => {
        app.log.warn(
          { deviceId: principal.deviceId, counts },
          'device throttled: failing requests',
        );
        audit(app.db, 'device_throttled', principal, null, {
          perMinute: g.deviceFailuresPerMinute,
          counts,
        }).catch(dbError('audit failed'));
      },
    );
    const warmedAt = new Map<string, number>();
    const warmNextProviders = (): void => {
      const now = Date.now();
      // The candidate the next call will try first: the primary, or the fallback while the
      // primary's circuit is open.
      const next = <P>(cs: readonly Candidate<P>[]) => cs.find((c) => c.breaker.state !== 'open');
      for (const c of [next(llm), next(tts)]) {
        if (!c) continue;
        if (now - (warmedAt.get(c.name) ?? -Infinity) < PRECONNECT_EVERY_MS) continue;
        warmedAt.set(c.name, now);
        // Through the SDKs' fetch, so the calls that follow reuse the connection.
        void preconnect(fetch, c.provider.baseUrl);
      }
    };
    const guard = new PhiGuard(app.db);
    const calls = new CallRegistry();
    // Streams and chats of one turn may reach different server processes: they share the final
    // transcripts' hashes through PostgreSQL (LISTEN as the app role, like the revocations).
    const relay = new TranscriptRelay(
      app.db,
      app.databaseUrls.app,
      (payload) => transcripts.receive(payload),
      app.log,
    );
    const transcripts = new FinalTranscripts(TRANSCRIPT_KEPT_MS, (news) => relay.publish(news));
    await relay.start();
    app.decorate('gateway', {
      timeoutMs: g.timeoutMs,
      limits,
      calls,
      meter,
      guard,
      llm,
      stt,
      tts,
      breakers,
      chat: new ChatRelay({
        llm,
        guard,
        meter,
        calls,
        transcripts,
        timeoutMs: g.timeoutMs,
      }),
      deviceFailures,
      instance,
      transcripts,
      preconnect: warmNextProviders,
    });
    // Registered after the db plugin, so this runs before the pool is ended.
    app.addHook('onClose', async () => {
      await relay.close();
      await meter.flush();
      await instance?.close();
    });
  },
  { name: 'gateway', dependencies: ['db'] },
);
