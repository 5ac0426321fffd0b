import type { Logger } from 'pino';
import type { VoiceApi } from './handlers.js';
import { openVoiceEngine, type VoiceEngine } from './create.js';
import type { Emit } from './turn.js';

/**
 * The engine's voice service, opened on first use from the environment: the profile folder is
 * VOICEASSIST_PROFILE_DIR (unset → voice calls answer VOICE_NOT_AVAILABLE); the server and device
 * key as in providers/config.ts. A failure to open is logged (code only) and retried next call.
 */
export function voiceFromEnv(
  env: NodeJS.ProcessEnv,
  log: Logger,
  emit: Emit,
): { get: () => Promise<VoiceApi | undefined>; close: () => Promise<void> } {
  let opening: Promise<VoiceEngine | undefined> | undefined;
  const get = async (): Promise<VoiceApi | undefined> => {
    const profileDir = env.VOICEASSIST_PROFILE_DIR;
    if (!profileDir) return undefined;
    opening ??= openVoiceEngine({ profileDir, env, emit, log }).catch((err: unknown) => {
      log.error({ code: (err as { code?: string }).code }, 'voice engine failed to open');
      opening = undefined;
      return undefined;
    });
    return (await opening)?.service;
  };
  return {
    get,
    close: async () => {
      const engine = await opening;
      await engine?.close();
    },
  };
}
