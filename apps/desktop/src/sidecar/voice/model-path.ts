import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { resolveResources } from '../resources.js';
import { VoiceError } from './errors.js';

export const SILERO_VAD_FILE = 'silero_vad_v5.onnx';

export interface ModelPathOptions {
  /** Explicit folder (the profile passes the resolved resources' folder). */
  readonly modelsDir?: string;
  /** Without `modelsDir`: the folder resources.ts resolves from this (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Told when the model comes from node_modules instead of resources/models. */
  readonly log?: (message: string) => void;
}

/**
 * Where the Silero VAD model is: the models folder (VOICEASSIST_MODELS_DIR or the packaged app's
 * resources, filled by scripts/prepare-resources.mjs), else the copy inside `@ricky0123/vad-web` in
 * node_modules (a development checkout run without a models folder), with a log line saying so.
 */
export function resolveSileroModelPath(options: ModelPathOptions = {}): string {
  const dir = options.modelsDir ?? resolveResources(options.env ?? process.env).modelsDir;
  const preferred = dir === undefined ? undefined : path.join(dir, SILERO_VAD_FILE);
  if (preferred !== undefined && existsSync(preferred)) return preferred;
  const where = dir ?? 'no models folder (VOICEASSIST_MODELS_DIR unset)';
  let fallback: string | undefined;
  try {
    const pkg = createRequire(import.meta.url).resolve('@ricky0123/vad-web/package.json');
    fallback = path.join(path.dirname(pkg), 'dist', SILERO_VAD_FILE);
  } catch {
    fallback = undefined; // package not installed (a packaged app never has it)
  }
  if (fallback !== undefined && existsSync(fallback)) {
    options.log?.(
      `VAD model not in ${where}; using ${fallback} (run scripts/prepare-resources.mjs to copy it).`,
    );
    return fallback;
  }
  throw new VoiceError('VAD_MODEL_MISSING', `Looked in ${where}.`);
}
