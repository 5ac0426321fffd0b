import { pino } from 'pino';
import { createVoiceHandlers, type VoiceApi } from '../assistant/handlers.js';
import { CalculatorsRpc } from '../calculators/rpc.js';
import type { HealthMonitor } from '../health.js';
import { KnowledgeRpc } from '../knowledge/rpc.js';
import { ProfileHandle } from '../profile-handle.js';
import type { Handlers } from './server.js';

export interface EngineServices {
  readonly health: HealthMonitor;
  /** The voice turn and conversations (assistant/service.ts), resolved on first use. */
  readonly voice?: () => Promise<VoiceApi | undefined>;
  /** The Knowledge view's calls (knowledge/rpc.ts); without it they answer KB_NOT_AVAILABLE. */
  readonly knowledge?: KnowledgeRpc;
  /** The Calculators view's calls (calculators/rpc.ts); without it, no history is kept. */
  readonly calculators?: CalculatorsRpc;
}

/** The contract's handlers, wired to the engine's services. One line per call. */
export function createHandlers(services: EngineServices): Handlers {
  return {
    health: ({ refresh }) => services.health.snapshot(refresh ?? false),
    ping: ({ text }) => ({ text }),
    ...createVoiceHandlers(services.voice ?? (() => Promise.resolve(undefined))),
    ...(services.knowledge ?? noKnowledge()).handlers(),
    ...(services.calculators ?? new CalculatorsRpc(() => Promise.resolve(undefined))).handlers(),
  };
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
