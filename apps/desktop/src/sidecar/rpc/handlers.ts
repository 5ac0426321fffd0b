import { pino } from 'pino';
import { createVoiceHandlers, type VoiceApi } from '../assistant/handlers.js';
import type { HealthMonitor } from '../health.js';
import { KnowledgeRpc } from '../knowledge/rpc.js';
import { ProfileHandle } from '../profile-handle.js';
import { SpeechRpc } from '../speech/rpc.js';
import type { Handlers } from './server.js';

export interface EngineServices {
  readonly health: HealthMonitor;
  /** The voice turn and conversations (assistant/service.ts), resolved on first use. */
  readonly voice?: () => Promise<VoiceApi | undefined>;
  /** The Knowledge view's calls (knowledge/rpc.ts); without it they answer KB_NOT_AVAILABLE. */
  readonly knowledge?: KnowledgeRpc;
  /** On-device speech: capabilities and transcript confirmation (speech/rpc.ts). */
  readonly speech?: SpeechRpc;
}

/** The contract's handlers, wired to the engine's services. One line per call. */
export function createHandlers(services: EngineServices): Handlers {
  return {
    health: ({ refresh }) => services.health.snapshot(refresh ?? false),
    ping: ({ text }) => ({ text }),
    ...createVoiceHandlers(services.voice ?? (() => Promise.resolve(undefined))),
    ...(services.knowledge ?? noKnowledge()).handlers(),
    ...(services.speech ?? noSpeech()).handlers(),
  };
}

/** An engine without on-device speech wiring: the calls answer from this machine's checks. */
function noSpeech(): SpeechRpc {
  return new SpeechRpc({ env: process.env, emit: () => undefined, recheckMs: 2 ** 31 - 1 });
}

/** The Knowledge calls of an engine without a profile: each answers KB_NOT_AVAILABLE. */
function noKnowledge(): KnowledgeRpc {
  const log = pino({ level: 'silent' });
  return new KnowledgeRpc(
    new ProfileHandle(undefined, () => Promise.reject(new Error('no profile')), log),
    log,
    () => undefined,
  );
}
