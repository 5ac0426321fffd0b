/**
 * Embeddings for the knowledge store. Start with `createEmbedder(embedderConfigFromEnv())`; the
 * returned `Embedder` (embedder.ts) is all a consumer needs. Model ids, folder layout and the
 * selection rules are documented in resources/models/README.md.
 */
export type { Embedder } from './embedder.js';
export {
  AUTO,
  createEmbedder,
  embedderConfigFromEnv,
  findModelFolders,
  type EmbedderConfig,
} from './factory.js';
export { EMBED_ERRORS, EmbedError, type EmbedErrorCode } from './errors.js';
export { silentLogger, stderrLogger, type EmbedLogger } from './log.js';
export { PINNED_MODELS, type PinnedModel } from './models.js';
export { USE_LITE_DIMENSION, USE_LITE_ID } from './use-lite.js';
export { dot, l2NormalizeInPlace } from './vector.js';
