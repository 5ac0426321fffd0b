import type { Logger } from 'pino';
import type { ProfileHandle } from '../profile-handle.js';
import type { SpeechRpc } from '../speech/rpc.js';
import type { VoiceApi } from './handlers.js';
import { createVoiceService, type VoiceWiring } from './create.js';
import type { Emit } from './turn.js';

/**
 * The engine's voice service over its one profile, created on first use (no profile → voice calls
 * answer VOICE_NOT_AVAILABLE). A profile that fails to open is logged by the handle (code only) and
 * retried on the next call.
 */
export function voiceFromProfile(
  profiles: ProfileHandle,
  env: NodeJS.ProcessEnv,
  log: Logger,
  emit: Emit,
  /** The signed-in person's access token (sidecar/identity), when there is no device key. */
  bearer?: () => Promise<string>,
  speech?: SpeechRpc,
): { get: () => Promise<VoiceApi | undefined>; close: () => void } {
  let wiring: VoiceWiring | undefined;
  const get = async (): Promise<VoiceApi | undefined> => {
    const profile = await profiles.get().catch(() => undefined);
    if (!profile) return undefined;
    wiring ??= createVoiceService(profile, {
      env,
      emit,
      log,
      ...(bearer ? { bearer } : {}),
      ...(speech ? { speech } : {}),
    });
    return wiring.service;
  };
  return { get, close: () => wiring?.close() };
}
