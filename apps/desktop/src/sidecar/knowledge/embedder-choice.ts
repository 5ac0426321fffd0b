import type { Resources } from '../resources.js';
import type { KeyLog } from '../store/keystore.js';
import type { Embedder } from './embed/embedder.js';
import { createEmbedder, embedderConfigFromEnv } from './embed/factory.js';
import { HashingEmbedder } from './hashing-embedder.js';

/**
 * The profile's embedder as VOICEASSIST_EMBED_MODEL asks: `hashing-bow` (lexical, for tests and
 * machines without a neural encoder), else createEmbedder's choice (an ONNX folder in the models
 * folder, else USE-lite). The choice and its reason are logged once.
 */
export async function createProfileEmbedder(
  env: NodeJS.ProcessEnv,
  resources: Resources,
  log: KeyLog,
): Promise<Embedder> {
  if ((env.VOICEASSIST_EMBED_MODEL ?? '').startsWith('hashing-bow')) {
    log.info('embedding model hashing-bow (lexical fallback, not semantic)');
    return new HashingEmbedder(512);
  }
  return createEmbedder({
    ...embedderConfigFromEnv(env, resources),
    log: { info: (_fields, msg) => log.info(msg), warn: (_fields, msg) => log.warn(msg) },
  });
}
