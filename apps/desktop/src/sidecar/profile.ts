import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createProfileEmbedder } from './knowledge/embedder-choice.js';
import type { Embedder } from './knowledge/embed/embedder.js';
import { KnowledgeBase } from './knowledge/kb.js';
import type { ReembedProgress } from './knowledge/reembed.js';
import { resolveResources, type Resources } from './resources.js';
import { ConversationRepository } from './store/conversations.js';
import { KnowledgeError } from './store/errors.js';
import { STORE_FILE, profileKeyStores } from './store/key-stores.js';
import {
  resolveDatabaseKey,
  type KeyLog,
  type KeySourceKind,
  type SafeStorageLike,
} from './store/keystore.js';
import { SettingsRepository } from './store/settings.js';
import { VaultRepository } from './store/vaults.js';
import {
  closeVoiceFrontEnd,
  loadVoiceFrontEnd,
  type FrontEndLog,
  type VoiceFrontEnd,
} from './voice/front-end.js';

export type ProfileLog = KeyLog;

export interface ProfileOptions {
  /** The profile folder: the encrypted store, its key file, recordings, the egress audit log. */
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: ProfileLog;
  /** Model files; default resolved from `env` and `process.resourcesPath` (resources.ts). */
  readonly resources?: Resources;
  /** Electron's safeStorage, when main hands it over (one more key store). */
  readonly safeStorage?: SafeStorageLike;
  /** Re-embed in the background when the model changed (the engine); the CLI does it up front. */
  readonly reembedInBackground?: boolean;
  readonly onReembedProgress?: (p: ReembedProgress) => void;
}

/**
 * Everything one profile holds, opened once per process and handed to every service and to the
 * CLI: one SQLCipher handle (knowledge, conversations, PHI vaults and settings are repositories
 * on it), one embedder, and the voice front end (loaded on first use: the CLI's `kb` never needs
 * it).
 */
export interface Profile {
  readonly dir: string;
  readonly resources: Resources;
  readonly embedder: Embedder;
  readonly knowledge: KnowledgeBase;
  readonly conversations: ConversationRepository;
  readonly vaults: VaultRepository;
  readonly settings: SettingsRepository;
  /** Where the store key came from (never the key). */
  readonly keySource: { readonly kind: KeySourceKind; readonly location: string };
  /** The VAD + echo canceller, loaded once on first call; undefined when the VAD cannot load. */
  voiceFrontEnd(log?: FrontEndLog): Promise<VoiceFrontEnd | undefined>;
  close(): Promise<void>;
}

/**
 * Opens a profile folder: resolves the store key (one key-store order for engine and CLI, see
 * store/key-stores.ts; a new store gets a new random key), the embedder and the resources, opens
 * the encrypted store and migrates it. The folder is created owner-only when missing.
 */
export async function openProfile(options: ProfileOptions): Promise<Profile> {
  const dir = path.resolve(options.dir);
  const resources = options.resources ?? resolveResources(options.env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, STORE_FILE);
  const exists = existsSync(file);
  const key = await resolveDatabaseKey(profileKeyStores(dir, options.env, options.safeStorage), {
    allowCreate: !exists,
    log: options.log,
  });
  if (exists && key.created)
    throw new KnowledgeError(
      'STORE_KEY_UNAVAILABLE',
      'A new key was created for an existing store.',
    );
  const embedder = await createProfileEmbedder(options.env, resources, options.log);
  let knowledge: KnowledgeBase;
  try {
    knowledge = KnowledgeBase.open({
      file,
      key: key.key,
      embedder,
      log: options.log,
      ...(options.reembedInBackground === undefined
        ? {}
        : { reembedInBackground: options.reembedInBackground }),
      ...(options.onReembedProgress ? { onReembedProgress: options.onReembedProgress } : {}),
    });
  } catch (err) {
    await embedder.close();
    throw err;
  }
  const db = knowledge.db;
  let frontEnd: Promise<VoiceFrontEnd | undefined> | undefined;
  return {
    dir,
    resources,
    embedder,
    knowledge,
    conversations: new ConversationRepository(db),
    vaults: new VaultRepository(db),
    settings: new SettingsRepository(db),
    keySource: { kind: key.kind, location: key.location },
    voiceFrontEnd: (log) => (frontEnd ??= loadVoiceFrontEnd(resources.modelsDir, log)),
    close: async () => {
      await closeVoiceFrontEnd(await frontEnd);
      await knowledge.close();
      await embedder.close();
    },
  };
}
