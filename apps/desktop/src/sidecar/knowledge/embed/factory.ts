import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Embedder } from './embedder.js';
import { EmbedError, messageOf } from './errors.js';
import { stderrLogger, type EmbedLogger } from './log.js';
import { loadUseLite, USE_LITE_ID } from './use-lite.js';

/**
 * Picks the embedding backend:
 * 1. `model: 'use-lite'` → the bundled Universal Sentence Encoder lite.
 * 2. `model: '<id>'` → the ONNX sentence-transformers folder `<modelsDir>/<id>`; no silent fallback,
 *    because someone asked for that model.
 * 3. `model: 'auto'` (default) → an ONNX folder found in `modelsDir` if one loads, else USE-lite.
 * Every choice is logged with its reason; if nothing can load, the error says what to do.
 */
export interface EmbedderConfig {
  /** `'auto'` (default), `'use-lite'`, or a folder name under `modelsDir` (e.g. `all-MiniLM-L6-v2`). */
  readonly model?: string;
  /** Where ONNX model folders live. Default: `VOICEASSIST_MODELS_DIR`, else `<repo>/resources/models`. */
  readonly modelsDir?: string;
  /** ONNX Runtime intra-op threads (default: one less than the cores, at least 1, at most 4). */
  readonly intraOpNumThreads?: number;
  /** Largest batch handed to the model at once. */
  readonly maxBatchSize?: number;
  readonly log?: EmbedLogger;
}

export const AUTO = 'auto';

/** `<repo>/resources/models` when running from source (tests, CLI, web mode). */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.VOICEASSIST_MODELS_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', '..', '..', '..', '..', 'resources', 'models');
}

/**
 * Reads `VOICEASSIST_EMBED_MODEL`, `VOICEASSIST_MODELS_DIR` and `VOICEASSIST_EMBED_THREADS`, so the
 * CLI and the sidecar configure the embedder the same way.
 */
export function embedderConfigFromEnv(env: NodeJS.ProcessEnv = process.env): EmbedderConfig {
  const threads = Number.parseInt(env.VOICEASSIST_EMBED_THREADS ?? '', 10);
  return {
    model: env.VOICEASSIST_EMBED_MODEL ?? AUTO,
    modelsDir: defaultModelsDir(env),
    ...(Number.isInteger(threads) && threads > 0 ? { intraOpNumThreads: threads } : {}),
  };
}

export async function createEmbedder(config: EmbedderConfig = {}): Promise<Embedder> {
  const log = config.log ?? stderrLogger;
  const model = config.model ?? AUTO;
  const useLiteOptions =
    config.maxBatchSize === undefined ? {} : { maxBatchSize: config.maxBatchSize };

  if (model === 'use-lite' || model === USE_LITE_ID) {
    const embedder = await loadUseLite(useLiteOptions);
    logChoice(log, embedder, 'use-lite', 'configured: model=use-lite');
    return embedder;
  }
  if (model !== AUTO)
    throw new EmbedError(
      'EMBED_MODEL_NOT_FOUND',
      `Embedding model "${model}" is configured, but this build has no ONNX loader yet. Set the model to "auto" or "use-lite".`,
    );

  try {
    const embedder = await loadUseLite(useLiteOptions);
    logChoice(log, embedder, 'use-lite', 'no ONNX sentence-transformers folder is installed');
    return embedder;
  } catch (error) {
    throw new EmbedError(
      'EMBED_NO_BACKEND',
      `No embedding model could be loaded. USE-lite: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

function logChoice(log: EmbedLogger, embedder: Embedder, backend: string, reason: string): void {
  log.info(
    { backend, modelId: embedder.id, dimension: embedder.dimension, reason },
    `embedder: ${backend} (${embedder.id}, ${embedder.dimension}-d) because ${reason}`,
  );
}
