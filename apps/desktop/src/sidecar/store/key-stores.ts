import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  EnvKeyStore,
  FileKeyStore,
  KeytarKeyStore,
  SafeStorageKeyStore,
  type KeyStore,
  type SafeStorageLike,
} from './keystore.js';

/** The encrypted store and its key file inside a profile folder. */
export const STORE_FILE = 'knowledge.db';
export const KEY_FILE = 'knowledge.key';
export const KEYCHAIN_SERVICE = 'VoiceAssist Workstation';

function profileAccount(profileDir: string): string {
  const resolved = path.resolve(profileDir);
  return `${path.basename(resolved)}-${createHash('sha256').update(resolved).digest('hex').slice(0, 16)}`;
}

/**
 * Where a profile's store key is looked for, in this one order for the engine and the CLI alike:
 * VOICEASSIST_DB_KEY (an explicit setting wins, and CI never touches a keychain), the OS keychain
 * (keytar), the Electron safeStorage-wrapped key file (when main hands over the seam), and an
 * owner-only key file. The first that holds the key wins; a new store's key goes to the first
 * writable one available. resolveDatabaseKey logs every step.
 */
export function profileKeyStores(
  profileDir: string,
  env: NodeJS.ProcessEnv,
  safeStorage?: SafeStorageLike,
): KeyStore[] {
  return [
    new EnvKeyStore(env),
    // One keychain entry per profile folder: the basename alone would let two profiles named
    // alike share (and overwrite) one key, and the second would then fail with a wrong key.
    new KeytarKeyStore(KEYCHAIN_SERVICE, `knowledge:${profileAccount(profileDir)}`),
    ...(safeStorage
      ? [new SafeStorageKeyStore(path.join(profileDir, `${KEY_FILE}.safe`), safeStorage)]
      : []),
    new FileKeyStore(path.join(profileDir, KEY_FILE)),
  ];
}
