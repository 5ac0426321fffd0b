import { Aec3EchoCanceller, type EchoCanceller } from './aec.js';
import { SileroVad, type SpeechProbabilityModel } from './silero.js';

/** The engine's audio front end: speech detection and removal of the app's own voice. */
export interface VoiceFrontEnd {
  readonly vad: SpeechProbabilityModel;
  readonly echoCanceller?: EchoCanceller;
}

export interface FrontEndLog {
  warn(fields: Record<string, unknown>, msg: string): void;
}

/**
 * Silero VAD (from `modelsDir`, see model-path.ts) + AEC3; undefined (with a warning) when the VAD
 * cannot load, and without the echo canceller when only that fails.
 */
export async function loadVoiceFrontEnd(
  modelsDir: string | undefined,
  log?: FrontEndLog,
): Promise<VoiceFrontEnd | undefined> {
  try {
    // No folder: the copy in node_modules (model-path.ts), not whatever this process's env says.
    const vad = await SileroVad.load(modelsDir === undefined ? { env: {} } : { modelsDir });
    let echoCanceller;
    try {
      echoCanceller = await Aec3EchoCanceller.create();
    } catch {
      log?.warn({}, 'echo canceller unavailable; barge-in may trigger on the app’s own voice');
    }
    return echoCanceller ? { vad, echoCanceller } : { vad };
  } catch (err) {
    log?.warn({ code: (err as { code?: string }).code }, 'VAD unavailable');
    return undefined;
  }
}

/** Closes what loadVoiceFrontEnd opened. */
export async function closeVoiceFrontEnd(frontEnd: VoiceFrontEnd | undefined): Promise<void> {
  await frontEnd?.vad.close();
  frontEnd?.echoCanceller?.close();
}
