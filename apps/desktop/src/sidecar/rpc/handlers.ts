import { pino } from 'pino';
import { createVoiceHandlers, type VoiceApi } from '../assistant/handlers.js';
import { CalculatorsRpc } from '../calculators/rpc.js';
import { CalendarRpc } from '../calendar/rpc.js';
import type { HealthMonitor } from '../health.js';
import { identityHandlers, requireSignIn } from '../identity/rpc.js';
import { IdentityService } from '../identity/service.js';
import { KnowledgeRpc } from '../knowledge/rpc.js';
import { ProfileHandle } from '../profile-handle.js';
import { PrivacyService } from '../privacy/service.js';
import { SpeechRpc } from '../speech/rpc.js';
import { SettingsStore } from '../settings/store.js';
import type { Handlers } from './server.js';

export interface EngineServices {
  readonly health: HealthMonitor;
  /** The voice turn and conversations (assistant/service.ts), resolved on first use. */
  readonly voice?: () => Promise<VoiceApi | undefined>;
  /** The Knowledge view's calls (knowledge/rpc.ts); without it they answer KB_NOT_AVAILABLE. */
  readonly knowledge?: KnowledgeRpc;
  /** On-device speech: capabilities and transcript confirmation (speech/rpc.ts). */
  readonly speech?: SpeechRpc;
  /** Workstation settings (settings/store.ts); without it they live in memory. */
  readonly settings?: SettingsStore;
  /** Signing in (identity/service.ts); without it the workstation has no personal sign-in. */
  readonly identity?: IdentityService;
  /** The Calculators view's calls (calculators/rpc.ts); without it, no history is kept. */
  readonly calculators?: CalculatorsRpc;
  /** Conversation rename/delete, retention, the egress audit's counts (privacy/service.ts). */
  readonly privacy?: PrivacyService;
  /** The Calendar view's calls (calendar/rpc.ts); without it, Nextcloud is "not configured". */
  readonly calendar?: CalendarRpc;
}

/** The contract's handlers, wired to the engine's services. One line per call. */
export function createHandlers(services: EngineServices): Handlers {
  const identity = services.identity ?? noIdentity();
  const handlers: Handlers = {
    health: ({ refresh }) => services.health.snapshot(refresh ?? false),
    ping: ({ text }) => ({ text }),
    ...createVoiceHandlers(services.voice ?? (() => Promise.resolve(undefined))),
    ...(services.knowledge ?? noKnowledge()).handlers(),
    ...(services.speech ?? noSpeech()).handlers(),
    ...(services.settings ?? new SettingsStore(undefined)).handlers(),
    ...identityHandlers(identity),
    ...(services.calculators ?? new CalculatorsRpc(() => Promise.resolve(undefined))).handlers(),
    ...(services.privacy ?? noPrivacy()).handlers(),
    ...(
      services.calendar ?? new CalendarRpc({ env: {}, store: () => Promise.resolve(undefined) })
    ).handlers(),
  };
  return requireSignIn(handlers, identity);
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

/** The sign-in calls of an engine without a server: mode `off`. */
function noIdentity(): IdentityService {
  const log = pino({ level: 'silent' });
  return new IdentityService({
    env: {},
    profiles: new ProfileHandle(undefined, () => Promise.reject(new Error('no profile')), log),
    log,
    onChange: () => undefined,
  });
}

/** The privacy calls of an engine without a profile: nothing stored, nothing sent. */
function noPrivacy(): PrivacyService {
  const log = pino({ level: 'silent' });
  return new PrivacyService(
    () => Promise.resolve(undefined),
    () => 30,
    { info: (f, m) => log.info(f, m), warn: (f, m) => log.warn(f, m) },
  );
}
