import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VoiceError } from './errors.js';

export const SILERO_VAD_FILE = 'silero_vad_v5.onnx';

/** `resources/models` of this checkout (apps/desktop/src/sidecar/voice → repo root). */
const REPO_MODELS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  '..',
  'resources',
  'models',
);

export interface ModelPathOptions {
  /** Explicit folder (the packaged app passes `process.resourcesPath/models`). */
  readonly modelsDir?: string;
  /** Environment; `VOICEASSIST_MODELS_DIR` overrides the default folder. */
  readonly env?: NodeJS.ProcessEnv;
  /** Told when the model comes from node_modules instead of resources/models. */
  readonly log?: (message: string) => void;
}

/**
 * Where the Silero VAD model is: resources/models (filled by scripts/prepare-resources.mjs), else
 * the copy inside `@ricky0123/vad-web` in node_modules (development checkouts that skipped the
 * prepare step), with a log line saying so.
 */
export function resolveSileroModelPath(options: ModelPathOptions = {}): string {
  const dir = options.modelsDir ?? options.env?.VOICEASSIST_MODELS_DIR ?? REPO_MODELS_DIR;
  const preferred = path.join(dir, SILERO_VAD_FILE);
  if (existsSync(preferred)) return preferred;
  let fallback: string | undefined;
  try {
    const pkg = createRequire(import.meta.url).resolve('@ricky0123/vad-web/package.json');
    fallback = path.join(path.dirname(pkg), 'dist', SILERO_VAD_FILE);
  } catch {
    fallback = undefined; // package not installed (a packaged app never has it)
  }
  if (fallback !== undefined && existsSync(fallback)) {
    options.log?.(
      `VAD model not in ${dir}; using ${fallback} (run scripts/prepare-resources.mjs to copy it).`,
    );
    return fallback;
  }
  throw new VoiceError('VAD_MODEL_MISSING', `Looked in ${dir}.`);
}
