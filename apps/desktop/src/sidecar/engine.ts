import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { voiceFromProfile } from './assistant/engine-wiring.js';
import { CalculatorsRpc, historyIn } from './calculators/rpc.js';
import { CalendarRpc } from './calendar/rpc.js';
import { HealthMonitor } from './health.js';
import { IdentityService } from './identity/service.js';
import { KnowledgeRpc } from './knowledge/rpc.js';
import { PrivacyService } from './privacy/service.js';
import { profileHandleFromEnv } from './profile-handle.js';
import { createHandlers } from './rpc/handlers.js';
import { SettingsStore } from './settings/store.js';
import { RpcServer } from './rpc/server.js';
import { SpeechRpc } from './speech/rpc.js';

/** `apps/desktop/package.json` is two levels up from both src/sidecar and dist/sidecar. */
export function readVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0-unknown';
  } catch {
    return '0.0.0-unknown';
  }
}

export interface Engine {
  readonly version: string;
  readonly rpc: RpcServer;
  /**
   * Starts what the engine loads in the background (profile, embedding model, speech). Called by
   * the entry once the transport is up and "ready" announced: loading them competes for the CPU
   * with everything before it, and nothing before it needs them.
   */
  warm(): void;
  stop(): Promise<void>;
}

/**
 * The engine independent of transport: one profile (store, embedder, models) shared by every
 * service, the handlers, the RPC server and its events.
 */
export function createEngine(log: Logger, env: NodeJS.ProcessEnv = process.env): Engine {
  const version = readVersion();
  const profiles = profileHandleFromEnv(env, log);
  // Events go to every connected renderer; `rpc` exists by the time one is sent.
  const speech = new SpeechRpc({
    env,
    emit: (name, payload) => rpc.broadcast(name, payload),
    capabilities: { modelsDir: env.VOICEASSIST_MODELS_DIR },
    warn: (msg) => log.warn(msg),
  });
  const identity = new IdentityService({
    env,
    profiles,
    log,
    onChange: (state) => rpc.broadcast('identity.changed', state),
  });
  const voice = voiceFromProfile(
    profiles,
    env,
    log,
    (name, payload) => rpc.broadcast(name, payload),
    identity.mode === 'sign-in' ? identity.bearer : undefined,
    speech,
  );
  const knowledge = new KnowledgeRpc(profiles, log, (name, payload) =>
    rpc.broadcast(name, payload),
  );
  const health = new HealthMonitor({
    version,
    serverUrl: env.VOICEASSIST_SERVER_URL,
    components: () => profiles.components(),
  });
  const settings = new SettingsStore(env.VOICEASSIST_PROFILE_DIR ?? undefined);
  // Retention once the engine warms up (it opens the profile) and daily.
  const privacy = new PrivacyService(
    () => profiles.get(),
    () => settings.get().retentionDays,
    { info: (f, m) => log.info(f, m), warn: (f, m) => log.warn(f, m) },
  );
  const rpc: RpcServer = new RpcServer(
    createHandlers({
      health,
      voice: voice.get,
      knowledge,
      settings,
      privacy,
      identity,
      calculators: new CalculatorsRpc(historyIn(profiles)),
      calendar: new CalendarRpc({
        env,
        store: async () => (await profiles.get())?.knowledge.db,
        bearer: identity.mode === 'sign-in' ? identity.bearer : undefined,
      }),
      speech,
    }),
    log,
  );
  health.start((snapshot) => {
    log.info({ server: snapshot.server.status }, 'health changed');
    rpc.broadcast('health.changed', snapshot);
  });
  void identity.start();
  return {
    version,
    rpc,
    warm: () => {
      // At start, not at the first voice call: the server's providers are asked now (which opens
      // the profile: store and embedding model), so the Talk control says the right path before
      // anyone presses it; and the on-device recogniser and voice load.
      void voice.get();
      speech.local.warm();
      privacy.start();
    },
    stop: async () => {
      health.stop();
      privacy.close();
      identity.close();
      voice.close();
      await speech.close();
      await knowledge.close();
      await profiles.close();
    },
  };
}
